-- Shared by the wrk scripts (wrk -s NAME.lua). Settings come from the environment that
-- bench/run.sh sets: BENCH_TOKEN (bearer token), BENCH_OUT (where done() writes its figures).
local common = {}

-- Post n of the seed has this id (bench/sql/seed.sql, bench_post_id), so a script can pick a
-- random existing post without a list.
function common.post_path(n)
  return string.format("/api/v1/posts/00000001-0000-7000-8000-%012x", n)
end

-- Each wrk thread its own random sequence (wrk's threads are separate Lua states that would
-- otherwise draw the same posts in the same order): use as `init = common.init`.
function common.init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

function common.authorize()
  local token = os.getenv("BENCH_TOKEN")
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end

function common.number(name)
  local value = tonumber(os.getenv(name) or "")
  assert(value, name .. " must be set to a number")
  return value
end

-- Figures as one JSON object; status errors are answers outside 2xx/3xx (a failed bench run).
function common.done(summary, latency, requests)
  local e = summary.errors
  local f = assert(io.open(assert(os.getenv("BENCH_OUT"), "BENCH_OUT must be set"), "w"))
  f:write(string.format(
    '{"rps":%.2f,"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d,"non_2xx":%d}\n',
    summary.requests / (summary.duration / 1e6), summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
  f:close()
end

return common
