#!/usr/bin/env bash
# Measures the platform's time from start to every resource healthy, as the README quotes it: runs the built AppHost
# in Release, as up.sh does (dotnet run --no-build, so its launch profile applies), N times (default 5) with existing
# state and N times from empty state, timing from launch until both services answer /health (Finance's includes its
# copy of the registry, and it starts only once the registry, PostgreSQL and RabbitMQ are healthy); then stops it with
# SIGTERM to its process group.
# Uses the default ports: stop a running platform first.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
dotnet build -c Release Platform.AppHost -v quiet -nologo >/dev/null

measure() {
    local log start
    log=$(mktemp)
    start=$(date +%s.%N)
    setsid dotnet run -c Release --no-build --project Platform.AppHost >"$log" 2>&1 &
    local pid=$!
    # A time limit on each probe: the orchestrator's proxy accepts connections before the service behind it listens.
    until curl -sf -m 2 -o /dev/null http://127.0.0.1:5101/health && curl -sf -m 2 -o /dev/null http://127.0.0.1:5111/health; do
        kill -0 "$pid" 2>/dev/null || { echo "AppHost exited:" >&2; tail -20 "$log" >&2; exit 1; }
        sleep 0.1
    done
    awk -v start="$start" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", now - start }'
    kill -TERM -- "-$pid"
    wait "$pid" || true
    # The orchestrator finishes stopping the servers after the AppHost exits; the next run needs their ports.
    while pgrep -f 'aspire.hosting.orchestration.*/dcp' >/dev/null; do sleep 0.5; done
    rm -f "$log"
}

report() {
    sort -n | awk -v label="$1" '{ t[NR] = $1 } END {
        m = int((NR + 1) / 2); printf "%-16s median %5.1f s, range %.1f-%.1f s, %d runs\n", label, t[m], t[1], t[NR], NR }'
}

measure >/dev/null # warm the state folder and the OS caches
for _ in $(seq "$runs"); do measure; done | report "existing state:"
for _ in $(seq "$runs"); do rm -rf .state; measure; done | report "from empty:"
