#!/usr/bin/env bash
# Step "promote" (pipeline: before each wave's deployment): hands the ARTIFACT STEP'S digest and AMI id to one
# environment by writing that environment's SSM parameters (DIGEST_PARAMETER, AMI_PARAMETER), which its stacks read at
# deploy time. Nothing is built here. For an environment in another account it first shares the AMI with that
# account (the image reaches it by ECR replication, same digest). It writes through the environment's release role
# (FleetMq-<env>-ReleaseAccess stack), which may write exactly those two parameters.
# Also the rollback tool: run it with a previous release's IMAGE_DIGEST and EKS_NODE_AMI (docs/pipeline.md).
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
  # The AMI is owned by the pipeline account: the environment's nodes may launch it only once it is shared.
  run aws ec2 modify-image-attribute --image-id "$EKS_NODE_AMI" \
    --launch-permission "Add=[{UserId=$TARGET_ACCOUNT}]"
fi
# The environment's release role (FleetMq-<env>-ReleaseAccess) may write exactly this environment's two parameters.
if ! dry_run; then
  creds="$(aws sts assume-role --role-arn "$RELEASE_ROLE_ARN" --role-session-name "promote-$TARGET_ENV" \
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)" \
    || die "cannot assume $RELEASE_ROLE_ARN (deploy the FleetMq-$TARGET_ENV-ReleaseAccess stack first)"
  read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<<"$creds"
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
else
  echo "+ aws sts assume-role --role-arn $RELEASE_ROLE_ARN --role-session-name promote-$TARGET_ENV" >&2
fi
run aws ssm put-parameter --name "$DIGEST_PARAMETER" --type String --overwrite --value "$IMAGE_DIGEST"
run aws ssm put-parameter --name "$AMI_PARAMETER" --type String --overwrite --value "$EKS_NODE_AMI"
echo "promote: $TARGET_ENV ($TARGET_ACCOUNT) gets $IMAGE_DIGEST / $EKS_NODE_AMI" >&2
