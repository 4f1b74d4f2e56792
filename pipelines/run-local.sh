#!/usr/bin/env bash
# Runs one pipeline step on this machine with the same script CodeBuild runs (pipelines/steps/STEP.sh, called by
# pipelines/buildspecs/*.yml); only the environment differs: local defaults instead of the pipeline's variables.
#
#   pipelines/run-local.sh [--dry-run] STEP
#
# Steps that need no AWS:
#   test         ./mvnw -B verify (the README's test command)
#   synth        cdk synth -c pipeline=true into cdk-app/cdk.out (needs `npm ci` in cdk-app/)
#   image-build  ./fleetmq image build into IMAGE_DESTINATION (default registry:127.0.0.1:5000/fleetmq/broker:local,
#                e.g. Debian's docker-registry on loopback)
#   bench-gate   ./fleetmq bench scenario against BENCH_ENDPOINT (default 127.0.0.1:1883, i.e. `./fleetmq cluster up`)
#                with BENCH_SCENARIO (default bench/scenarios/smoke.yaml here; the pipeline uses gate.yaml)
#   all          test, synth, image-build, bench-gate in that order (the pipeline's order), stopping at the first failure
# Steps that need AWS (credentials in the environment), refused otherwise:
#   ami-build, record, promote
#
# --dry-run prints each step's commands without running them. Exit: the step's own code; 2 for a bad step name.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
  echo "usage: pipelines/run-local.sh [--dry-run] STEP   (steps: test synth image-build bench-gate all; with AWS: ami-build record promote)" >&2
}

if [[ "${1:-}" == "--dry-run" ]]; then
  export PIPELINE_DRY_RUN=1
  shift
fi
if [[ $# -ne 1 ]]; then
  usage
  exit 2
fi
step="$1"

has_aws_credentials() {
  [[ -n "${AWS_ACCESS_KEY_ID:-}" || -n "${AWS_PROFILE:-}" || -n "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" ]]
}

run_step() {
  local name="$1"
  echo "== pipelines/run-local.sh: $name" >&2
  case "$name" in
    test|synth)
      "$here/steps/$name.sh"
      ;;
    image-build)
      IMAGE_DESTINATION="${IMAGE_DESTINATION:-registry:127.0.0.1:5000/fleetmq/broker:local}" "$here/steps/image-build.sh"
      ;;
    bench-gate)
      BENCH_ENDPOINT="${BENCH_ENDPOINT:-127.0.0.1:1883}" \
        BENCH_SCENARIO="${BENCH_SCENARIO:-bench/scenarios/smoke.yaml}" "$here/steps/bench-gate.sh"
      ;;
    ami-build|record|promote)
      if [[ "${PIPELINE_DRY_RUN:-0}" != "1" ]] && ! has_aws_credentials; then
        echo "pipelines/run-local.sh: step '$name' needs AWS (it writes to SSM / launches instances in an account);" \
          "no AWS credentials in the environment (AWS_PROFILE or AWS_ACCESS_KEY_ID). It runs in CodeBuild." >&2
        return 1
      fi
      "$here/steps/$name.sh"
      ;;
    all)
      local s
      for s in test synth image-build bench-gate; do
        run_step "$s"
      done
      ;;
    *)
      echo "pipelines/run-local.sh: unknown step '$name'" >&2
      usage
      return 2
      ;;
  esac
}

run_step "$step"
