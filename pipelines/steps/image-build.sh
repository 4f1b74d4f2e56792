#!/usr/bin/env bash
# Step "image-build" (pipeline: Artifacts): builds the broker image ONCE with the image builder and records its digest
# in $PIPELINE_OUT/image-digest. In CodeBuild IMAGE_DESTINATION is ecr:<repository>:<source commit>; locally a
# loopback registry (registry:127.0.0.1:PORT/fleetmq/broker:local).
source "$(dirname "$0")/lib.sh"
require IMAGE_DESTINATION
manifest="${IMAGE_MANIFEST:-image-builder/manifests/broker.yaml}"
[[ -f "$manifest" ]] || die "IMAGE_MANIFEST: no manifest at $manifest" 2
[[ -f image-builder/pom.xml ]] || dry_run \
  || die "the image builder (./fleetmq image, issue 7) is not in this checkout; merge it before running this step"
mkdir -p "$PIPELINE_OUT"
log="$PIPELINE_OUT/image-build.log"
echo "+ ./fleetmq image build --manifest $manifest --to $IMAGE_DESTINATION" >&2
dry_run && exit 0
./fleetmq image build --manifest "$manifest" --to "$IMAGE_DESTINATION" | tee "$log"
# The image builder prints the digest last.
digest="$(grep -Eo "$DIGEST_RE" "$log" | tail -n 1 || true)"
[[ -n "$digest" ]] || die "./fleetmq image build printed no digest (sha256:...); its output is in $log"
printf '%s\n' "$digest" > "$PIPELINE_OUT/image-digest.tmp" && mv "$PIPELINE_OUT/image-digest.tmp" "$PIPELINE_OUT/image-digest"
echo "image-build: $IMAGE_DESTINATION is $digest" >&2
