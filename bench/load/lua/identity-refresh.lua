-- The peer's refresh (ASP.NET Core Identity's MapIdentityApi, POST /refresh): one refresh token obtained beforehand,
-- presented by every request, as refresh.lua does with Latchkey's stable Wix-SDK token (Identity does not rotate).
dofile("bench/load/lua/common.lua")
scenario = "identity-refresh"
local body = string.format('{"refreshToken":"%s"}', env("LK_PEER_REFRESH"))
local request_bytes -- built on first use: wrk sets the Host header after the script loads
function request() request_bytes = request_bytes or json_post("/refresh", body) return request_bytes end
function response(status) count(status) end
