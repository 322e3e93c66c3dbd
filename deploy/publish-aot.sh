#!/usr/bin/env bash
# Builds SocialMedia.Api as a Native AOT Lambda package (bootstrap, one native executable,
# appsettings.json and migrations.sql) into OUT_DIR. docs/lambda.md explains the choice.
#
#   deploy/publish-aot.sh OUT_DIR [RID]        RID defaults to this machine's (linux-x64, linux-arm64)
#   PUBLISH_ARGS="-p:Name=Value ..."           extra arguments for dotnet publish
#
# Native AOT compiles for the machine's own architecture: build the arm64 package on an arm64
# machine (a Graviton runner), or deploy x86_64 (lambda_architecture = "x86_64" in Terraform).
# Needs clang and zlib1g-dev (Debian: apt-get install clang zlib1g-dev).
#
# The generated code lives only in a scratch copy of the sources, never in the working tree:
#  - EF Core's compiled model for Native AOT and its precompiled queries (interceptors for every
#    LINQ query, dotnet ef dbcontext optimize --precompile-queries --nativeaot);
#  - tools/ef-interceptors rewrites those interceptors into the form the C# 14 compiler accepts;
#  - migrations.sql, the idempotent migration script `SocialMedia.Api migrate` runs in this build
#    (EF Core cannot discover migrations without reflection).
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: deploy/publish-aot.sh OUT_DIR [RID]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "$1")
case "$(uname -m)" in x86_64) machine=linux-x64 ;; aarch64) machine=linux-arm64 ;; *) machine=linux-$(uname -m) ;; esac
rid=${2:-$machine}
if [ "$rid" != "$machine" ]; then
  echo "publish-aot.sh: Native AOT builds for this machine ($machine), not $rid: build on a $rid machine." >&2
  exit 2
fi
command -v clang >/dev/null || { echo "publish-aot.sh: Native AOT links with clang (apt-get install clang zlib1g-dev)." >&2; exit 1; }

work=$(mktemp -d /tmp/socialmedia-aot.XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -C "$root" --exclude=./.git --exclude='./*/bin' --exclude='./*/obj' --exclude='./tools/*/bin' --exclude='./tools/*/obj' \
  --exclude=node_modules --exclude=./bench/out --exclude=./bench/results --exclude=./deploy/dist -cf - . | tar -C "$work" -xf -
cd "$work"
dotnet tool restore >/dev/null
dotnet restore SocialMedia.Api/SocialMedia.Api.csproj -r "$rid" >/dev/null

echo "== migrations.sql (idempotent)" >&2
mkdir -p "$out"
dotnet ef migrations script --idempotent --project SocialMedia.Api --output "$work/migrations.sql" >/dev/null

echo "== compiled model and precompiled queries for Native AOT" >&2
rm -f SocialMedia.Api/Data/CompiledModels/*.EFInterceptors.*.cs
dotnet ef dbcontext optimize --project SocialMedia.Api --output-dir Data/CompiledModels \
  --namespace SocialMedia.Api.Data.CompiledModels --precompile-queries --nativeaot >"$work/optimize.log" 2>&1 \
  || { grep -v '^Located EF query\|^Could not' "$work/optimize.log" | tail -n 40 >&2; exit 1; }
dotnet run --project tools/ef-interceptors -c Release -- SocialMedia.Api/Data/CompiledModels >&2

echo "== dotnet publish ($rid, Native AOT)" >&2
rm -rf "$out"
# shellcheck disable=SC2086 # PUBLISH_ARGS: extra msbuild arguments, split on spaces on purpose
dotnet publish SocialMedia.Api/SocialMedia.Api.csproj -c Release -r "$rid" -p:PublishProfile=Lambda -p:PublishAot=true ${PUBLISH_ARGS:-} \
  -o "$out" --nologo >"$work/publish.log" 2>&1 \
  || { grep -E 'error|warning IL' "$work/publish.log" | sort -u | tail -n 40 >&2; exit 1; }
cp "$work/migrations.sql" "$out/migrations.sql"
find "$out" \( -name '*.pdb' -o -name '*.dbg' -o -name 'appsettings.Development.json' -o -name '*.staticwebassets.*' \) -delete
echo "$out: $(du -sh "$out" | cut -f1) (bootstrap, SocialMedia.Api, migrations.sql)" >&2
