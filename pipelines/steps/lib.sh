# Shared by every step script (sourced, not run). A step script holds the commands of one pipeline step; CodeBuild
# runs it through its buildspec (pipelines/buildspecs/<step>.yml) and pipelines/run-local.sh runs the same script here.
#
# Conventions: every input is an environment variable, checked before anything runs (require / require_match), so a
# step fails in one line naming the variable and the step, and has changed nothing. Commands go through `run`, which
# echoes them ("+ CMD") and skips them when PIPELINE_DRY_RUN=1 (run-local.sh --dry-run).
set -euo pipefail

PIPELINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STEP="$(basename "$0" .sh)"
# Where steps leave what later commands (and CodeBuild's artifacts/exported variables) read.
PIPELINE_OUT="${PIPELINE_OUT:-$PIPELINE_ROOT/pipelines/out}"
cd "$PIPELINE_ROOT"

die() {
  echo "pipelines/steps/$STEP.sh: $1" >&2
  exit "${2:-1}"
}

require() {
  local name
  for name in "$@"; do
    [[ -n "${!name:-}" ]] || die "environment variable $name is not set (see pipelines/README.md, step '$STEP')" 2
  done
}

# require_match VAR REGEX WHAT: VAR is set and matches REGEX in full.
require_match() {
  require "$1"
  [[ "${!1}" =~ ^($2)$ ]] || die "$1: must be $3, got \"${!1}\"" 2
}

dry_run() {
  [[ "${PIPELINE_DRY_RUN:-0}" == "1" ]]
}

run() {
  echo "+ $*" >&2
  dry_run || "$@"
}

DIGEST_RE='sha256:[0-9a-f]{64}'
AMI_RE='ami-[0-9a-f]{8,17}'
ACCOUNT_RE='[0-9]{12}'

# Takes on the environment's release role (RELEASE_ROLE_ARN, stack FleetMq-<env>-ReleaseAccess) for the commands after it.
assume_release_role() {
  if dry_run; then
    echo "+ aws sts assume-role --role-arn $RELEASE_ROLE_ARN --role-session-name $STEP-$TARGET_ENV" >&2
    return 0
  fi
  local creds
  creds="$(aws sts assume-role --role-arn "$RELEASE_ROLE_ARN" --role-session-name "$STEP-$TARGET_ENV" \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)" \
    || die "cannot assume $RELEASE_ROLE_ARN (deploy the FleetMq-$TARGET_ENV-ReleaseAccess stack first)"
  read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<<"$creds"
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
}
