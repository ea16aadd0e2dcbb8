#!/usr/bin/env bash
# Quick start 1: install what is missing, then run the whole platform (PostgreSQL, RabbitMQ, the services and the
# Aspire dashboard) until Ctrl+C. --fresh first deletes .state/, so every database starts from empty. Other arguments
# go to the AppHost, e.g. --Ports:postgres-tcp=56432.
# Release: Aspire runs each service with the configuration the AppHost was built in (the AppHost assembly's
# [AssemblyConfiguration], passed as `dotnet run --no-build --configuration`), and building the AppHost in Release
# builds the services in Release too. The tests keep Debug.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prerequisites.sh
if [ "${1:-}" = "--fresh" ]; then
    shift
    rm -rf .state
fi
exec dotnet run -c Release --project Platform.AppHost -- "$@"
