-- Like a random seeded post, then take the like back: POST and DELETE alternate on the same
-- post, so every request changes a row and a counter (no idempotent no-ops).
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require("common")

common.authorize()
local posts = common.number("BENCH_POSTS")
local sent, path = 0, nil

init = common.init

function request()
  sent = sent + 1
  if sent % 2 == 1 then
    path = common.post_path(math.random(1, posts)) .. "/likes"
    return wrk.format("POST", path)
  end
  return wrk.format("DELETE", path)
end

done = common.done
