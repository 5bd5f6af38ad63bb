#!/usr/bin/env bash
# The release artifacts (docs/deployment.md#release-artifacts), built from this checkout:
#   latchkey-<version>-linux-x64.tar.gz, latchkey-<version>-linux-arm64.tar.gz
#       one self-contained file, `latchkey` (no .NET needed on the machine), with its appsettings.json beside it;
#   Latchkey.<version>.nupkg
#       the .NET tool package: `dotnet tool install -g Latchkey --add-source <dir>` gives the `latchkey` command;
#   SHA256SUMS
#       `sha256sum -c SHA256SUMS` in the output folder checks all of them.
# Usage: scripts/release.sh [output-dir]   (default: artifacts/release; the folder is emptied first)
# Nothing from a data directory can get in: the project excludes data/ from every build and publish.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-artifacts/release}")
version=$(dotnet msbuild src/Latchkey.Server -getProperty:Version)
# Tarballs that depend on the sources only: entries sorted, owned by root, dated by the last commit.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
rm -rf "$out"
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The tool package first (the portable Release build, which a publish or build before may have made), then one build
# per platform, linux-x64 last (a container build for linux-x64 that follows reuses it).
echo "release: Latchkey.$version.nupkg" >&2
dotnet pack src/Latchkey.Server -c Release -o "$out" --nologo -v quiet

for rid in linux-arm64 linux-x64; do
  name="latchkey-$version-$rid"
  echo "release: $name" >&2
  dotnet publish src/Latchkey.Server -c Release -r "$rid" --self-contained \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
    -o "$stage/publish-$rid" --nologo -v quiet
  mkdir -p "$stage/$name"
  cp "$stage/publish-$rid/latchkey" "$stage/publish-$rid/appsettings.json" "$stage/$name/"
  tar -C "$stage" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
done

(cd "$out" && sha256sum -- *.tar.gz *.nupkg >SHA256SUMS)
ls -l "$out" >&2
