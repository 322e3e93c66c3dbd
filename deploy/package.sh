#!/usr/bin/env bash
# Builds the Lambda deployment package of SocialMedia.Api: one zip for all six functions
# (FUNCTION_GROUP and _HANDLER tell them apart), with the self-contained `bootstrap` at its root.
#
#   deploy/package.sh                 # arm64 (Graviton, the default: cheaper per GB-second)
#   ARCH=x64 deploy/package.sh        # x86_64; set lambda_architecture = "x86_64" in Terraform too
#   AOT=1 deploy/package.sh           # Native AOT (a plain publish, PublishAot=true), on a machine of that architecture
#
# Writes deploy/dist/socialmedia-api-linux-<arch>.zip and prints its size.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
arch=${ARCH:-arm64}
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
if [ "${AOT:-0}" = 1 ]; then
  # Native AOT: a third of the ReadyToRun cold start (docs/lambda.md); built on the target's
  # architecture, linked with clang. The plain publish of the checkout: nothing is generated first.
  case "$(uname -m)" in x86_64) machine=x64 ;; aarch64) machine=arm64 ;; *) machine=$(uname -m) ;; esac
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
  dotnet publish "$project" -c Release -r "linux-$arch" -p:PublishProfile=Lambda -o "$publish" --nologo
fi

# Lambda's custom runtime runs /var/task/bootstrap; nothing else would start the API.
if [ ! -f "$publish/bootstrap" ]; then
  echo "package.sh: the publish output has no 'bootstrap' at its root ($publish)." >&2
  echo "The Lambda publish profile must produce it (the executable, named bootstrap)." >&2
  exit 1
fi
chmod 755 "$publish/bootstrap"

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
if [ "$unzipped" -gt $((200 * 1024 * 1024)) ]; then
  echo "package.sh: warning: $(mib "$unzipped") unzipped leaves little of Lambda's 250 MB for the two layers." >&2
fi
