#!/bin/bash
# Container storage on Fedora Atomic: docker-storage-setup on the Cinder volume
# attached as /dev/vdb (DOCKER_VOLUME_SIZE > 0), else on the root volume group.
set -euo pipefail
. /etc/sysconfig/heat-params

if [ -n "${OSTREE_COMMIT:-}" ] || [ -n "${OSTREE_REMOTE:-}" ]; then
    echo "atomic host pinned to ${OSTREE_REMOTE:-default remote} ${OSTREE_COMMIT:-}"
fi
cat > /etc/sysconfig/docker-storage-setup <<CONF
STORAGE_DRIVER=${DOCKER_STORAGE_DRIVER}
CONF
if [ "${DOCKER_VOLUME_SIZE:-0}" -gt 0 ]; then
    for _ in $(seq 60); do [ -b /dev/vdb ] && break; sleep 2; done
    if [ "${DOCKER_STORAGE_DRIVER}" = "devicemapper" ]; then
        echo "DEVS=/dev/vdb" >> /etc/sysconfig/docker-storage-setup
        echo "VG=docker" >> /etc/sysconfig/docker-storage-setup
    else
        mkfs.xfs -f /dev/vdb
        echo "/dev/vdb /var/lib/docker xfs defaults 0 0" >> /etc/fstab
        mkdir -p /var/lib/docker && mount /var/lib/docker
    fi
fi
systemctl stop docker || true
docker-storage-setup
sed -i "s|^OPTIONS=.*|OPTIONS='--selinux-enabled --log-driver=journald --exec-opt native.cgroupdriver=${CGROUP_DRIVER}'|" \
    /etc/sysconfig/docker
setenforce "$( [ "${SELINUX_MODE}" = enforcing ] && echo 1 || echo 0 )" || true
