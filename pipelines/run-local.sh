#!/usr/bin/env bash
# Runs one pipeline step on this machine with the same script CodeBuild runs (pipelines/steps/STEP.sh, called by
# pipelines/buildspecs/*.yml); only the environment differs: local defaults instead of the pipeline's variables.
#
#   pipelines/run-local.sh [--dry-run] STEP
#
# Steps that need no AWS:
#   test         ./mvnw -B verify (the README's test command)
#   synth        cdk synth -c pipeline=true into cdk-app/cdk.out (needs `npm ci` in cdk-app/)
#   image-build  ./fleetmq image build into IMAGE_DESTINATION; when unset, into a docker-registry (Debian's) that this
#                script starts on 127.0.0.1:${LOCAL_REGISTRY_PORT:-5000} and stops afterwards
#   bench-gate   ./fleetmq bench scenario against BENCH_ENDPOINT with BENCH_SCENARIO (default bench/scenarios/smoke.yaml
#                here; the pipeline uses gate.yaml); when BENCH_ENDPOINT is unset, against a local cluster this script
#                starts (./fleetmq cluster up, ports LOCAL_CLUSTER_PORT, LOCAL_NODE_BASE_PORT, LOCAL_CLUSTER_BASE_PORT,
#                LOCAL_HTTP_BASE_PORT, defaults as `cluster up`) and stops afterwards
#   pods         the synthesized broker pods run here from the templates: runc, network namespaces, dnsmasq, HAProxy
#                as the NLB (cdk-app BrokerPodsOnRuncTest; needs root)
#   all          test, synth, image-build, bench-gate in that order (the pipeline's order), stopping at the first failure
# Steps that need AWS (credentials in the environment), refused otherwise:
#   ami-build, record, promote, release
#
# --dry-run prints each step's commands without running them. Exit: the step's own code; 2 for a bad step name.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

usage() {
  echo "usage: pipelines/run-local.sh [--dry-run] STEP   (steps: test synth image-build bench-gate pods all; with AWS: ami-build record promote release)" >&2
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

out="${PIPELINE_OUT:-$(cd "$here/.." && pwd)/pipelines/out}"
cleanups=()
cleanup() {
  local c
  for c in "${cleanups[@]}"; do eval "$c" || true; done
}
trap cleanup EXIT

# A loopback registry for image-build, when no destination is given.
start_registry() {
  local port="${LOCAL_REGISTRY_PORT:-5000}" dir="$out/registry"
  command -v docker-registry >/dev/null 2>&1 \
    || { echo "pipelines/run-local.sh: image-build: set IMAGE_DESTINATION, or install docker-registry for a loopback registry" >&2; return 1; }
  mkdir -p "$dir"
  printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
    "$dir/data" "$port" > "$dir/config.yml"
  echo "+ docker-registry serve $dir/config.yml" >&2
  docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
  local pid=$!
  cleanups+=("kill $pid")
  local i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { IMAGE_DESTINATION="registry:127.0.0.1:$port/fleetmq/broker:local"; return 0; }
    kill -0 "$pid" 2>/dev/null || { echo "pipelines/run-local.sh: docker-registry exited; see $dir/registry.log" >&2; return 1; }
    sleep 0.1
  done
  echo "pipelines/run-local.sh: docker-registry did not listen on 127.0.0.1:$port" >&2
  return 1
}

# A local cluster (behind HAProxy) for bench-gate, when no endpoint is given.
start_cluster() {
  local dir="$out/cluster" port="${LOCAL_CLUSTER_PORT:-1883}"
  local args=(up --port "$port")
  [[ -n "${LOCAL_NODE_BASE_PORT:-}" ]] && args+=(--node-base-port "$LOCAL_NODE_BASE_PORT")
  [[ -n "${LOCAL_CLUSTER_BASE_PORT:-}" ]] && args+=(--cluster-base-port "$LOCAL_CLUSTER_BASE_PORT")
  [[ -n "${LOCAL_HTTP_BASE_PORT:-}" ]] && args+=(--http-base-port "$LOCAL_HTTP_BASE_PORT")
  echo "+ ./fleetmq cluster --dir $dir ${args[*]}" >&2
  cleanups+=("\"$here/../fleetmq\" cluster --dir \"$dir\" down >&2")
  "$here/../fleetmq" cluster --dir "$dir" "${args[@]}" >&2 || return 1
  BENCH_ENDPOINT="127.0.0.1:$port"
}

run_step() {
  local name="$1"
  echo "== pipelines/run-local.sh: $name" >&2
  case "$name" in
    test|synth|pods)
      "$here/steps/$name.sh"
      ;;
    image-build)
      if [[ -z "${IMAGE_DESTINATION:-}" && "${PIPELINE_DRY_RUN:-0}" != "1" ]]; then
        start_registry || return 1
      fi
      IMAGE_DESTINATION="${IMAGE_DESTINATION:-registry:127.0.0.1:${LOCAL_REGISTRY_PORT:-5000}/fleetmq/broker:local}" \
        "$here/steps/image-build.sh"
      ;;
    bench-gate)
      if [[ -z "${BENCH_ENDPOINT:-}" && "${PIPELINE_DRY_RUN:-0}" != "1" ]]; then
        start_cluster || return 1
      fi
      BENCH_ENDPOINT="${BENCH_ENDPOINT:-127.0.0.1:${LOCAL_CLUSTER_PORT:-1883}}" \
        BENCH_SCENARIO="${BENCH_SCENARIO:-bench/scenarios/smoke.yaml}" "$here/steps/bench-gate.sh"
      ;;
    ami-build|record|promote|release)
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
