-- Session token -> tokens, as the SDK does after a sign-on: POST sign-on (no hash: API-key sign-on of a new email),
-- GET authorize with prompt=none and the session token, POST the code to /oauth2/token. One connection per wrk
-- thread (run with -t N -c N), so each thread walks its own flow; ops are completed flows, latencies are per flow.
-- PKCE uses one verifier/challenge pair computed beforehand (LK_VERIFIER, LK_CHALLENGE): every code is still new.
dofile("bench/load/lua/common.lua")
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } lk_timespec;
int clock_gettime(int clk_id, lk_timespec *tp);
]]
local ts = ffi.new("lk_timespec")
local function now_ms() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6 end

scenario = "flow"
ops_counter = 0
op_latencies = {}
local run, client_id, api_key, visitor = env("LK_RUN"), env("LK_CLIENT_ID"), env("LK_API_KEY"), env("LK_VISITOR")
local verifier, challenge = env("LK_VERIFIER"), env("LK_CHALLENGE")
local redirect = "http%3A%2F%2Flocalhost%3A3000%2Fcallback"
local step, n, started, session_token, code = "sign-on", 0, 0, nil, nil

function request()
  if step == "sign-on" then
    n = n + 1
    started = now_ms()
    return json_post("/_api/iam/authentication/v2/sign-on",
      string.format('{"loginId":{"email":"flow-%s-%d-%d@example.com"}}', run, thread_id, n), visitor .. "," .. api_key)
  elseif step == "authorize" then
    return wrk.format("GET", string.format(
      "/_api/oauth2/authorize?clientId=%s&responseType=code&redirectUri=%s&scope=offline_access&state=s&responseMode=query&codeChallenge=%s&codeChallengeMethod=S256&prompt=none&sessionToken=%s",
      client_id, redirect, challenge, session_token))
  else
    return json_post("/oauth2/token", string.format(
      '{"clientId":"%s","grantType":"authorization_code","code":"%s","codeVerifier":"%s","redirectUri":"http://localhost:3000/callback"}',
      client_id, code, verifier))
  end
end

-- The status columns count flows: a failed step counts its status and restarts; the token response counts its own.
function response(status, headers, body)
  if step == "sign-on" then
    session_token = status == 200 and body:match('"sessionToken"%s*:%s*"([^"]+)"')
    step = session_token and "authorize" or "sign-on"
    if not session_token then count(status) end
  elseif step == "authorize" then
    local location = status == 302 and (headers["Location"] or headers["location"])
    code = location and location:match("[?&]code=([^&]+)")
    step = code and "token" or "sign-on"
    if not code then count(status == 302 and 0 or status) end
  else
    count(status)
    if status == 200 then
      ops_counter = ops_counter + 1
      table.insert(op_latencies, now_ms() - started)
    end
    step = "sign-on"
  end
end
