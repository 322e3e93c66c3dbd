-- POST /api/v1/posts with a text body (no image: the image check is an S3 HEAD, not the database).
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require("common")

common.authorize()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"content":"' .. assert(os.getenv("BENCH_CONTENT"), "BENCH_CONTENT must be set") .. '"}'
done = common.done
