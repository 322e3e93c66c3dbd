#!/usr/bin/env bash
# Builds the Lambda deployment package of SocialMedia.Api: one zip for all six functions
# (FUNCTION_GROUP and _HANDLER tell them apart), with the self-contained `bootstrap` at its root.
#
#   deploy/package.sh                 # Native AOT (the production build), for this machine's architecture
#   BUILD=r2r ARCH=arm64 deploy/package.sh   # ReadyToRun instead: any architecture from any machine
#
# Native AOT is a plain `dotnet publish -p:PublishAot=true` and compiles for the machine it runs on:
# build the arm64 package on an arm64 machine (.github/workflows/lambda-arm64.yml). Terraform's
# lambda_architecture must name the package's (deploy.sh checks).
#
# Writes deploy/dist/socialmedia-api-linux-<arch>.zip and, beside it, <zip>.build (what was built),
# and prints its size. Fails when the package and the layers would pass Lambda's 250 MB.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-aot}
case "$build" in
  aot | r2r) ;;
  *) echo "package.sh: BUILD must be aot or r2r, not '$build'." >&2; exit 2 ;;
esac
case "$(uname -m)" in x86_64) machine=x64 ;; aarch64) machine=arm64 ;; *) machine=$(uname -m) ;; esac
if [ "$build" = aot ]; then arch=${ARCH:-$machine}; else arch=${ARCH:-arm64}; fi
case "$arch" in
  arm64 | aarch64) arch=arm64 ;;
  x64 | x86_64 | amd64) arch=x64 ;;
  *) echo "package.sh: ARCH must be arm64 or x64, not '$arch'." >&2; exit 2 ;;
esac

project="$root/SocialMedia.Api/SocialMedia.Api.csproj"
profile="$root/SocialMedia.Api/Properties/PublishProfiles/Lambda.pubxml"
dist="$root/deploy/dist"
publish="$dist/publish-linux-$arch"
zip_file="$dist/socialmedia-api-linux-$arch.zip"

for tool in dotnet zip; do
  command -v "$tool" >/dev/null || { echo "package.sh: $tool is not installed." >&2; exit 1; }
done
if [ ! -f "$profile" ]; then
  echo "package.sh: $profile is missing. It is the Lambda publish profile (self-contained, ReadyToRun," >&2
  echo "invariant globalization, an executable 'bootstrap' at the output root) that the Lambda host provides." >&2
  exit 1
fi

rm -rf "$publish" "$zip_file"
mkdir -p "$dist"
if [ "$build" = aot ]; then
  # Native AOT: the production build (docs/lambda.md); built on the target's architecture, linked
  # with clang. The plain publish of the checkout: nothing is generated first.
  if [ "$arch" != "$machine" ]; then
    echo "package.sh: Native AOT builds for this machine ($machine), not $arch: build on a $arch machine, or ARCH=$machine." >&2
    exit 2
  fi
  command -v clang >/dev/null || { echo "package.sh: Native AOT links with clang (apt-get install clang zlib1g-dev)." >&2; exit 1; }
  echo "Publishing SocialMedia.Api for linux-$arch (Native AOT) ..."
  dotnet publish "$project" -c Release -r "linux-$arch" -p:PublishAot=true -o "$publish" --nologo
else
  echo "Publishing SocialMedia.Api for linux-$arch ..."
  # Publishes with different ReadyToRun settings (this one, the composite Lambda package of
  # deploy/package.sh and bench/lambda-coldstart.sh) share obj/Release/net10.0/<rid>/R2R, and an
  # incremental publish reuses what another left there: a component of a composite image aborts at
  # start without its image. Each publish compiles its own.
  rm -rf "$root"/SocialMedia.Api/obj/Release/net10.0/*/R2R
  # Per-assembly ReadyToRun: the composite image is faster to start but, with the two layers,
  # leaves no room under Lambda's limit (R2R_COMPOSITE=1 to try it anyway).
  dotnet publish "$project" -c Release -r "linux-$arch" -p:PublishProfile=Lambda \
    -p:PublishReadyToRunComposite="$([ "${R2R_COMPOSITE:-0}" = 1 ] && echo true || echo false)" -o "$publish" --nologo
fi

# Lambda's custom runtime runs /var/task/bootstrap; nothing else would start the API.
if [ ! -f "$publish/bootstrap" ]; then
  echo "package.sh: the publish output has no 'bootstrap' at its root ($publish)." >&2
  echo "The Lambda publish profile must produce it (the executable, named bootstrap)." >&2
  exit 1
fi
chmod 755 "$publish/bootstrap"

# The ADOT collector's configuration (OPENTELEMETRY_COLLECTOR_CONFIG_URI=/var/task/collector.yaml).
cp "$root/deploy/collector.yaml" "$publish/collector.yaml"

# Only what runs: no debug symbols, no development settings.
find "$publish" \( -name '*.pdb' -o -name '*.dbg' -o -name 'appsettings.Development.json' \) -delete

(cd "$publish" && zip -q -r -9 -X -y "$zip_file" .)

# Listings into variables first: grep -q closing a pipe early would fail it under pipefail.
entries=$(unzip -Z1 "$zip_file")
if ! grep -qx 'bootstrap' <<<"$entries"; then
  echo "package.sh: bootstrap is not at the root of $zip_file." >&2
  exit 1
fi
mode=$(unzip -Z "$zip_file" bootstrap)
if [[ "$mode" != -rwx* ]]; then
  echo "package.sh: bootstrap lost its executable bit in $zip_file." >&2
  exit 1
fi

zipped=$(stat -c %s "$zip_file")
unzipped=$(du -sb "$publish" | cut -f1)
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo "$zip_file: $(mib "$zipped") zipped, $(mib "$unzipped") unzipped ($(wc -l <<<"$entries") files)"
# Lambda takes 250 MB unzipped, the layers included. (Zipped size is no limit here: lambroll goes
# through the artifacts bucket, Code.S3Bucket in function.json, not the 50 MB direct upload.)
# LAYERS_MIB is what the ADOT collector and the secrets extension take unzipped: check it against
# the layer versions you deploy (unzip -Z of `aws lambda get-layer-version-by-arn ... Content.Location`).
layers=$(( ${LAYERS_MIB:-80} * 1024 * 1024 ))
limit=$(( 250 * 1000 * 1000 ))
if [ $(( unzipped + layers )) -gt "$limit" ]; then
  echo "package.sh: $(mib "$unzipped") unzipped plus $(mib "$layers") of layers passes Lambda's 250 MB: the functions would not deploy." >&2
  exit 1
fi
printf 'build=%s\narch=%s\n' "$build" "$arch" >"$zip_file.build"
