-- GET /api/v1/posts?limit=20 (the URL run.sh gives, with or without a cursor) as a signed-in
-- user: the author and liked_by_me in every item, the revocation check in every request.
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local common = require("common")

common.authorize()
done = common.done
