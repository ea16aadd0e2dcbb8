#!/usr/bin/env bash
# Installs what the platform needs and the machine lacks: PostgreSQL 15 and RabbitMQ from Debian's packages, and
# checks for the .NET 10 SDK and Node.js (buf, the proto linter, comes from npm when it runs). Idempotent: a
# machine that has everything is left alone. The servers are NOT started here: the AppHost starts its own.
set -euo pipefail

missing=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)

if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} from Debian's packages..."
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "Need root (or sudo) to apt-get install ${missing[*]}." >&2; exit 1; }
        sudo_cmd=(sudo)
    fi
    # policy-rc.d stops the packages from starting system-wide daemons: the AppHost runs its own servers on its own ports.
    policy=/usr/sbin/policy-rc.d
    created_policy=false
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
        "${sudo_cmd[@]}" chmod +x "$policy"
        created_policy=true
    fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
    if $created_policy; then "${sudo_cmd[@]}" rm -f "$policy"; fi
fi

command -v dotnet >/dev/null && dotnet --list-sdks | grep -q '^10\.' \
    || { echo "The .NET 10 SDK is required (https://dot.net): install it, then run this again." >&2; exit 1; }
command -v npx >/dev/null || { echo "Node.js (npx) is required for buf, the proto linter: apt-get install nodejs npm." >&2; exit 1; }
echo "Prerequisites: .NET $(dotnet --version), PostgreSQL 15, RabbitMQ $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?'), Node.js $(node --version)"
