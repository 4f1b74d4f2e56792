#!/usr/bin/env bash
# Step "synth" (pipeline: Build, second half): the CDK app with the pipeline and both environments' stages, offline.
# Output: cdk-app/cdk.out (the Build step's primary output, which self-mutation and every deploy read).
# FLEETMQ_CDK_SKIP_BUILD=1 when the classes were just built (after the test step, or inside Maven's own test run).
source "$(dirname "$0")/lib.sh"
cli=cdk-app/node_modules/.bin/cdk
[[ -x "$cli" ]] || dry_run || die "the CDK CLI is not installed: run 'npm ci' in cdk-app/ (pinned aws-cdk 2.x)"
out="${CDK_OUT:-cdk.out}"
cd cdk-app
run node_modules/.bin/cdk synth -c pipeline=true --quiet -o "$out"
if ! dry_run; then
  [[ -f "$out/FleetMq-Pipeline.template.json" ]] || die "cdk synth wrote no FleetMq-Pipeline template in cdk-app/$out"
  echo "synth: pipeline and stages in cdk-app/$out" >&2
fi
