#!/usr/bin/env bash
# Conformance suites: the unmodified Wix JavaScript SDK and openid-client against a real Latchkey server.
#
#   dotnet build src/Latchkey.Server -c Release
#   bash tests/conformance/run.sh                      # every suite
#   bash tests/conformance/run.sh wix-sdk.test.mjs     # one suite (file names relative to tests/conformance)
#
# Starts the Release build on a free loopback port with a fresh data directory, waits for /health/live,
# exports WIX_TEST_BASE, CLIENT_ID and API_KEY (from <data dir>/bootstrap.json), runs `npm ci` when
# node_modules is missing or stale, runs the suites under node's test runner with the fetch-rewrite preload, stops the
# server and exits with the test runner's status.
#
# Environment:
#   CONFORMANCE_REPORTER   node test reporter (default: spec; e.g. tap)
#   CONFORMANCE_NODE_ARGS  extra node arguments, e.g. "--test-name-pattern=renewToken"
#   CONFORMANCE_SERVER_LOG copy the server log here when a test fails
#   LATCHKEY_SERVER_DLL    run another build of the server (default: this tree's Release build)
#   OTHER_SITE_API_KEY     an admin API key of a second site (default: run.sh creates the site with the CLI)
#   CONFORMANCE_SETUP      optional script *sourced* after the server is up (WIX_TEST_BASE, CLIENT_ID, API_KEY,
#                          LATCHKEY_DATA_DIR are set); it may register an OIDC client and export OIDC_CLIENT_ID,
#                          OIDC_REDIRECT_URI, OIDC_CLIENT_SECRET for openid-client.test.mjs
#   OIDC_CLIENT_ID, OIDC_REDIRECT_URI, OIDC_CLIENT_SECRET   passed through to openid-client.test.mjs (it skips
#                          itself when OIDC_CLIENT_ID is unset)
#   The server inherits this environment, so ASP.NET Core configuration (Latchkey__…) can be set here too.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
dll=${LATCHKEY_SERVER_DLL:-"$root/src/Latchkey.Server/bin/Release/net10.0/latchkey.dll"}
[[ -f $dll ]] || { echo "run.sh: $dll not found; run: dotnet build src/Latchkey.Server -c Release" >&2; exit 2; }

command -v node >/dev/null || { echo "run.sh: node not found" >&2; exit 2; }
# npm ci when node_modules is missing or was installed from another package-lock.json (a dependency changed).
if ! cmp -s "$here/package-lock.json" "$here/node_modules/.latchkey-package-lock.json" 2>/dev/null; then
  (cd "$here" && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.latchkey-package-lock.json)
fi

port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
data_dir=$(mktemp -d "${TMPDIR:-/tmp}/latchkey-conformance.XXXXXX")
log="$data_dir/server.log"
base="http://127.0.0.1:$port"

server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT

# Every request of the suites comes from 127.0.0.1: the per-address allowances (20 registrations a minute) are
# for the open internet, not for a test runner, so they are lifted here (the throttling tests cover them). The CAPTCHA
# suite's verifier listens on loopback, which a verify URL set through the admin API may reach only when the server's
# own configuration allows it (issue #21), so loopback is allowed here too.
LATCHKEY_DATA_DIR="$data_dir" Latchkey__Throttling__PerIpPerMinute__Register="${Latchkey__Throttling__PerIpPerMinute__Register:-0}" \
  Latchkey__Throttling__PerIpPerMinute__Login="${Latchkey__Throttling__PerIpPerMinute__Login:-0}" \
  Latchkey__Outbound__AllowedNetworks__0="${Latchkey__Outbound__AllowedNetworks__0:-127.0.0.0/8}" \
  dotnet "$dll" --urls "$base" >"$log" 2>&1 &
server_pid=$!

for _ in $(seq 150); do
  if curl -fsS -o /dev/null "$base/health/live" 2>/dev/null && [[ -s $data_dir/bootstrap.json ]]; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run.sh: the server exited during start-up; its log:" >&2; cat "$log" >&2; exit 2
  fi
  sleep 0.2
done
curl -fsS -o /dev/null "$base/health/live" || { echo "run.sh: $base/health/live never answered; log:" >&2; tail -50 "$log" >&2; exit 2; }

bootstrap() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]])' "$data_dir/bootstrap.json" "$1"; }
export WIX_TEST_BASE=$base
CLIENT_ID=$(bootstrap clientId); export CLIENT_ID
API_KEY=$(bootstrap apiKey); export API_KEY
export LATCHKEY_DATA_DIR=$data_dir
echo "run.sh: Latchkey at $base (data $data_dir, client $CLIENT_ID)"

# A standard (rotating) confidential client for openid-client, registered through the admin API with the
# bootstrap key, unless the caller brought one.
if [[ -z ${OIDC_CLIENT_ID:-} ]]; then
  export OIDC_REDIRECT_URI=http://localhost:3000/oidc-callback
  registered=$(curl -fsS -X POST "$base/admin/v1/clients" -H "Authorization: $API_KEY" -H 'Content-Type: application/json' \
    -d "{\"displayName\":\"openid-client conformance\",\"kind\":\"standard\",\"confidential\":true,\"redirectUris\":[\"$OIDC_REDIRECT_URI\"],\"allowedOrigins\":[\"http://localhost:3000\"]}")
  OIDC_CLIENT_ID=$(node -e 'console.log(JSON.parse(process.argv[1]).clientId)' "$registered"); export OIDC_CLIENT_ID
  OIDC_CLIENT_SECRET=$(node -e 'console.log(JSON.parse(process.argv[1]).clientSecret)' "$registered"); export OIDC_CLIENT_SECRET
fi

# A second site with its own admin API key, made with the CLI as an operator would (creating a site needs the
# server-admin permission), for the Members suite's cross-site refusals.
if [[ -z ${OTHER_SITE_API_KEY:-} ]]; then
  other_site=$(LATCHKEY_DATA_DIR="$data_dir" dotnet "$dll" sites create --name "conformance other site" --json)
  OTHER_SITE_API_KEY=$(node -e 'console.log(JSON.parse(process.argv[1]).adminKey.key)' "$other_site"); export OTHER_SITE_API_KEY
fi

if [[ -n ${CONFORMANCE_SETUP:-} ]]; then
  # shellcheck disable=SC1090
  source "$CONFORMANCE_SETUP"
fi

if [[ $# -gt 0 ]]; then suites=("$@"); else suites=(wix-sdk.test.mjs wix-members.test.mjs wix-redirects.test.mjs openid-client.test.mjs social-sign-in.test.mjs); fi

status=0
# shellcheck disable=SC2086
(cd "$here" && node --import ./preload-wix-redirect.mjs --test --test-force-exit \
  --test-reporter="${CONFORMANCE_REPORTER:-spec}" ${CONFORMANCE_NODE_ARGS:-} "${suites[@]}") || status=$?

# The CAPTCHA and flow suites change the shared site's policies, so each runs alone, after the others.
if [[ $# -eq 0 ]]; then
  # shellcheck disable=SC2086
  (cd "$here" && node --import ./preload-wix-redirect.mjs --test --test-force-exit \
    --test-reporter="${CONFORMANCE_REPORTER:-spec}" ${CONFORMANCE_NODE_ARGS:-} wix-sdk-captcha.test.mjs) || status=$?
  # shellcheck disable=SC2086
  (cd "$here" && node --import ./preload-wix-redirect.mjs --test --test-force-exit \
    --test-reporter="${CONFORMANCE_REPORTER:-spec}" ${CONFORMANCE_NODE_ARGS:-} wix-sdk-flows.test.mjs) || status=$?
fi

if [[ $status -ne 0 && -n ${CONFORMANCE_SERVER_LOG:-} ]]; then
  cp "$log" "$CONFORMANCE_SERVER_LOG"
  echo "run.sh: server log copied to $CONFORMANCE_SERVER_LOG"
fi
exit $status
