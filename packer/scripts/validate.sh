#!/bin/sh
# Validation step of every FleetMQ AMI build, run after cleanup.sh: fails the build (exit 1) when anything that must
# not ship was left behind, naming each leftover: SSH host keys, cloud-init state, shell history.
#   validate.sh [ROOT]   ROOT: the root filesystem to check (default /)
set -u
root="${1:-/}"
root="${root%/}"
left=0

leftover() {
  echo "validate: left behind: $1" >&2
  left=1
}

for f in "$root"/etc/ssh/ssh_host_*; do
  [ -e "$f" ] && leftover "SSH host key ${f#"$root"}"
done
for d in instance instances data sem; do
  [ -e "$root/var/lib/cloud/$d" ] && leftover "cloud-init state /var/lib/cloud/$d"
done
for h in "$root"/root/.*history "$root"/home/*/.*history; do
  [ -e "$h" ] && leftover "shell history ${h#"$root"}"
done

if [ "$left" -ne 0 ]; then
  echo "validate: FAILED: the image is not clean (see above)" >&2
  exit 1
fi
echo "validate: OK: no host keys, cloud-init state or shell history in ${root:-/}"
