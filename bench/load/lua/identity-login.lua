-- The peer's login (ASP.NET Core Identity's MapIdentityApi, POST /login: PBKDF2-HMAC-SHA512, 100,000 iterations, as
-- shipped), one member, as login.lua does with LK_LOGIN_EMAIL.
dofile("bench/load/lua/common.lua")
scenario = "identity-login"
local body = string.format('{"email":"%s","password":"%s"}', env("LK_PEER_EMAIL"), env("LK_PEER_PASSWORD"))
local request_bytes
function request() request_bytes = request_bytes or json_post("/login", body) return request_bytes end
function response(status) count(status) end
