#!/usr/bin/env bash
# Measures the platform's time from start to all resources healthy, as the README quotes it: runs the built AppHost
# N times (default 5) with existing state and N times from empty state (--fresh), reading the AppHost's own
# "All N resources are running (X s)" line and the wall time from launch to that line, then stops it with SIGTERM.
# Uses the default ports: stop a running platform first.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
dotnet build Platform.AppHost -v quiet -nologo >/dev/null

measure() {
    local log start line
    log=$(mktemp)
    start=$(date +%s.%N)
    setsid dotnet Platform.AppHost/bin/Debug/net10.0/Platform.AppHost.dll "$@" >"$log" 2>&1 &
    local pid=$!
    until line=$(grep -m1 -E "All [0-9]+ resources are running" "$log"); do
        kill -0 "$pid" 2>/dev/null || { echo "AppHost exited:" >&2; tail -20 "$log" >&2; exit 1; }
        sleep 0.1
    done
    awk -v start="$start" -v now="$(date +%s.%N)" -v own="$(sed -E 's/.*\(([0-9.]+)s\).*/\1/' <<<"$line")" \
        'BEGIN { printf "%.1f %s\n", now - start, own }'
    kill -TERM -- "-$pid"
    wait "$pid" || true
    rm -f "$log"
}

report() {
    sort -n | awk -v label="$1" '{ wall[NR] = $1; own[NR] = $2 } END {
        m = int((NR + 1) / 2); printf "%-22s median %5.1f s from launch (AppHost timer %4.1f s), range %.1f-%.1f s, %d runs\n", label, wall[m], own[m], wall[1], wall[NR], NR }'
}

measure >/dev/null # warm the state folder and the OS caches
for _ in $(seq "$runs"); do measure; done | report "existing state:"
for _ in $(seq "$runs"); do measure --fresh; done | report "fresh (--fresh):"
