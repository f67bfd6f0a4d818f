#!/bin/bash
# Docker on the node: proxy, storage (on the Cinder volume when there is one),
# the flannel network when network_driver=flannel, and an insecure registry.
set -euo pipefail
. /etc/sysconfig/heat-params

mkdir -p /etc/systemd/system/docker.service.d
if [ -n "${HTTP_PROXY}${HTTPS_PROXY}" ]; then
    cat > /etc/systemd/system/docker.service.d/proxy.conf <<PROXY
[Service]
Environment=HTTP_PROXY=${HTTP_PROXY} HTTPS_PROXY=${HTTPS_PROXY} NO_PROXY=${NO_PROXY}
PROXY
fi

# Container storage: a dedicated volume (/dev/vdb) when docker_volume_size > 0.
if [ "${DOCKER_VOLUME_SIZE:-0}" -gt 0 ]; then
    for _ in $(seq 60); do [ -b /dev/vdb ] && break; sleep 2; done
    [ -b /dev/vdb ] || { echo "docker volume /dev/vdb never appeared" >&2; exit 1; }
    if [ "$DOCKER_STORAGE_DRIVER" = devicemapper ]; then
        echo "DEVS=/dev/vdb" >> /etc/sysconfig/docker-storage-setup
        echo "VG=docker" >> /etc/sysconfig/docker-storage-setup
    else
        mkfs.xfs -f /dev/vdb
        echo "/dev/vdb /var/lib/docker xfs defaults 0 0" >> /etc/fstab
        mkdir -p /var/lib/docker && mount /var/lib/docker
    fi
fi
echo "STORAGE_DRIVER=${DOCKER_STORAGE_DRIVER}" >> /etc/sysconfig/docker-storage-setup

if [ "$NETWORK_DRIVER" = flannel ]; then
    # flanneld reads its configuration from etcd on the primary manager.
    etcd_host=${PRIMARY_MASTER_IP:-$SWARM_NODE_IP}
    cat > /etc/sysconfig/flanneld <<FLANNEL
FLANNEL_ETCD_ENDPOINTS=http://${etcd_host}:2379
FLANNEL_ETCD_PREFIX=/atomic.io/network
FLANNEL_OPTIONS="-iface ${SWARM_NODE_IP}"
FLANNEL
    if [ "${IS_PRIMARY_MASTER:-false}" = True ] || [ "${IS_PRIMARY_MASTER:-false}" = true ]; then
        systemctl enable --now etcd
        etcdctl set /atomic.io/network/config "{\"Network\": \"${FLANNEL_NETWORK_CIDR}\",
            \"SubnetLen\": ${FLANNEL_NETWORK_SUBNETLEN},
            \"Backend\": {\"Type\": \"${FLANNEL_BACKEND}\"}}"
    fi
    systemctl enable --now flanneld
    cat > /etc/systemd/system/docker.service.d/flannel.conf <<DROPIN
[Service]
EnvironmentFile=-/run/flannel/docker
DROPIN
fi

if [ -n "${INSECURE_REGISTRY_URL}" ]; then
    sed -i "s|^INSECURE_REGISTRY=.*|INSECURE_REGISTRY='--insecure-registry ${INSECURE_REGISTRY_URL}'|" \
        /etc/sysconfig/docker
fi
systemctl daemon-reload
