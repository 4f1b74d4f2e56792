#!/usr/bin/env bash
# Step "release" (pipeline: last step of each environment's stage): records that IMAGE_DIGEST / EKS_NODE_AMI now run in
# TARGET_ENV by writing its release record (ENV_RELEASE_DIGEST_PARAMETER, ENV_RELEASE_AMI_PARAMETER) through the
# environment's release role. CodePipeline runs it only after the deploy and every earlier post-deploy step succeeded,
# so the record always names a release that deployed; its parameter history is the list of good releases to roll
# back to (docs/pipeline.md, Rollback).
source "$(dirname "$0")/lib.sh"
require TARGET_ENV RELEASE_ROLE_ARN ENV_RELEASE_DIGEST_PARAMETER ENV_RELEASE_AMI_PARAMETER
require_match IMAGE_DIGEST "$DIGEST_RE" "an image digest sha256:<64 hex> (the artifact step's IMAGE_DIGEST)"
require_match EKS_NODE_AMI "$AMI_RE" "an AMI id ami-... (the artifact step's EKS_NODE_AMI)"
[[ "$ENV_RELEASE_DIGEST_PARAMETER" == "/fleetmq/$TARGET_ENV/release/"* && "$ENV_RELEASE_AMI_PARAMETER" == "/fleetmq/$TARGET_ENV/release/"* ]] \
  || die "the release parameters must be under /fleetmq/$TARGET_ENV/release/, got $ENV_RELEASE_DIGEST_PARAMETER, $ENV_RELEASE_AMI_PARAMETER" 2
assume_release_role
run aws ssm put-parameter --name "$ENV_RELEASE_DIGEST_PARAMETER" --type String --overwrite --value "$IMAGE_DIGEST"
run aws ssm put-parameter --name "$ENV_RELEASE_AMI_PARAMETER" --type String --overwrite --value "$EKS_NODE_AMI"
echo "release: $TARGET_ENV runs $IMAGE_DIGEST / $EKS_NODE_AMI" >&2
