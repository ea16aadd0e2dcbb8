#!/usr/bin/env bash
# Quick start 2: install what is missing, build, and run every test: unit tests, service tests over real gRPC and
# PostgreSQL, messaging tests on a real RabbitMQ, and the system test that boots the platform through the AppHost.
# Each test project starts the servers it needs on free ports; nothing needs to be running first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
dotnet build Platform.sln -warnaserror
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test --solution Platform.sln --no-build 2>&1 | tee "$log" || status=$?

# One plain summary line for any reader (CI included): "N passed, N failed, N skipped".
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
    /^ *failed: /    { failed = $2 }
    /^ *succeeded: / { passed = $2 }
    /^ *skipped: /   { skipped = $2 }
    END { if (passed != "") printf "%d passed, %d failed, %d skipped", passed, failed, skipped }')
[ -n "$summary" ] && echo "$summary"
exit $status
