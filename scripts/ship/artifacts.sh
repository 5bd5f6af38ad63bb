# The release artifacts of scripts/release.sh, built on the fresh clone (sourced by scripts/ship-check.sh).

release_artifacts() {
  cd "$clone"
  bash scripts/release.sh "$work/release" || fail "scripts/release.sh failed"
  version=$(dotnet msbuild src/Latchkey.Server -getProperty:Version)
  echo "$version" >"$work/version"
  cd "$work/release"
  sha256sum -c SHA256SUMS
  [[ $(wc -l <SHA256SUMS) == 3 ]] || fail "SHA256SUMS should list 3 files"
  local rid want got
  for rid in linux-x64 linux-arm64; do
    want=$(printf '%s\n' "latchkey-$version-$rid/" "latchkey-$version-$rid/appsettings.json" "latchkey-$version-$rid/latchkey")
    got=$(tar -tzf "latchkey-$version-$rid.tar.gz" | sort)
    [[ $got == "$want" ]] || fail "latchkey-$version-$rid.tar.gz holds: $got"
  done
  mkdir -p "$work/opt"
  tar -C "$work/opt" -xzf "latchkey-$version-linux-x64.tar.gz"
  tar -C "$work/opt" -xzf "latchkey-$version-linux-arm64.tar.gz"
  # One self-contained ELF executable per architecture (e_machine 0x3e x86-64, 0xb7 AArch64), native libraries inside.
  python3 - "$work/opt/latchkey-$version-linux-x64/latchkey" 62 "$work/opt/latchkey-$version-linux-arm64/latchkey" 183 <<'PY'
import struct, sys
for path, machine in zip(sys.argv[1::2], sys.argv[2::2]):
    head = open(path, "rb").read(20)
    assert head[:4] == b"\x7fELF", path
    assert struct.unpack_from("<H", head, 18)[0] == int(machine), (path, head[18:20])
    print(path, "ELF machine", machine)
PY
  python3 - "Latchkey.$version.nupkg" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
assert any(n.endswith("/latchkey.dll") for n in names) and any(n.endswith("DotnetToolSettings.xml") for n in names), names[:20]
bad = [n for n in names if "/data/" in n or n.endswith(("bootstrap.json", "master.key")) or ".db" in n]
assert not bad, bad
print(len(names), "entries in the tool package, no data")
PY
}

release_run() {
  local version program port data
  version=$(cat "$work/version")
  program="$work/opt/latchkey-$version-linux-x64/latchkey"
  [[ $("$program" --version) == "$version"* ]] || fail "latchkey --version: $("$program" --version)"
  port=$(free_port) data="$work/single-file-data"
  cd /
  start "$work/single-file.log" env LATCHKEY_DATA_DIR="$data" DOTNET_BUNDLE_EXTRACT_BASE_DIR="$work/extract" "$program" serve --urls "http://127.0.0.1:$port"
  wait_ready "http://127.0.0.1:$port" 60 "$started" || { tail -20 "$work/single-file.log"; fail "the single file did not serve"; }
  "$program" health --url "http://127.0.0.1:$port" || fail "latchkey health said not ready"
  stop "$started"
  ! "$program" health --url "http://127.0.0.1:$port" || fail "latchkey health said ready with no server"
  (cd "$work" && dotnet tool install --tool-path "$work/tool" Latchkey --add-source "$work/release" --version "$version") ||
    fail "the tool did not install"
  [[ $("$work/tool/latchkey" --version) == "$version"* ]] || fail "the tool's latchkey --version: $("$work/tool/latchkey" --version)"
  (cd "$work" && "$work/tool/latchkey" sites list --data-dir "$data")
}
