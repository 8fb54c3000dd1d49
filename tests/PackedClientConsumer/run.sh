#!/usr/bin/env bash
# Packs Cloudsign.Auth.Client and Cloudsign.Auth.ResourceServer into artifacts/packages and runs
# the consumer tests, which restore them from that folder by version. Each run uses a new
# version so that no earlier package in the NuGet cache is picked up in place of the new one.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

version="1.0.0-local.$(date +%Y%m%d%H%M%S)"
feed="$root/artifacts/packages"
rm -rf "$feed"
mkdir -p "$feed"

for project in src/Cloudsign.Auth.Client src/Cloudsign.Auth.ResourceServer; do
  dotnet pack "$project" -c Release -o "$feed" -p:Version="$version" --nologo -v quiet
done

dotnet test tests/PackedClientConsumer -p:CloudsignPackageVersion="$version" --nologo
