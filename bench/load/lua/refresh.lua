-- Refresh: one member refresh token obtained beforehand (the Wix-SDK client keeps it stable), presented by every request.
dofile("bench/load/lua/common.lua")
scenario = "refresh"
local body = string.format('{"clientId":"%s","grantType":"refresh_token","refreshToken":"%s"}', env("LK_CLIENT_ID"), env("LK_REFRESH"))
local request_bytes -- built on first use: wrk sets the Host header after the script loads
function request() request_bytes = request_bytes or json_post("/oauth2/token", body) return request_bytes end
function response(status) count(status) end
