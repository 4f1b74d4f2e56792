#!/usr/bin/env bash
# Step "ami-build" (pipeline: Artifacts): bakes the golden EKS worker AMI ONCE with `./fleetmq image ami` (Packer,
# issue 8) and records its id in $PIPELINE_OUT/eks-node-ami. Needs AWS credentials: it launches a build instance.
source "$(dirname "$0")/lib.sh"
manifest="${AMI_MANIFEST:-image-builder/manifests/eks-node.yaml}"
[[ -f "$manifest" ]] || dry_run || die "AMI_MANIFEST: no manifest at $manifest" 2
mkdir -p "$PIPELINE_OUT"
log="$PIPELINE_OUT/ami-build.log"
# Where the build instance runs and the key its snapshots are encrypted with (FleetMq-Pipeline stack): a private subnet
# of the pipeline's VPC, a security group without inbound rules, an instance profile for Session Manager, and the
# customer-managed AMI key the environments' accounts may use.
require AMI_BUILD_SUBNET_ID AMI_BUILD_SECURITY_GROUP_ID AMI_BUILD_INSTANCE_PROFILE AMI_KMS_KEY_ARN
placement=(--subnet-id "$AMI_BUILD_SUBNET_ID" --security-group-id "$AMI_BUILD_SECURITY_GROUP_ID"
  --instance-profile "$AMI_BUILD_INSTANCE_PROFILE" --kms-key-id "$AMI_KMS_KEY_ARN")
echo "+ ./fleetmq image ami --manifest $manifest --env pipeline ${placement[*]}" >&2
dry_run && exit 0
./fleetmq image ami --manifest "$manifest" --env pipeline "${placement[@]}" | tee "$log"  # publishes to /fleetmq/pipeline/ami/<name>, the release record
ami="$(grep -Eo "$AMI_RE" "$log" | tail -n 1 || true)"
[[ -n "$ami" ]] || die "./fleetmq image ami printed no AMI id (ami-...); its output is in $log"
printf '%s\n' "$ami" > "$PIPELINE_OUT/eks-node-ami.tmp" && mv "$PIPELINE_OUT/eks-node-ami.tmp" "$PIPELINE_OUT/eks-node-ami"
echo "ami-build: $ami" >&2
