-- Login: LK_LOGIN_EMAIL (one member) or, when LK_LOGIN_SEEDED is set, seed-0 … seed-999 in turn (seeded members).
dofile("bench/load/lua/common.lua")
scenario = os.getenv("LK_SCENARIO") or "login"
local visitor, password, fixed = env("LK_VISITOR"), env("LK_PASSWORD"), os.getenv("LK_LOGIN_EMAIL")
local n = 0
function request()
  n = n + 1
  local email = fixed or string.format("seed-%d@example.com", (thread_id * 7919 + n) % 1000)
  local body = string.format('{"loginId":{"email":"%s"},"password":"%s"}', email, password)
  return json_post("/_api/iam/authentication/v2/login", body, visitor)
end
function response(status, headers) count(status, headers) end
