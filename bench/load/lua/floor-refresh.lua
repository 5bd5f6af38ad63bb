-- The refresh floor (bench/Latchkey.IdentityPeer, /floor/refresh): the refresh request's shape sent to an endpoint that does
-- only what a stable member refresh must (docs/benchmarks.md#token-service-beside-aspnet-core-identity-issue-25).
dofile("bench/load/lua/common.lua")
scenario = "floor-refresh"
local body = string.format('{"clientId":"%s","grantType":"refresh_token","refreshToken":"%s"}', "00000000-0000-0000-0000-000000000000", env("LK_FLOOR_REFRESH"))
local request_bytes -- built on first use: wrk sets the Host header after the script loads
function request() request_bytes = request_bytes or json_post("/floor/refresh", body) return request_bytes end
function response(status) count(status) end
