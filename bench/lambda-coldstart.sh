#!/usr/bin/env bash
# Measures the Lambda package's cold start and warm latency against Kestrel start-up, on this
# machine, in one run. See bench/LAMBDA.md.
#   bench/lambda-coldstart.sh [RUNS] [WARM]         (defaults: 15 runs, 200 warm invocations)
# Environment: AOT=1 measures the Native AOT package (dotnet publish -p:PublishAot=true) instead of ReadyToRun;
# SKIP_PUBLISH=1 reuses bench/out/lambda; BENCH_DB=<connection string> uses a running
# PostgreSQL instead of a throwaway cluster (BENCH_DB_OPTIONS appends to the throwaway one's connection
# string, e.g. ";Include Error Detail=true"); PUBLISH_ARGS adds arguments to dotnet publish.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
warm=${2:-200}
out=bench/out/lambda
rid=linux-$(uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')

if [ "${SKIP_PUBLISH:-0}" != 1 ]; then
  rm -rf "$out"
  if [ "${AOT:-0}" = 1 ]; then
    echo "== publishing the Native AOT Lambda package ($rid) to $out" >&2
    # shellcheck disable=SC2086 # PUBLISH_ARGS: extra msbuild arguments, split on spaces on purpose
    dotnet publish SocialMedia.Api/SocialMedia.Api.csproj -c Release -r "$rid" -p:PublishAot=true -o "$out" ${PUBLISH_ARGS:-} >/dev/null
  else
    echo "== publishing the Lambda package ($rid) to $out" >&2
    # Publishes with different ReadyToRun settings (this one, the composite Lambda package of
    # deploy/package.sh and bench/lambda-coldstart.sh) share obj/Release/net10.0/<rid>/R2R, and an
    # incremental publish reuses what another left there: a component of a composite image aborts at
    # start without its image. Each publish compiles its own.
    rm -rf SocialMedia.Api/obj/Release/net10.0/*/R2R
    dotnet publish SocialMedia.Api/SocialMedia.Api.csproj -c Release -r "$rid" -p:PublishProfile=Lambda -o "$out" ${PUBLISH_ARGS:-} >/dev/null
  fi
fi

cleanup() { :; }
trap 'cleanup' EXIT
if [ -z "${BENCH_DB:-}" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || { echo "PostgreSQL binaries not found; set BENCH_DB" >&2; exit 1; }
  dir=$(mktemp -d /tmp/socialmedia-bench-pg.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync >/dev/null
  as_pg "$bin/pg_ctl" start -w -D "$dir/data" -l "$dir/log" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" >/dev/null
  cleanup() { as_pg "$bin/pg_ctl" stop -m immediate -D "$dir/data" >/dev/null 2>&1 || true; rm -rf "$dir"; }
  as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE social" >/dev/null
  BENCH_DB="Host=127.0.0.1;Port=$port;Database=social;Username=postgres${BENCH_DB_OPTIONS:-}"
  psql_run() { as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d social -q "$@"; }
fi

export ASPNETCORE_ENVIRONMENT=Production
export ConnectionStrings__socialdb="$BENCH_DB"
export Jwt__Secret="bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
export Logging__LogLevel__Default=Warning
unset AWS_LAMBDA_RUNTIME_API OTEL_EXPORTER_OTLP_ENDPOINT FUNCTION_GROUP _HANDLER

echo "== migrating and seeding 40 posts" >&2
(cd "$out" && ./SocialMedia.Api migrate >/dev/null)
if declare -f psql_run >/dev/null; then
  psql_run <<'SQL'
INSERT INTO users (id, email, username, password_digest, created_at, updated_at)
VALUES ('0193a4b6-0000-7000-8000-000000000001', 'bench@example.com', 'bench', 'x', now(), now());
INSERT INTO posts (id, user_id, content, created_at, updated_at)
SELECT gen_random_uuid(), '0193a4b6-0000-7000-8000-000000000001', 'post ' || i, now() - i * interval '1 second', now()
FROM generate_series(1, 40) AS i;
SQL
fi

echo "== $runs runs of each, $warm warm invocations per Lambda run ($(nproc) cores)" >&2
node bench/lambda-coldstart.mjs "$out" "$runs" "$warm"
