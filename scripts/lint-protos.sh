#!/usr/bin/env bash
# Lints protos/ and the benchmark's yardstick protos (the modules of buf.yaml) with buf. The imported google/* protos
# come from the Google.Api.CommonProtos package that the build restores, so run this after a restore (scripts/test.sh
# does).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*"Google.Api.CommonProtos" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
source_protos="$packages/google.api.commonprotos/$version/content/protos"
[ -d "$source_protos" ] || dotnet restore Platform.sln >/dev/null
rm -rf .build/third_party && mkdir -p .build/third_party/google
cp -r "$source_protos/google/type" "$source_protos/google/rpc" .build/third_party/google/
npx --yes @bufbuild/buf@1.75.0 lint
echo "buf lint: protos/ and tests/Platform.Benchmarks/Protos clean"
