# The systemd unit (deploy/systemd/latchkey.service), checked offline (sourced by scripts/ship-check.sh).

systemd_unit() {
  local unit="$clone/deploy/systemd/latchkey.service" root="$work/systemd-root" out score version
  version=$(cat "$work/version")
  grep -qx 'Type=notify' "$unit" && grep -qx 'StateDirectory=latchkey' "$unit" && grep -qx 'ProtectSystem=strict' "$unit" ||
    fail "the unit lacks Type=notify, StateDirectory or ProtectSystem"
  # A root with systemd's own units, the release's single file where the unit expects it, and the unit installed.
  mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system" "$root/opt/latchkey"
  cp -r /lib/systemd/system "$root/usr/lib/systemd/"
  cp "$work/opt/latchkey-$version-linux-x64/latchkey" "$work/opt/latchkey-$version-linux-x64/appsettings.json" "$root/opt/latchkey/"
  cp "$unit" "$root/etc/systemd/system/"
  out=$(systemd-analyze verify --root="$root" latchkey.service 2>&1) || fail "systemd-analyze verify: $out"
  [[ -z $out ]] || fail "systemd-analyze verify warned: $out"
  out=$(systemd-analyze security --offline=yes "$unit" 2>&1) || true
  score=$(grep -oP 'Overall exposure level for latchkey.service: \K[0-9.]+' <<<"$out") || fail "no exposure level: $out"
  echo "exposure level $score"
  python3 -c "import sys; sys.exit(0 if float('$score') <= 2.0 else 1)" || fail "exposure level $score is above 2.0: $out"
}

# Type=notify for real: a parent process named "systemd" (how Microsoft.Extensions.Hosting.Systemd recognises its
# service manager) gives the single file a NOTIFY_SOCKET and waits for READY=1, then SIGTERM and STOPPING=1.
systemd_notify() {
  local python version
  version=$(cat "$work/version")
  python=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
  mkdir -p "$work/notify"
  ln -sf "$python" "$work/notify/systemd"
  "$work/notify/systemd" "$clone/scripts/ship/notify.py" "$work/opt/latchkey-$version-linux-x64/latchkey" \
    "$work/notify/data" "http://127.0.0.1:$(free_port)"
}
