#!/usr/bin/env bash
# Step "record" (pipeline: Artifacts, last): writes the release record, the digest and AMI id this pipeline run built,
# to SSM in the pipeline account (RELEASE_DIGEST_PARAMETER, RELEASE_AMI_PARAMETER). Their version history is the list of
# releases a rollback picks from. Both values are checked before either is written.
source "$(dirname "$0")/lib.sh"
IMAGE_DIGEST="${IMAGE_DIGEST:-$(cat "$PIPELINE_OUT/image-digest" 2>/dev/null || true)}"
EKS_NODE_AMI="${EKS_NODE_AMI:-$(cat "$PIPELINE_OUT/eks-node-ami" 2>/dev/null || true)}"
require_match IMAGE_DIGEST "$DIGEST_RE" "an image digest sha256:<64 hex> (from the image-build step)"
require_match EKS_NODE_AMI "$AMI_RE" "an AMI id ami-... (from the ami-build step)"
require RELEASE_DIGEST_PARAMETER RELEASE_AMI_PARAMETER
run aws ssm put-parameter --name "$RELEASE_DIGEST_PARAMETER" --type String --overwrite --value "$IMAGE_DIGEST"
run aws ssm put-parameter --name "$RELEASE_AMI_PARAMETER" --type String --overwrite --value "$EKS_NODE_AMI"
echo "record: release $IMAGE_DIGEST / $EKS_NODE_AMI" >&2
