#!/bin/bash
# Put container storage on the attached Cinder volume (/dev/vdb) when the
# nodegroup has docker_volume_size > 0; otherwise keep it on the root disk.
set -euo pipefail
. /etc/sysconfig/heat-params

if [ "${DOCKER_VOLUME_SIZE:-0}" -gt 0 ]; then
    device=/dev/vdb
    for _ in $(seq 1 60); do
        [ -b "$device" ] && break
        echo "waiting for $device"
        sleep 2
    done
    if ! blkid "$device" >/dev/null 2>&1; then
        mkfs.xfs -f -n ftype=1 "$device"
    fi
    mkdir -p /var/lib/containers
    if ! grep -q "^$device " /etc/fstab; then
        echo "$device /var/lib/containers xfs defaults 0 0" >> /etc/fstab
    fi
    mount -a
fi

mkdir -p /etc/containers
cat > /etc/containers/storage.conf <<STORAGE
[storage]
driver = "${DOCKER_STORAGE_DRIVER:-overlay2}"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
STORAGE
