-- Shared by the wrk scenarios of bench/load/run.sh: status counting per thread, and one tab-separated result line
-- (scenario, ops/s, p50 ms, p99 ms, ops, 2xx, 429, 5xx, other, timeouts) in the format of Latchkey.Load's rows.
-- Each scenario sets `scenario`, and may set `ops_counter` (a thread global counting completed operations when an
-- operation is several requests) and `op_latencies` (per-operation latencies in ms instead of wrk's per-request ones).

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
  table.insert(threads, thread)
end

ok, too_many, server_errors, other = 0, 0, 0, 0

-- A 429 counts as such only with a Retry-After header (the storm target); without one it is "other".
function count(status, headers)
  if status >= 200 and status < 400 then ok = ok + 1
  elseif status == 429 and (headers == nil or headers["Retry-After"] or headers["retry-after"]) then too_many = too_many + 1
  elseif status >= 500 then server_errors = server_errors + 1
  else other = other + 1 end
end

function env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then error(name .. " is not set") end
  return value
end

function json_post(path, body, authorization)
  local headers = { ["Content-Type"] = "application/json" }
  if authorization then headers["Authorization"] = authorization end
  return wrk.format("POST", path, headers, body)
end

local function percentile(sorted, p)
  if #sorted == 0 then return "-" end
  local i = math.floor(p * #sorted) + 1
  if i > #sorted then i = #sorted end
  return string.format("%.1f", sorted[i])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local s = { ok = 0, too_many = 0, server_errors = 0, other = 0, ops = 0 }
  local op_latencies = {}
  for _, thread in ipairs(threads) do
    s.ok = s.ok + thread:get("ok")
    s.too_many = s.too_many + thread:get("too_many")
    s.server_errors = s.server_errors + thread:get("server_errors")
    s.other = s.other + thread:get("other")
    s.ops = s.ops + (thread:get("ops_counter") or 0)
    for _, v in ipairs(thread:get("op_latencies") or {}) do table.insert(op_latencies, v) end
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write
  local name = threads[1]:get("scenario")
  local ops, p50, p99
  if #op_latencies > 0 then
    table.sort(op_latencies)
    ops, p50, p99 = s.ops, percentile(op_latencies, 0.50), percentile(op_latencies, 0.99)
  else
    ops = summary.requests
    p50 = string.format("%.1f", latency:percentile(50) / 1000)
    p99 = string.format("%.1f", latency:percentile(99) / 1000)
  end
  io.write(string.format("%s\t%.1f\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", name, ops / seconds, p50, p99, ops,
    s.ok, s.too_many, s.server_errors, s.other + socket_errors, errors.timeout))
end
