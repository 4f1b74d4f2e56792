#!/bin/sh
# Writes /etc/fleetmq-ami-release: which manifest and template made this AMI (read by operators and support).
# Environment (set by the Packer templates): FLEETMQ_MANIFEST_NAME, FLEETMQ_MANIFEST_VERSION, FLEETMQ_MANIFEST_SHA256,
# FLEETMQ_TEMPLATE.
#   release-info.sh [ROOT]   ROOT: the root filesystem to write into (default /)
set -eu
root="${1:-/}"
root="${root%/}"
file="$root/etc/fleetmq-ami-release"
# Every value first, so a missing one writes nothing.
: "${FLEETMQ_MANIFEST_NAME:?is not set}" "${FLEETMQ_MANIFEST_VERSION:?is not set}" \
  "${FLEETMQ_MANIFEST_SHA256:?is not set}" "${FLEETMQ_TEMPLATE:?is not set}"
cat > "$file.tmp" <<RELEASE
name=${FLEETMQ_MANIFEST_NAME}
version=${FLEETMQ_MANIFEST_VERSION}
manifest_sha256=${FLEETMQ_MANIFEST_SHA256}
template=${FLEETMQ_TEMPLATE}
RELEASE
chmod 0644 "$file.tmp"
mv "$file.tmp" "$file"
echo "release-info: $file written"
