-- GET /api/v1/posts/{id}/comments?limit=20 on one of the seed's busy posts (a full page and a
-- next_cursor), as a signed-in user.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require("common")

common.authorize()
local first, last = common.number("BENCH_BUSY_FIRST"), common.number("BENCH_BUSY_LAST")

init = common.init

function request()
  return wrk.format("GET", common.post_path(math.random(first, last)) .. "/comments?limit=20")
end

done = common.done
