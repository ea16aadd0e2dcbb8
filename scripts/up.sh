#!/usr/bin/env bash
# Quick start 1: install what is missing, then run the whole platform (PostgreSQL, RabbitMQ, the services and the
# Aspire dashboard) until Ctrl+C. --fresh first deletes .state/, so every database starts from empty. Other arguments
# go to the AppHost, e.g. --Ports:postgres-tcp=56432.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
if [ "${1:-}" = "--fresh" ]; then
    shift
    rm -rf .state
fi
exec dotnet run --project Platform.AppHost -- "$@"
