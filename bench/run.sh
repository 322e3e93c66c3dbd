#!/usr/bin/env bash
# bench/run.sh: the API's hot paths side by side with PostgreSQL running only the statement that
# produces each answer (pgbench, bench/sql/answer/*.sql: the yardstick), in one run and at one
# concurrency, so that every figure is a ratio taken under the same load. Whatever the API adds
# (a revocation lookup, another statement, its own CPU) is the API's cost. The old yardstick, a
# replay of exactly what the API sends (bench/sql/*.sql, pgbench -j 1), is measured beside it.
# See bench/README.md for how to read the output. Everything runs on 127.0.0.1 and is stopped
# and removed at the end; only bench/results/<time>/ stays.
#
# Settings (environment):
#   BENCH_CONCURRENCY  connections, for wrk and pgbench alike        (16)
#   BENCH_DURATION     seconds per measurement                       (8)
#   BENCH_WARMUP       seconds of API warm-up before each row         (3)
#   BENCH_ROUNDS       API/pgbench pairs per row, taken in turn; the row shows the round with
#                      the median ratio                              (3)
#   BENCH_USERS        seeded users                                  (20000)
#   BENCH_POSTS        seeded posts                                  (10000)
#   BENCH_SCALE_POSTS  posts for the deep-page scaling step; 0 skips  (1000000)
#   BENCH_DEEP_CONCURRENCY  connections for the deep-page measurements: the time of one page,
#                      not of a queue of them                        (1)
#   BENCH_API_DIR      a published SocialMedia.Api to measure instead of publishing this checkout
#   BENCH_BUILD        aot: the Native AOT build, the production one (dotnet publish -p:PublishAot=true);
#                      jit: the framework-dependent Release build, for comparison    (aot)
#   BENCH_ONLY         measure only these rows, comma-separated: timeline, comments (the page),
#                      deep, like, create, comment (a new comment) (all); the peak RSS then covers
#                      only that load
#   BENCH_COMPARE_DIR  a second published SocialMedia.Api: run it next to the first and alternate
#                      wrk between the two (timeline, create), instead of the pgbench rows
#   BENCH_CAPTURE_ONLY=1  stop after capturing the statements the API sends (results/*/captured-*.sql):
#                      what to copy into bench/sql/*.sql after changing a query
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
CONCURRENCY=${BENCH_CONCURRENCY:-16}
# wrk and the yardstick's pgbench get a thread per core, so that neither client is the bottleneck.
THREADS=$(nproc)
[ "$THREADS" -le "$CONCURRENCY" ] || THREADS=$CONCURRENCY
BUILD=${BENCH_BUILD:-$([ "${BENCH_AOT:-1}" = 0 ] && echo jit || echo aot)}
DURATION=${BENCH_DURATION:-8}
WARMUP=${BENCH_WARMUP:-3}
ROUNDS=${BENCH_ROUNDS:-3}
USERS=${BENCH_USERS:-20000}
POSTS=${BENCH_POSTS:-10000}
SCALE_POSTS=${BENCH_SCALE_POSTS:-1000000}
DEEP_CONCURRENCY=${BENCH_DEEP_CONCURRENCY:-1}
API_DIR=${BENCH_API_DIR:-}
ONLY=${BENCH_ONLY:-timeline,comments,deep,like,create,comment}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_ROUNDS must be a whole number of at least 1, not '$ROUNDS'" >&2; exit 2; }
for row in ${ONLY//,/ }; do
  case $row in timeline | comments | deep | like | create | comment) ;; *) echo "bench: BENCH_ONLY: unknown row '$row' (timeline, comments, deep, like, create, comment)" >&2; exit 2 ;; esac
done
results=$bench/results/$(date +%Y%m%d-%H%M%S)
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
helper() { node "$bench/lib/bench.mjs" "$@"; }

# --- prerequisites: public tools only, installed from Debian when missing ---------------------
apt_updated=0
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  if [ "$apt_updated" = 0 ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
command -v wrk >/dev/null || { say "installing wrk (apt-get install wrk)"; apt_install wrk; }
command -v pgrep >/dev/null || { say "installing procps (pgrep)"; apt_install procps; }
command -v node >/dev/null || { say "installing Node.js"; apt_install nodejs npm; }
command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is needed: https://dot.net"
find_pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r) $(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)"); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pgbench" ]; then echo "$dir"; return; fi
  done
}
pgbin=$(find_pg_bin)
if [ -z "$pgbin" ]; then
  say "installing PostgreSQL (server binaries and pgbench)"
  apt_install postgresql
  service postgresql stop >/dev/null 2>&1 || true # the bench starts a server of its own
  pgbin=$(find_pg_bin)
  [ -n "$pgbin" ] || die "PostgreSQL's initdb and pgbench not found after installing"
fi
pg_major=$("$pgbin/postgres" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
[ "$pg_major" -ge 15 ] || die "PostgreSQL 15 or newer is needed (jsonlog, pgbench pipelines); found $pg_major in $pgbin"
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
fi
s3rver_js=$root/tools/s3rver/node_modules/s3rver/bin/s3rver.js
[ -f "$s3rver_js" ] || npm ci --prefix "$root/tools/s3rver" --no-audit --no-fund --loglevel=error

# --- the run's own folder, and cleanup of everything it starts ---------------------------------
mkdir -p "$results"
work=$(mktemp -d /tmp/socialmedia-bench.XXXXXX)
chmod 755 "$work"
api_pid="" compare_pid="" s3_pid="" pg_started=0
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_process() { # PID: SIGTERM, up to 10 s to exit, then SIGKILL
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
stop_api() { stop_process "$api_pid"; api_pid=""; }
cleanup() {
  stop_api
  stop_process "$compare_pid"
  if [ -n "$s3_pid" ]; then kill "$s3_pid" 2>/dev/null || true; wait "$s3_pid" 2>/dev/null || true; fi
  if [ "$pg_started" = 1 ]; then
    cp "$work/pg/server.log" "$results/postgres.log" 2>/dev/null || true
    cp "$pglog" "$results/postgres.json" 2>/dev/null || true
    as_postgres "$pgbin/pg_ctl" stop -m immediate -D "$work/pg/data" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the API build -------------------------------------------------------------------------------
if [ -z "$API_DIR" ] && [ "$BUILD" = aot ]; then
  say "publishing SocialMedia.Api as Native AOT (dotnet publish -p:PublishAot=true)"
  API_DIR=$bench/results/publish-aot
  rid=linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')
  command -v clang >/dev/null || { say "installing clang and zlib1g-dev (the Native AOT linker)"; apt_install clang zlib1g-dev; }
  rm -rf "$API_DIR"
  dotnet publish "$root/SocialMedia.Api" -c Release -r "$rid" -p:PublishAot=true -o "$API_DIR" --nologo >"$results/publish.log" 2>&1 \
    || { tail -n 30 "$results/publish.log"; die "the Native AOT publish failed"; }
elif [ -z "$API_DIR" ]; then
  say "publishing SocialMedia.Api (Release)"
  API_DIR=$bench/results/publish
  # Publishes with different ReadyToRun settings (this one, the composite Lambda package of
  # deploy/package.sh and bench/lambda-coldstart.sh) share obj/Release/net10.0/<rid>/R2R, and an
  # incremental publish reuses what another left there: a component of a composite image aborts at
  # start without its image. Each publish compiles its own.
  rm -rf "$root"/SocialMedia.Api/obj/Release/net10.0/*/R2R
  dotnet publish "$root/SocialMedia.Api" -c Release -o "$API_DIR" --nologo -v quiet >"$results/publish.log" 2>&1 \
    || { tail -n 30 "$results/publish.log"; die "dotnet publish failed"; }
fi
# The framework-dependent build runs under dotnet; a Native AOT build is its own executable.
api_command_of() { # DIR -> sets command
  if [ -f "$1/SocialMedia.Api.dll" ]; then
    command=(dotnet "$1/SocialMedia.Api.dll")
  elif [ -x "$1/SocialMedia.Api" ]; then
    command=("$1/SocialMedia.Api")
  else
    die "no SocialMedia.Api.dll or SocialMedia.Api executable in $1"
  fi
}
api_command_of "$API_DIR"
api_command=("${command[@]}")

# --- PostgreSQL, tuned as a throwaway server: nothing here must survive a crash ------------------
say "starting PostgreSQL $pg_major ($pgbin)"
pgport=$(helper port)
mkdir -p "$work/pg/log"
[ "$(id -u)" = 0 ] && chown -R postgres: "$work/pg"
as_postgres "$pgbin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --no-sync --locale=C.UTF-8 >"$results/initdb.log" 2>&1
pg_options="-p $pgport -k $work/pg -c listen_addresses=127.0.0.1"
pg_options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c max_connections=200"
# Statements are logged as JSON only while the run captures what the API sends (see capture_sql).
pg_options+=" -c logging_collector=on -c log_destination=jsonlog -c log_directory=$work/pg/log -c log_filename=postgresql"
as_postgres "$pgbin/pg_ctl" start -w -t 60 -D "$work/pg/data" -l "$work/pg/server.log" -o "$pg_options" >/dev/null
pg_started=1
pglog=$work/pg/log/postgresql.json
psql() { "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -d postgres -c "CREATE DATABASE social"

say "starting s3rver"
s3port=$(helper port)
mkdir -p "$work/s3"
node --require "$root/tools/s3rver/copy-source.cjs" "$s3rver_js" --address 127.0.0.1 --port "$s3port" --directory "$work/s3" --silent >"$results/s3rver.log" 2>&1 &
s3_pid=$!
helper wait-port "$s3port" 60

# --- the API, as it runs in production (Production environment, Warning logs) -------------------
apiport=$(helper port)
base=http://127.0.0.1:$apiport
jwt_secret=$(node -e 'console.log(require("crypto").randomBytes(48).toString("base64"))')
# start_api [true|false]: with true (the first start) the API creates the bucket; the timed start
# runs as production does, where that is a release step. The database is migrated before either,
# by the API's own `migrate`, as a deploy does.
launch_api() { # URL PREPARE LOG COMMAND...: starts one API as production runs it; sets launched_pid
  local url=$1 prepare=$2 log=$3
  shift 3
  env -u OTEL_EXPORTER_OTLP_ENDPOINT \
    ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$url" \
    ConnectionStrings__socialdb="Host=127.0.0.1;Port=$pgport;Database=social;Username=postgres" \
    Storage__CreateBucketOnStartup=$prepare Storage__BucketName=bench-images \
    AWS_ENDPOINT_URL_S3="http://127.0.0.1:$s3port" AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 \
    Jwt__Secret="$jwt_secret" Logging__LogLevel__Default=Warning \
    "$@" >>"$log" 2>&1 &
  launched_pid=$!
}
start_api() { # sets api_pid and startup_ms (not a $(...) subshell: the pid must stay in this shell)
  local t0 prepare=${1:-false}
  t0=$(date +%s%N)
  launch_api "$base" "$prepare" "$results/api.log" "${api_command[@]}"
  api_pid=$launched_pid
  helper wait-alive "$base/alive" "$t0" 120 "$api_pid" >"$work/startup_ms" || { tail -n 30 "$results/api.log"; die "the API did not start"; }
  kill -0 "$api_pid" 2>/dev/null || die "the API exited right after answering /alive (is another process on $base?)"
  startup_ms=$(cat "$work/startup_ms")
  # CPU time (user + system) spent until then: what start-up costs whatever else the machine runs.
  startup_cpu_ms=$(sed 's/^.*) //' "/proc/$api_pid/stat" | awk -v hz="$(getconf CLK_TCK)" '{print int(($12 + $13) * 1000 / hz)}')
}

say "migrating the empty database (SocialMedia.Api migrate)"
ConnectionStrings__socialdb="Host=127.0.0.1;Port=$pgport;Database=social;Username=postgres" \
  "${api_command[@]}" migrate >"$results/migrate.log" 2>&1 || { tail -n 30 "$results/migrate.log"; die "migrate failed"; }

say "first start of the API (creates the bucket)"
start_api true
first_startup_ms=$startup_ms
account=$(helper register "$base" bench_reader bench_reader@bench.example 'bench-password-1')
token=$(node -p 'JSON.parse(process.argv[1]).token' "$account")
user_id=$(node -p 'JSON.parse(process.argv[1]).user_id' "$account")
jti=$(node -p 'JSON.parse(process.argv[1]).jti' "$account")
stop_api

say "seeding $USERS users, $POSTS posts, likes and comments (SQL)"
psql -d social -v users="$USERS" -v posts="$POSTS" -v bench_user="$user_id" -f "$bench/sql/seed.sql"
likes=$(psql -d social -At -c "SELECT count(*) FROM likes")
comments=$(psql -d social -At -c "SELECT count(*) FROM comments")

say "starting the API (timed: process start to the first 200 from /alive)"
start_api
echo "start-up: $startup_ms ms, $startup_cpu_ms ms of CPU (first start, creating the bucket: $first_startup_ms ms)" >&2

# --- measurements ---------------------------------------------------------------------------------
export BENCH_TOKEN=$token BENCH_WRK_DIR=$bench/wrk
export BENCH_CONTENT="Benchmarking the timeline: one round trip per page, keyset paging on the index, no COUNT(*)."
export BENCH_POSTS=$((POSTS > 1000 ? POSTS - 1000 : POSTS)) # below the bench account's own likes (seed.sql)
export BENCH_BUSY_FIRST=$((POSTS - 99)) BENCH_BUSY_LAST=$POSTS
pgbench_vars=(-D "user_id=$user_id" -D "jti=$jti" -D "content=$BENCH_CONTENT"
  -D "like_last=$BENCH_POSTS" -D "busy_first=$BENCH_BUSY_FIRST" -D "busy_last=$BENCH_BUSY_LAST" -D toggle=0)
failures=0

# How pgbench sends a script's statements: as the API does (the file's "-- protocol:" line, which
# the SQL check holds to the log): extended = unnamed statements parsed each time, prepared = named
# statements parsed once per connection.
protocol_of() { sed -n 's/^-- protocol: *\([a-z]*\).*/\1/p' "$bench/sql/$1" | head -n 1; }

# CPU time (user + system, in clock ticks) used so far by the API process, and by all of
# PostgreSQL's processes (the postmaster's children: backends, writer, WAL...). Differences over
# a measurement divided by its requests give CPU per request, which other load on a shared
# machine disturbs far less than req/s.
# Fields are counted after the ") " that closes the process name, which may contain spaces:
# utime and stime are then $12 and $13, and the reaped children's cutime and cstime $14 and $15.
api_ticks() { sed 's/^.*) //' "/proc/$api_pid/stat" | awk '{print $12 + $13}'; }
pg_ticks() {
  local postmaster
  postmaster=$(head -n 1 "$work/pg/data/postmaster.pid")
  # shellcheck disable=SC2046 # one path per child
  # Fields 16 and 17 hold the children a process has reaped: a backend that exits when its client
  # disconnects is counted by the postmaster from then on.
  # A child may exit between pgrep and cat (an autovacuum worker, an idle connection closed): it
  # is then counted by the postmaster, and the missing file is no error.
  { cat "/proc/$postmaster/stat" $(pgrep -P "$postmaster" | sed 's|.*|/proc/&/stat|') 2>/dev/null || true; } \
    | sed 's/^.*) //' | awk '{t += $12 + $13 + $14 + $15} END {print t + 0}'
}
cpu_json() { # API_TICKS PG_TICKS -> {"api_cpu_ticks":..,"pg_cpu_ticks":..,"ticks_per_s":..}
  printf '{"api_cpu_ticks":%s,"pg_cpu_ticks":%s,"ticks_per_s":%s}\n' "$1" "$2" "$(getconf CLK_TCK)"
}

run_wrk() { # OUT SCRIPT URL SECONDS
  local threads=$THREADS
  [ "$threads" -le "$CONCURRENCY" ] || threads=$CONCURRENCY
  BENCH_OUT=$1 timeout $(($4 + 60)) wrk -t"$threads" -c"$CONCURRENCY" -d"$4s" --timeout 5s -s "$bench/wrk/$2" "$3"
}

# check_requests WRK_JSON WHAT: a run with failed or non-2xx requests fails the bench, since its
# rate would count answers that did no work.
check_requests() {
  local bad
  bad=$(node -p 'const r = require(process.argv[1]); r.errors + r.non_2xx' "$1")
  if [ "$bad" != 0 ]; then
    echo "bench: $2: $bad requests failed (see $1)" >&2
    failures=$((failures + 1))
  fi
}

# measure NAME WRK_SCRIPT PATH SQL_SCRIPT [pgbench -D ...]: warm-up, then ROUNDS pairs of the API
# under wrk and pgbench running the statements of bench/sql/SQL_SCRIPT, with the same connections
# for the same time. The two sides take turns, so a change in the rest of the machine's load
# falls on both sides of a pair rather than on one side of the row; `helper rounds` keeps the pair
# with the median ratio and sums the CPU time of all pairs.
measure() {
  local name=$1 script=$2 path=$3 sql=$4 round
  shift 4
  say "$name: warm-up ${WARMUP}s, then $ROUNDS rounds of API and pgbench, ${DURATION}s each at $CONCURRENCY connections"
  run_wrk "$work/warmup.json" "$script" "$base$path" "$WARMUP" >/dev/null
  mkdir -p "$work/pgbench"
  for round in $(seq 1 "$ROUNDS"); do
    local tag=$name.r$round api0 pg0
    api0=$(api_ticks) pg0=$(pg_ticks)
    run_wrk "$results/api-$tag.json" "$script" "$base$path" "$DURATION" >"$results/wrk-$tag.txt"
    cpu_json $(($(api_ticks) - api0)) $(($(pg_ticks) - pg0)) >"$results/cpu-api-$tag.json"
    pg0=$(pg_ticks)
    timeout $((DURATION + 120)) "$pgbin/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -n -M "$(protocol_of "$sql")" \
      -c "$CONCURRENCY" -j 1 -T "$DURATION" -l --log-prefix="$work/pgbench/$tag" \
      "${pgbench_vars[@]}" "$@" -f "$bench/sql/$sql" social >"$results/pgbench-$tag.txt" 2>&1 \
      || { tail -n 20 "$results/pgbench-$tag.txt" >&2; failures=$((failures + 1)); break; }
    cpu_json 0 $(($(pg_ticks) - pg0)) >"$results/cpu-pgbench-$tag.json"
    helper pgbench-summary "$results/pgbench-$tag.txt" "$work/pgbench/$tag" >"$results/pgbench-$tag.json"
    # The yardstick: only the statement that produces the answer, prepared, a thread per core.
    local threads=$THREADS
    [ "$threads" -le "$CONCURRENCY" ] || threads=$CONCURRENCY
    pg0=$(pg_ticks)
    timeout $((DURATION + 120)) "$pgbin/pgbench" -h 127.0.0.1 -p "$pgport" -U postgres -n -M prepared \
      -c "$CONCURRENCY" -j "$threads" -T "$DURATION" -l --log-prefix="$work/pgbench/answer-$tag" \
      "${pgbench_vars[@]}" "$@" -f "$bench/sql/answer/$sql" social >"$results/answer-$tag.txt" 2>&1 \
      || { tail -n 20 "$results/answer-$tag.txt" >&2; failures=$((failures + 1)); break; }
    cpu_json 0 $(($(pg_ticks) - pg0)) >"$results/cpu-answer-$tag.json"
    helper pgbench-summary "$results/answer-$tag.txt" "$work/pgbench/answer-$tag" >"$results/answer-$tag.json"
    check_requests "$results/api-$tag.json" "$tag, API"
    printf '%s: API %s | yardstick %s | replay %s\n' "$tag" "$(cat "$results/api-$tag.json")" "$(cat "$results/answer-$tag.json")" "$(cat "$results/pgbench-$tag.json")" >&2
  done
  # The rounds that completed still make the row; the failure above already fails the run.
  helper rounds "$results" "$name" "$ROUNDS" >&2 || true
}

# A cursor DEPTH rows down the timeline, encoded as the API encodes it (Common/Cursor.cs): base64url
# of 0x01, the big-endian .NET ticks of created_at and the big-endian uuid. Prints "cursor|created_at|id".
deep_cursor() {
  psql -d social -At -F '|' -c "
    SELECT translate(rtrim(encode('\\x01'::bytea
             || int8send((extract(epoch FROM created_at) * 10000000)::bigint + 621355968000000000)
             || uuid_send(id), 'base64'), '='), '+/', '-_'),
           to_json(created_at) #>> '{}', id
    FROM posts ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1"
}

# The statements the API sends for one request of each kind, from PostgreSQL's own log, compared
# with bench/sql/*.sql: the pgbench side runs what the API really sends, or the run says so.
capture_sql() {
  local marks=() from to
  psql -d social -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  mark() { # NAME, then METHOD PATH BODY triples: the request(s) whose statements make bench/sql/NAME.sql
    local name=$1 round
    shift
    # Five unlogged rounds first, so that statements Npgsql prepares after a few uses are prepared.
    for round in 1 2 3 4 5 6; do
      [ "$round" = 6 ] && { sleep 0.3; from=$(stat -c %s "$pglog" 2>/dev/null || echo 0); }
      local calls=("$@")
      while [ ${#calls[@]} -gt 0 ]; do
        helper call "${calls[0]}" "$base${calls[1]}" "$token" "${calls[2]}" >/dev/null
        calls=("${calls[@]:3}")
      done
    done
    sleep 0.5
    to=$(stat -c %s "$pglog")
    marks+=("{\"name\":\"$name\",\"from\":$from,\"to\":$to}")
  }
  local post
  post=$(psql -d social -At -c "SELECT bench_post_id($BENCH_POSTS)")
  mark timeline GET "/api/v1/posts?limit=20" ""
  mark deep GET "/api/v1/posts?limit=20&cursor=$deep10k_cursor" ""
  mark create POST /api/v1/posts "{\"content\":\"captured\"}"
  mark like POST "/api/v1/posts/$post/likes" "" DELETE "/api/v1/posts/$post/likes" ""
  mark comment POST "/api/v1/posts/$post/comments" "{\"content\":\"captured\"}"
  mark comments GET "/api/v1/posts/$(psql -d social -At -c "SELECT bench_post_id($POSTS)")/comments?limit=20" ""
  psql -d social -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
  (IFS=,; echo "[${marks[*]}]") >"$results/sql-marks.json"
  helper sql-check "$pglog" "$bench/sql" "$results/sql-marks.json" || failures=$((failures + 1))
}

IFS='|' read -r deep10k_cursor deep10k_at deep10k_id < <(deep_cursor $((POSTS * 9 / 10)))
say "checking bench/sql/*.sql against the statements the API sends"
capture_sql
if [ "${BENCH_CAPTURE_ONLY:-0}" = 1 ]; then
  echo "captured statements: $results/captured-*.sql" >&2
  exit 0
fi

wanted() { [[ ",$ONLY," == *",$1,"* ]]; }

# BENCH_COMPARE_DIR: two builds on the same database, wrk taking turns between them. On a shared
# machine this is how to tell whether one build is faster: runs minutes apart differ by more than
# the builds do. Prints req/s per round, B/A per round, and both peak RSS; no pgbench rows.
if [ -n "${BENCH_COMPARE_DIR:-}" ]; then
  api_command_of "$BENCH_COMPARE_DIR"
  compare_base=http://127.0.0.1:$(helper port)
  launch_api "$compare_base" false "$results/api-compare.log" "${command[@]}"
  compare_pid=$launched_pid
  helper wait-alive "$compare_base/alive" "$(date +%s%N)" 120 "$compare_pid" >/dev/null \
    || { tail -n 30 "$results/api-compare.log"; die "the API of BENCH_COMPARE_DIR did not start"; }
  rps() { node -p 'require(process.argv[1]).rps.toFixed(0)' "$1"; }
  {
    echo "| row | round | A req/s | B req/s | B/A |"
    echo "| --- | --- | --- | --- | --- |"
  } >"$results/compare.md"
  for row in timeline create; do
    wanted "$row" || continue
    case $row in
      timeline) script=timeline.lua path="/api/v1/posts?limit=20" ;;
      create) script=create.lua path=/api/v1/posts ;;
    esac
    say "$row: A ($API_DIR) and B ($BENCH_COMPARE_DIR) in turns, $ROUNDS rounds of ${DURATION}s each"
    run_wrk "$work/warmup.json" "$script" "$base$path" "$WARMUP" >/dev/null
    run_wrk "$work/warmup.json" "$script" "$compare_base$path" "$WARMUP" >/dev/null
    for round in $(seq 1 "$ROUNDS"); do
      run_wrk "$results/compare-a-$row.r$round.json" "$script" "$base$path" "$DURATION" >/dev/null
      run_wrk "$results/compare-b-$row.r$round.json" "$script" "$compare_base$path" "$DURATION" >/dev/null
      check_requests "$results/compare-a-$row.r$round.json" "$row round $round, A"
      check_requests "$results/compare-b-$row.r$round.json" "$row round $round, B"
      a=$(rps "$results/compare-a-$row.r$round.json") b=$(rps "$results/compare-b-$row.r$round.json")
      echo "| $row | $round | $a | $b | $(node -p "($b / $a).toFixed(2)")× |" | tee -a "$results/compare.md"
    done
  done
  echo "peak RSS (VmHWM): A $(awk '/^VmHWM:/ {print int($2 / 1024)}' "/proc/$api_pid/status") MB, B $(awk '/^VmHWM:/ {print int($2 / 1024)}' "/proc/$compare_pid/status") MB" \
    | tee -a "$results/compare.md"
  [ "$failures" = 0 ] || die "$failures check(s) failed: see the messages above; the comparison may not mean what it says"
  exit 0
fi
! wanted timeline || measure timeline timeline.lua "/api/v1/posts?limit=20" timeline.sql
! wanted comments || measure comments comments.lua "/api/v1/posts/x/comments" comments.sql
! wanted deep || CONCURRENCY=$DEEP_CONCURRENCY measure deep-10k timeline.lua "/api/v1/posts?limit=20&cursor=$deep10k_cursor" deep.sql \
  -D "cursor_at=$deep10k_at" -D "cursor_id=$deep10k_id"
! wanted like || measure like like.lua "/api/v1/posts/x/likes" like.sql
! wanted create || measure create create.lua /api/v1/posts create.sql
! wanted comment || measure comment comment.lua "/api/v1/posts/x/comments" comment.sql

deep_plan=""
if [ "$SCALE_POSTS" -gt "$POSTS" ] && wanted deep; then
  say "growing the timeline to $SCALE_POSTS posts (SQL)"
  started=$(date +%s)
  psql -d social -v posts="$POSTS" -v total="$SCALE_POSTS" -v users="$USERS" -f "$bench/sql/scale.sql"
  echo "grown in $(($(date +%s) - started)) s" >&2
  IFS='|' read -r deep1m_cursor deep1m_at deep1m_id < <(deep_cursor $((SCALE_POSTS - POSTS / 10)))
  CONCURRENCY=$DEEP_CONCURRENCY measure deep-1m timeline.lua "/api/v1/posts?limit=20&cursor=$deep1m_cursor" deep.sql \
    -D "cursor_at=$deep1m_at" -D "cursor_id=$deep1m_id"
  # The page query with this cursor, as EXPLAIN ANALYZE sees it (generic plan when the API prepares):
  # an index scan of ix_posts_created_at_id that stops after 21 rows.
  helper explain "$bench/sql/deep.sql" "cursor_at=$deep1m_at" "cursor_id=$deep1m_id" "user_id=$user_id" "jti=$jti" \
    | psql -d social >"$results/explain-deep-1m.txt"
  deep_plan=$(grep -o -m1 -E '(Index|Index Only) Scan( Backward)? using [a-z_]+ on posts' "$results/explain-deep-1m.txt" || echo "no index scan on posts!")
  deep_plan+=", $(grep -o -E 'Execution Time: [0-9.]+ ms' "$results/explain-deep-1m.txt")"
fi

peak_rss_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$api_pid/status")
# Where the memory is, for reading the peak: per mapping (smaps) and in total (status).
cp "/proc/$api_pid/status" "$results/api-status.txt"
cp "/proc/$api_pid/smaps" "$results/api-smaps.txt"
stop_api

cat >"$results/meta.json" <<EOF
{"startup_ms":$startup_ms,"startup_cpu_ms":$startup_cpu_ms,"first_startup_ms":$first_startup_ms,"peak_rss_kb":$peak_rss_kb,
 "concurrency":$CONCURRENCY,"deep_concurrency":$DEEP_CONCURRENCY,"duration_s":$DURATION,"warmup_s":$WARMUP,"rounds":$ROUNDS,
 "users":$((USERS + 1)),"posts":$POSTS,"likes":$likes,"comments":$comments,"scale_posts":$SCALE_POSTS,
 "cpus":$(nproc),"loadavg":"$loadavg","deep_plan":"$deep_plan",
 "build":"$BUILD","threads":$THREADS,"api":"$API_DIR","commit":"$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"}
EOF
say "figures (also in $results/summary.md)"
helper report "$results"
if [ "$failures" != 0 ]; then
  die "$failures check(s) failed: see the messages above; the figures may not mean what they say"
fi
