#!/usr/bin/env bash
# End-to-end check of the whole local stack, as a frontend developer meets it:
#   1. start `dotnet run --project SocialMedia.AppHost` in processes mode (no container runtime needed),
#      with a fresh data folder of its own, in the background;
#   2. wait for http://localhost:5080/health;
#   3. run the Postman collection with newman (reporters: cli, junit -> e2e/results/newman.xml);
#   4. stop the AppHost and check that no process it started is left behind.
# Ends with one line "N passed, M failed" (newman assertions) and exits non-zero on any failure.
# Settings: E2E_CONFIGURATION (Release), E2E_STARTUP_TIMEOUT seconds (300), E2E_API_HOST (Kestrel, or
# Lambda: the five functions behind the API Gateway emulator, --LocalInfra:ApiHost=Lambda).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
base_url=http://localhost:5080
configuration=${E2E_CONFIGURATION:-Release}
startup_timeout=${E2E_STARTUP_TIMEOUT:-300}
api_host=${E2E_API_HOST:-Kestrel}
results=$root/e2e/results/$api_host
mkdir -p "$results"
apphost_log=$results/apphost.log

say() { printf 'e2e: %s\n' "$*" >&2; }
give_up() { say "$*"; echo "0 passed, 1 failed"; exit 1; }

if curl -s -o /dev/null -m 2 "$base_url/health"; then
  give_up "something already answers at $base_url (your own AppHost?): stop it, so the collection runs against a stack this script starts"
fi

if [ ! -x e2e/node_modules/.bin/newman ]; then
  npm ci --prefix e2e --no-audit --no-fund --loglevel=error >&2 || give_up "npm ci --prefix e2e failed"
fi

# A data folder of its own: every run starts from an empty database and bucket, and a developer's
# data in SocialMedia.AppHost/.data is never touched. Readable by others because, under root,
# PostgreSQL runs as the postgres account, which must reach it.
data=$(mktemp -d "${TMPDIR:-/tmp}/socialmedia-e2e-XXXXXX")
chmod 755 "$data"

say "starting the AppHost (processes mode, API on $api_host, $configuration, data in $data); log: $apphost_log"
# setsid: the AppHost and everything it starts get a process group of their own, to stop as one.
setsid dotnet run --project SocialMedia.AppHost -c "$configuration" -- \
  --LocalInfra:Mode=Processes "--LocalInfra:ApiHost=$api_host" "--LocalInfra:DataDirectory=$data" >"$apphost_log" 2>&1 </dev/null &
apphost=$!

# Aspire's orchestrator (DCP) runs in sessions of its own, and so do the processes it starts
# (PostgreSQL, s3rver, the API, the dashboard): find them through DCP's --monitor <AppHost pid>.
dcp_sessions() {
  local member dcp
  for member in $(ps -s "$apphost" -o pid= 2>/dev/null); do
    for dcp in $(pgrep -f -- "--monitor $member( |$)"); do
      echo "$dcp"
      pgrep -P "$dcp"
    done
  done
}

stopped=0
stop_apphost() {
  [ "$stopped" = 1 ] && return 0
  stopped=1
  local sessions
  sessions=$(echo "$apphost" $(dcp_sessions) | tr ' ' ',')
  say "stopping the AppHost and the $(ps -s "$sessions" -o pid= 2>/dev/null | wc -l) processes it runs"
  # SIGTERM is the AppHost's Ctrl-C: it stops its resources, then the dashboard and DCP.
  kill -TERM -- "-$apphost" 2>/dev/null
  for _ in $(seq 1 90); do
    leftovers=$( (ps -s "$sessions" -o pid= 2>/dev/null; pgrep -f "$data" 2>/dev/null) | sort -u | tr '\n' ' ')
    [ -z "${leftovers// /}" ] && break
    sleep 1
  done
  if [ -n "${leftovers// /}" ]; then
    say "left behind after stopping the AppHost:"
    ps -o pid,user,args -p ${leftovers// /,} >&2 2>/dev/null
    kill -KILL $leftovers 2>/dev/null
    return 1
  fi
  rm -rf "$data"
  say "the AppHost and everything it started have stopped"
  return 0
}
trap 'stop_apphost >/dev/null; exit 130' INT TERM

say "waiting for $base_url/health (up to ${startup_timeout}s)"
started=$SECONDS
until [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$base_url/health")" = 200 ]; do
  if ! kill -0 "$apphost" 2>/dev/null; then
    tail -n 30 "$apphost_log" >&2
    stop_apphost
    give_up "the AppHost exited before the API was healthy"
  fi
  if [ $((SECONDS - started)) -ge "$startup_timeout" ]; then
    tail -n 30 "$apphost_log" >&2
    stop_apphost
    give_up "the API was not healthy within ${startup_timeout}s"
  fi
  sleep 2
done
say "API healthy after $((SECONDS - started))s"

e2e/node_modules/.bin/newman run e2e/SocialMedia.postman_collection.json \
  --env-var "baseUrl=$base_url" \
  --env-var "apiHost=$api_host" \
  --reporters cli,junit,json \
  --reporter-junit-export "$results/newman.xml" \
  --reporter-json-export "$results/newman.json" \
  --color off >&2
newman_status=$?

stop_apphost
cleanup_status=$?

counts=$(node -e '
  const run = require(process.argv[1]).run;
  const a = run.stats.assertions;
  // A request that fails outright (connection refused, script error) is a failure with no assertion.
  const other = run.failures.filter(f => !f.error || f.error.name !== "AssertionFailure").length;
  console.log(`${a.total - a.failed} ${a.failed + other}`);
' "$results/newman.json" 2>/dev/null) || counts="0 1"
read -r passed failed <<<"$counts"
if [ "$newman_status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
if [ "$cleanup_status" != 0 ]; then failed=$((failed + 1)); fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
