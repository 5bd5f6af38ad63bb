-- The visitor floor (bench/Latchkey.IdentityPeer, /floor/visitor): the anonymous request's bytes sent to an endpoint that
-- makes only the two tokens of a visitor answer (docs/benchmarks.md#token-service-beside-aspnet-core-identity-issue-25).
dofile("bench/load/lua/common.lua")
scenario = "floor-visitor"
local body = string.format('{"clientId":"%s","grantType":"anonymous"}', "00000000-0000-0000-0000-000000000000")
local request_bytes -- built on first use: wrk sets the Host header after the script loads
function request() request_bytes = request_bytes or json_post("/floor/visitor", body) return request_bytes end
function response(status) count(status) end
