#!/usr/bin/env bash
# Step "bench-gate" (pipeline: after the dev deployment, before the approval): runs a bench scenario against the dev
# NLB endpoint and fails the step, which stops the promotion, when an SLO fails. The JSON report is written to
# $BENCH_REPORT_DIR/bench-report.json either way (the step's artifact).
source "$(dirname "$0")/lib.sh"
require BENCH_ENDPOINT
scenario="${BENCH_SCENARIO:-bench/scenarios/gate.yaml}"
[[ -f "$scenario" ]] || die "BENCH_SCENARIO: no scenario file at $scenario" 2
endpoint="$BENCH_ENDPOINT"
[[ "$endpoint" == *:* ]] || endpoint="$endpoint:1883"
report_dir="${BENCH_REPORT_DIR:-$PIPELINE_OUT/bench}"
mkdir -p "$report_dir"
set +e
run ./fleetmq bench scenario "$scenario" --broker "$endpoint" --report "$report_dir/bench-report.json"
status=$?
set -e
if [[ $status -ne 0 ]]; then
  die "bench scenario $scenario against $endpoint failed (exit $status): promotion stopped; report: $report_dir/bench-report.json" "$status"
fi
echo "bench-gate: $scenario against $endpoint passed; report: $report_dir/bench-report.json" >&2
