#!/usr/bin/env bash
# Step "promote" (pipeline: before each wave's deployment): hands the ARTIFACT STEP'S digest and AMI id to one
# environment by writing that environment's deploy inputs (DIGEST_PARAMETER, AMI_PARAMETER), which its stacks read at
# deploy time. It does not touch the environment's release record (/fleetmq/<env>/release/...): the Release step writes
# that after the deploy succeeded. Nothing is built here. For an environment in another account it first shares the AMI with that
# account (the image reaches it by ECR replication, same digest). It writes through the environment's release role
# (FleetMq-<env>-ReleaseAccess stack), which may write exactly those two parameters.
# A stage's automatic rollback re-runs this step with the previous execution's variables (docs/pipeline.md, Rollback).
source "$(dirname "$0")/lib.sh"
require TARGET_ENV
require_match IMAGE_DIGEST "$DIGEST_RE" "an image digest sha256:<64 hex> (the artifact step's IMAGE_DIGEST)"
require_match EKS_NODE_AMI "$AMI_RE" "an AMI id ami-... (the artifact step's EKS_NODE_AMI)"
require_match TARGET_ACCOUNT "$ACCOUNT_RE" "the environment's 12-digit account id"
require DIGEST_PARAMETER AMI_PARAMETER
[[ "$DIGEST_PARAMETER" == "/fleetmq/$TARGET_ENV/"* && "$AMI_PARAMETER" == "/fleetmq/$TARGET_ENV/"* ]] \
  || die "DIGEST_PARAMETER and AMI_PARAMETER must be under /fleetmq/$TARGET_ENV/, got $DIGEST_PARAMETER, $AMI_PARAMETER" 2

require_match PIPELINE_ACCOUNT "$ACCOUNT_RE" "the pipeline's 12-digit account id"
require RELEASE_ROLE_ARN
if [[ "$TARGET_ACCOUNT" != "$PIPELINE_ACCOUNT" ]]; then
  require_match AMI_KMS_KEY_ARN 'arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+' "the AMI key's ARN (FleetMq-Pipeline)"
fi

if [[ "$TARGET_ACCOUNT" != "$PIPELINE_ACCOUNT" ]]; then
  # The AMI is owned by the pipeline account: the environment's nodes may launch it only once it is shared.
  run aws ec2 modify-image-attribute --image-id "$EKS_NODE_AMI" \
    --launch-permission "Add=[{UserId=$TARGET_ACCOUNT}]"
fi
# The environment's release role (FleetMq-<env>-ReleaseAccess) may write exactly this environment's parameters.
assume_release_role
if [[ "$TARGET_ACCOUNT" != "$PIPELINE_ACCOUNT" ]]; then
  # Its snapshots are encrypted with the pipeline account's AMI key (whose policy trusts this account): EC2 Auto
  # Scaling, which launches the node groups' instances, needs a grant on it. Same name, same grant: re-running is safe.
  run aws kms create-grant --name fleetmq-ami-launch --key-id "$AMI_KMS_KEY_ARN" \
    --grantee-principal "arn:aws:iam::$TARGET_ACCOUNT:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling" \
    --operations Decrypt GenerateDataKeyWithoutPlaintext ReEncryptFrom ReEncryptTo CreateGrant DescribeKey
fi
run aws ssm put-parameter --name "$DIGEST_PARAMETER" --type String --overwrite --value "$IMAGE_DIGEST"
run aws ssm put-parameter --name "$AMI_PARAMETER" --type String --overwrite --value "$EKS_NODE_AMI"
echo "promote: $TARGET_ENV ($TARGET_ACCOUNT) gets $IMAGE_DIGEST / $EKS_NODE_AMI" >&2
