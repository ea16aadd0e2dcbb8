#!/usr/bin/env bash
# Quick start 1: install what is missing, then run the whole platform (PostgreSQL, RabbitMQ, the services and the
# trace dashboard) until Ctrl+C. Extra arguments go to the AppHost, e.g. --fresh to start from empty databases.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
exec dotnet run --project Platform.AppHost -- "$@"
