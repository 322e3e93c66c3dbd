#!/usr/bin/env bash
# Deploys the package built by package.sh to one stage, with lambroll, in release order:
#
#   1. migrate     deploy the migrate function and invoke it once: it applies the EF Core
#                  migrations at cold start (Database__MigrateOnStartup=true) and answers /alive.
#                  Migrations go first, so the new schema is there before any new code uses it
#                  (write migrations the old code survives: add, backfill, and drop a release later).
#   2. authorizer, auth, posts, likes, comments
#                  lambroll deploy (publishes a version, moves the `current` alias API Gateway
#                  calls), then reserved and provisioned concurrency from the Terraform outputs.
#
#   deploy/deploy.sh dev                      # everything
#   deploy/deploy.sh dev posts likes          # only these functions
#   deploy/deploy.sh dev migrate              # only the migration step
#   deploy/deploy.sh --no-migrate prod posts  # code only
#
# Needs: lambroll (v1), aws (v2), jq; AWS credentials for the stage's account.
# The state URL comes from deploy/terraform/backend.hcl, or TFSTATE_URL overrides it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
migrate=1
if [ "${1:-}" = "--no-migrate" ]; then migrate=0; shift; fi
stage=${1:-}
if [[ ! "$stage" =~ ^(dev|staging|prod)$ ]]; then
  echo "usage: deploy/deploy.sh [--no-migrate] dev|staging|prod [migrate|authorizer|auth|posts|likes|comments ...]" >&2
  exit 2
fi
shift
functions=("$@")
if [ ${#functions[@]} -eq 0 ]; then
  functions=(authorizer auth posts likes comments)
  if [ "$migrate" = 1 ]; then functions=(migrate "${functions[@]}"); fi
fi

for tool in lambroll aws jq; do
  command -v "$tool" >/dev/null || { echo "deploy.sh: $tool is not installed (see deploy/README.md)." >&2; exit 1; }
done

# --- where the stage's state is -------------------------------------------------------------
if [ -z "${TFSTATE_URL:-}" ]; then
  backend="$here/terraform/backend.hcl"
  [ -f "$backend" ] || { echo "deploy.sh: $backend is missing (copy backend.hcl.example) and TFSTATE_URL is not set." >&2; exit 1; }
  hcl() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$backend" | head -n 1; }
  bucket=$(hcl bucket)
  key=$(hcl key)
  prefix=$(hcl workspace_key_prefix)
  TFSTATE_URL="s3://$bucket/${prefix:-env:}/$stage/$key"
fi
echo "Stage $stage, state $TFSTATE_URL"

state=$(aws s3 cp "$TFSTATE_URL" - 2>/dev/null) || { echo "deploy.sh: cannot read $TFSTATE_URL (terraform apply the stage first)." >&2; exit 1; }
outputs=$(jq -e '.outputs' <<<"$state") || { echo "deploy.sh: $TFSTATE_URL has no outputs." >&2; exit 1; }
[ "$(jq -r '.stage.value' <<<"$outputs")" = "$stage" ] || { echo "deploy.sh: $TFSTATE_URL is not the state of $stage." >&2; exit 1; }
region=$(jq -r '.region.value' <<<"$outputs")
lambda=$(jq -c '.lambda.value' <<<"$outputs")
alias=$(jq -r '.alias' <<<"$lambda")
architecture=$(jq -r '.architecture' <<<"$lambda")
case "$architecture" in
  arm64) zip_file="$here/dist/socialmedia-api-linux-arm64.zip" ;;
  x86_64) zip_file="$here/dist/socialmedia-api-linux-x64.zip" ;;
  *) echo "deploy.sh: unknown architecture '$architecture' in the state." >&2; exit 1 ;;
esac
[ -f "$zip_file" ] || { echo "deploy.sh: $zip_file is missing: build it for the stage's lambda_architecture ($architecture) with deploy/package.sh on a $architecture machine (or BUILD=r2r ARCH=${architecture/x86_64/x64})." >&2; exit 1; }
# Each function's Architectures comes from the same state value that picked this zip.
echo "== package: $zip_file ($(tr '\n' ' ' <"$zip_file.build" 2>/dev/null || echo "build unknown"))"

# The functions refuse to start without the signing key; say so now rather than after a deploy.
jwt_secret=$(jq -r '.jwt_secret_arn.value' <<<"$outputs")
if [ "$(aws secretsmanager list-secret-version-ids --region "$region" --secret-id "$jwt_secret" --query 'length(Versions)' --output text)" = "0" ]; then
  echo "deploy.sh: the JWT secret has no value yet. Put one first (deploy/README.md, step 5):" >&2
  echo "  aws secretsmanager put-secret-value --secret-id $jwt_secret --secret-string \"\$(openssl rand -base64 48)\"" >&2
  exit 1
fi

export AWS_REGION="$region"
lambroll_deploy() {
  lambroll --tfstate "$TFSTATE_URL" --function "$here/lambroll/$1/function.json" \
    deploy --src "$zip_file" --alias "$alias" --keep-versions=5
}

# --- the migration step -----------------------------------------------------------------------
run_migrate() {
  local name out meta status error
  name=$(jq -r '.functions.migrate.name' <<<"$lambda")
  echo "== migrate: deploying $name"
  lambroll_deploy migrate
  out=$(mktemp)
  meta=$(mktemp)
  # The function migrates inside the invocation (_HANDLER=migrate), so it has the function's whole
  # timeout. The CLI must wait as long, and must not retry: its default 60 s read timeout and
  # retries would start a second migration beside a slow first one (the advisory lock would make
  # it wait, but the deploy would report a failure that did not happen).
  echo "== migrate: invoking $name:$alias"
  AWS_MAX_ATTEMPTS=1 aws lambda invoke --function-name "$name" --qualifier "$alias" \
    --cli-read-timeout 0 --cli-connect-timeout 30 --cli-binary-format raw-in-base64-out \
    --payload '{}' --log-type Tail "$out" >"$meta"
  error=$(jq -r '.FunctionError // empty' "$meta")
  if [ -n "$error" ]; then
    echo "deploy.sh: the migration failed (FunctionError=$error). Log tail:" >&2
    jq -r '.LogResult // empty | @base64d' "$meta" >&2
    cat "$out" >&2
    exit 1
  fi
  echo "== migrate: applied $(jq -c '.applied' "$out")"
  echo "== migrate: database migrated"
}

# --- concurrency ------------------------------------------------------------------------------
apply_concurrency() {
  local function=$1 name reserved provisioned
  name=$(jq -r --arg f "$function" '.functions[$f].name' <<<"$lambda")
  reserved=$(jq -r --arg f "$function" '.concurrency[$f].reserved // "none"' <<<"$lambda")
  provisioned=$(jq -r --arg f "$function" '.concurrency[$f].provisioned // 0' <<<"$lambda")
  if [ "$reserved" = none ]; then
    aws lambda delete-function-concurrency --function-name "$name"
  else
    aws lambda put-function-concurrency --function-name "$name" --reserved-concurrent-executions "$reserved" >/dev/null
  fi
  # On the alias, so each deploy's new version inherits it (Lambda moves it with the alias).
  if [ "$provisioned" -gt 0 ]; then
    aws lambda put-provisioned-concurrency-config --function-name "$name" --qualifier "$alias" \
      --provisioned-concurrent-executions "$provisioned" >/dev/null
  else
    aws lambda delete-provisioned-concurrency-config --function-name "$name" --qualifier "$alias" 2>/dev/null || true
  fi
  echo "== $function: reserved concurrency $reserved, provisioned $provisioned"
}

for function in "${functions[@]}"; do
  case "$function" in
    migrate) run_migrate ;;
    authorizer | auth | posts | likes | comments)
      echo "== $function: deploying"
      lambroll_deploy "$function"
      apply_concurrency "$function"
      ;;
    *) echo "deploy.sh: unknown function '$function'." >&2; exit 2 ;;
  esac
done

echo "Deployed to $stage: $(jq -r '.api_invoke_url.value' <<<"$outputs")"
