-- Anonymous visitor tokens: the Wix SDK's first call, POST /oauth2/token {clientId, grantType: "anonymous"}.
dofile("bench/load/lua/common.lua")
scenario = "anonymous"
local body = string.format('{"clientId":"%s","grantType":"anonymous"}', env("LK_CLIENT_ID"))
local request_bytes -- built on first use: wrk sets the Host header after the script loads
function request() request_bytes = request_bytes or json_post("/oauth2/token", body) return request_bytes end
function response(status) count(status) end
