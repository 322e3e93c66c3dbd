-- POST /api/v1/posts/{id}/comments with a text body, on a random seeded post: every request adds
-- a row and moves the post's counter.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require("common")

common.authorize()
local posts = common.number("BENCH_POSTS")
wrk.headers["Content-Type"] = "application/json"
local body = '{"content":"' .. assert(os.getenv("BENCH_CONTENT"), "BENCH_CONTENT must be set") .. '"}'

init = common.init

function request()
  return wrk.format("POST", common.post_path(math.random(1, posts)) .. "/comments", nil, body)
end

done = common.done
