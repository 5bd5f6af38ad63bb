#!/usr/bin/env bash
# The issue #2 acceptance scenario with curl alone, against a running server:
#   scripts/smoke.sh [base-url] [data-dir]      (defaults: http://127.0.0.1:5080 ./data)
# anonymous token -> register -> login (right, wrong, unknown) -> sign-on with the API key (new member) ->
# sign-on with a visitor token (403) -> duplicate register (409 -19995) -> logout to a foreign origin (400, no redirect)
# -> on loopback, /metrics counts the logins by outcome.
set -euo pipefail
base=${1:-http://127.0.0.1:5080}
data=${2:-./data}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
bootstrap() { python3 -c "import json; print(json.load(open('$data/bootstrap.json'))['$1'])"; }
expect() { # expect <label> <want-status> <got-status> [body]
  if [[ "$2" != "$3" ]]; then echo "FAIL $1: want HTTP $2, got $3: ${4:-}" >&2; exit 1; fi
  echo "ok   $1 ($3)"
}
post() { # post <path> <authorization> <json> -> sets $status and $body
  local out
  out=$(curl -sS -w '\n%{http_code}' -X POST "$base$1" -H "Authorization: $2" -H 'Content-Type: application/json' -d "$3")
  status=${out##*$'\n'}
  body=${out%$'\n'*}
}

client_id=$(bootstrap clientId)
api_key=$(bootstrap apiKey)
email="smoke-$RANDOM$RANDOM@example.com"
password="correct horse battery"

post /oauth2/token "" "{\"clientId\":\"$client_id\",\"grantType\":\"anonymous\"}"
expect "anonymous token" 200 "$status" "$body"
visitor=$(echo "$body" | json "['access_token']")
[[ $(echo "$body" | json "['expires_in']") == 14400 ]] || { echo "FAIL expires_in" >&2; exit 1; }

post /_api/iam/authentication/v2/register "$visitor" "{\"loginId\":{\"email\":\"$email\"},\"password\":\"$password\"}"
expect "register" 200 "$status" "$body"
[[ $(echo "$body" | json "['state']") == SUCCESS ]] || { echo "FAIL register state" >&2; exit 1; }

post /_api/iam/authentication/v2/login "$visitor" "{\"loginId\":{\"email\":\"$email\"},\"password\":\"$password\"}"
expect "login, right password" 200 "$status" "$body"
[[ -n $(echo "$body" | json "['sessionToken']") ]] || { echo "FAIL no sessionToken" >&2; exit 1; }

post /_api/iam/authentication/v2/login "$visitor" "{\"loginId\":{\"email\":\"$email\"},\"password\":\"wrong password here\"}"
expect "login, wrong password" 401 "$status" "$body"
wrong=$body
post /_api/iam/authentication/v2/login "$visitor" "{\"loginId\":{\"email\":\"nobody-$email\"},\"password\":\"wrong password here\"}"
expect "login, unknown email" 401 "$status" "$body"
[[ "$body" == "$wrong" ]] || { echo "FAIL wrong password and unknown email differ" >&2; exit 1; }
[[ $(echo "$body" | json "['details']['applicationError']['code']") == -19976 ]] || { echo "FAIL code" >&2; exit 1; }

post /_api/iam/authentication/v2/sign-on "$visitor,$api_key" "{\"loginId\":{\"email\":\"new-$email\"}}"
expect "sign-on with the API key" 200 "$status" "$body"
[[ -n $(echo "$body" | json "['sessionToken']") ]] || { echo "FAIL no sessionToken" >&2; exit 1; }

post /_api/iam/authentication/v2/sign-on "$visitor" "{\"loginId\":{\"email\":\"other-$email\"}}"
expect "sign-on with a visitor token" 403 "$status" "$body"

post /_api/iam/authentication/v2/register "$visitor" "{\"loginId\":{\"email\":\"$email\"},\"password\":\"$password\"}"
expect "register an existing email" 409 "$status" "$body"
[[ $(echo "$body" | json "['details']['applicationError']['code']") == -19995 ]] || { echo "FAIL code" >&2; exit 1; }

headers=$(curl -sS -D - -o /dev/null "$base/_api/iam/authentication/v1/logout?clientId=$client_id&postLogoutRedirectUri=https%3A%2F%2Fevil.example%2F")
logout_status=$(echo "$headers" | head -1 | awk '{print $2}')
expect "logout to a foreign origin" 400 "$logout_status"
if echo "$headers" | grep -qi '^location:'; then echo "FAIL logout redirected" >&2; exit 1; fi

# Metrics (docs/observability.md): served to loopback only, so checked when the server is reached there.
if [[ $base =~ ^http://(127\.[0-9.]+|localhost|\[::1\])(:|/|$) ]]; then
  metrics=$(curl -sS -w '\n%{http_code}' "$base/metrics")
  expect "metrics from loopback" 200 "${metrics##*$'\n'}"
  # A here-string, not a pipe: grep -q stops at the first match, and under pipefail echo's broken pipe would fail the check.
  grep -Eq '^latchkey_logins_total\{[^}]*outcome="success"[^}]*\} [1-9]' <<<"$metrics" ||
    { echo "FAIL /metrics counts no successful login" >&2; exit 1; }
  grep -Eq '^latchkey_logins_total\{[^}]*outcome="invalid_credentials"[^}]*\} [1-9]' <<<"$metrics" ||
    { echo "FAIL /metrics counts no failed login" >&2; exit 1; }
fi

echo "smoke: all passed ($email)"
