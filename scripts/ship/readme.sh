# The README's steps on the fresh clone (sourced by scripts/ship-check.sh).

readme_run() {
  local port url
  port=$(free_port) url="http://127.0.0.1:$port"
  cd "$clone"
  start "$work/readme-server.log" dotnet run --project src/Latchkey.Server -- --urls "$url"
  echo "$started" >"$work/readme-server.pid"
  wait_ready "$url" 600 "$started" || { cat "$work/readme-server.log"; fail "dotnet run did not serve"; }
  grep -F "Data directory: $clone/data" "$work/readme-server.log" || fail "the data directory is not $clone/data"
  [[ -f data/bootstrap.json && ! -e src/Latchkey.Server/data ]] || fail "no ./data/bootstrap.json, or a data folder in the project"
  bash scripts/smoke.sh "$url"   # the README's curl scenario, from the clone root, reading ./data
}

readme_cli() {
  cd "$clone"
  local site
  site=$(dotnet run --project src/Latchkey.Server -- sites list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  [[ $site == "$(json data/bootstrap.json "['siteId']")" ]] || fail "the CLI sees site $site, the server made $(json data/bootstrap.json "['siteId']")"
  dotnet run --project src/Latchkey.Server -- audit list --json | python3 -c '
import json, sys
actions = [e["action"] for e in json.load(sys.stdin)["items"] if e["actor"] == "bootstrap"]
assert sorted(actions) == ["api_key.created", "client.created", "site.created"], actions
print("first start audited:", actions)'
  [[ $(find "$clone" -name latchkey.db | wc -l) == 1 ]] || fail "more than one database: $(find "$clone" -name latchkey.db)"
  stop "$(cat "$work/readme-server.pid")"
}

readme_publish() {
  cd "$clone"
  # A data folder in the project itself (what a run from src/Latchkey.Server leaves) must not be published either.
  local planted="lk_planted$(head -c 24 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
  mkdir -p src/Latchkey.Server/data
  echo "{\"apiKey\":\"$planted\"}" >src/Latchkey.Server/data/bootstrap.json
  dotnet publish src/Latchkey.Server -o "$work/published" --nologo -v normal >"$work/publish.log" 2>&1 ||
    { tail -30 "$work/publish.log"; fail "publish failed"; }
  rm -rf src/Latchkey.Server/data
  grep -q "Writing document named 'v1'" "$work/publish.log" || fail "the build did not write the OpenAPI document"
  [[ ! -e $work/published/data ]] || fail "a data folder was published"
  local found
  found=$(find "$work/published" src/Latchkey.Server/bin src/Latchkey.Server/obj \
    \( -name bootstrap.json -o -name master.key -o -name 'latchkey.db*' -o -name 'openapi-data' \) -print)
  [[ -z $found ]] || fail "data in the build or publish output: $found"
  ! grep -rqF "$planted" "$work/published" || fail "the planted key was published"
  ! grep -q "apiKey:" "$work/publish.log" || fail "the build log has a bootstrap banner"
  no_secret "$work/publish.log" "$planted" "$(json data/bootstrap.json "['apiKey']")"
  ls "$work/published"
}

readme_published_from_root() {
  local port data url session code
  port=$(free_port) data="$work/served-data" url="http://127.0.0.1:$port"
  # The operator's configuration, beside the program: where to listen, where the data is, every category at Debug.
  cat >"$work/published/appsettings.json" <<JSON
{
  "urls": "$url",
  "Latchkey": { "DataDirectory": "$data" },
  "Logging": { "LogLevel": { "Default": "Debug", "Microsoft": "Debug", "Microsoft.AspNetCore": "Debug",
    "Microsoft.EntityFrameworkCore": "Debug", "OpenIddict": "Debug", "System": "Debug" } }
}
JSON
  cd /
  start "$work/root-server.log" bash -c "umask 0000 && exec '$work/published/latchkey'"
  wait_ready "$url" 120 "$started" || { tail -20 "$work/root-server.log"; fail "the published program did not serve"; }
  local server=$started
  grep -F "Data directory: $data" "$work/root-server.log" || fail "the configured data directory was not used"
  grep -q "^dbug: Microsoft.AspNetCore" "$work/root-server.log" || fail "Debug logging from appsettings.json did not apply"
  bash "$clone/scripts/smoke.sh" "$url" "$data"
  authorized "$url" "$data"
  curl -fsS "$url/health/ready"
  stop "$server"
  grep -c . "$work/root-server.log"
  private "$data"
  no_secret "$work/root-server.log" "$(json "$data/bootstrap.json" "['apiKey']")" "$(cat "$data/master.key")" \
    "$session" "$code" "correct horse battery"
}
