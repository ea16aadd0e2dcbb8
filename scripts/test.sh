#!/usr/bin/env bash
# Quick start 2: install what is missing, build, and run every test: unit tests, service tests over real gRPC and
# PostgreSQL, messaging tests on a real RabbitMQ, and the system test that boots the platform through the AppHost.
# Each test project boots Platform.AppHost through Aspire.Hosting.Testing on random ports; nothing needs to be running
# first, and nothing may be left running after (checked at the end, as one more failed test).
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

# Nothing the tests started may outlive them: each AppHost stops its servers and services when disposed.
leftovers() { pgrep -a -f '/postgresql/15/bin/postgres|beam\.smp|/usr/bin/epmd|aspire\.hosting\.orchestration.*/dcp|/(Practices|Finance|Identity)\.Api( |$)' || true; }
for _ in $(seq 60); do [ -z "$(leftovers)" ] && break; sleep 1; done
if [ -n "$(leftovers)" ]; then
    echo "Processes left running after the tests:" >&2
    leftovers >&2
    status=1
    summary=$(awk -v s="$summary" 'BEGIN { split(s, f, /[ ,]+/); printf "%d passed, %d failed, %d skipped", f[1], f[3] + 1, f[5] }')
fi

[ -n "$summary" ] && echo "$summary"
exit $status
