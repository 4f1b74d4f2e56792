#!/bin/sh
# Cleanup step of every FleetMQ AMI build (packer/*.pkr.hcl), run as root on the build instance after Ansible:
# removes what must differ per instance or must not ship: SSH host keys (regenerated at first boot), cloud-init state
# (so cloud-init runs again on the new instance), shell history, package caches, temporary files, the machine id.
#   cleanup.sh [ROOT]   ROOT: the root filesystem to clean (default /; the tests clean a debootstrap root this way)
set -eu
root="${1:-/}"
root="${root%/}"

rm -f "$root"/etc/ssh/ssh_host_*
# cloud-init's own cleanup where it runs; the state directory is removed either way.
if [ -z "$root" ] && command -v cloud-init >/dev/null 2>&1; then
  cloud-init clean --logs --seed || true
fi
rm -rf "$root"/var/lib/cloud/instance "$root"/var/lib/cloud/instances "$root"/var/lib/cloud/data \
  "$root"/var/lib/cloud/sem "$root"/var/log/cloud-init.log "$root"/var/log/cloud-init-output.log
rm -f "$root"/root/.bash_history "$root"/root/.ash_history "$root"/root/.zsh_history "$root"/root/.python_history \
  "$root"/root/.lesshst "$root"/root/.viminfo
for home in "$root"/home/*; do
  [ -d "$home" ] || continue
  rm -f "$home"/.bash_history "$home"/.ash_history "$home"/.zsh_history "$home"/.python_history "$home"/.lesshst \
    "$home"/.viminfo
done
# Package caches: apt (Debian/Ubuntu) and dnf (Amazon Linux 2023).
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
  "$root"/var/cache/dnf/*
rm -rf "$root"/tmp/* "$root"/var/tmp/*
# An empty machine-id makes systemd generate a new one at first boot (a missing one would count as "first boot"
# for some units only).
if [ -f "$root"/etc/machine-id ]; then
  : > "$root"/etc/machine-id
fi
rm -f "$root"/var/lib/dbus/machine-id
echo "cleanup: done (${root:-/})"
