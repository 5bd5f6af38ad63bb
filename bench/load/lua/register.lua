-- Register: a unique email per request (run id, thread, counter), with a visitor token obtained beforehand.
dofile("bench/load/lua/common.lua")
scenario = "register"
local run, visitor, password = env("LK_RUN"), env("LK_VISITOR"), env("LK_PASSWORD")
local n = 0
function request()
  n = n + 1
  local body = string.format('{"loginId":{"email":"load-%s-%d-%d@example.com"},"password":"%s"}', run, thread_id, n, password)
  return json_post("/_api/iam/authentication/v2/register", body, visitor)
end
function response(status) count(status) end
