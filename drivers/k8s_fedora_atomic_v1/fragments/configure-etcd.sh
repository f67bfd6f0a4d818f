#!/bin/bash
# etcd on a master, as an atomic system container; members find each other
# through the cluster's discovery URL. Data lives on the etcd Cinder volume
# (/dev/vdc) when ETCD_VOLUME_SIZE > 0.
set -euo pipefail
. /etc/sysconfig/heat-params

if [ "${ETCD_VOLUME_SIZE:-0}" -gt 0 ]; then
    for _ in $(seq 60); do [ -b /dev/vdc ] && break; sleep 2; done
    blkid /dev/vdc || mkfs.xfs /dev/vdc
    mkdir -p /var/lib/etcd
    echo "/dev/vdc /var/lib/etcd xfs defaults 0 0" >> /etc/fstab
    mount /var/lib/etcd
fi
atomic install --system-package no --system --storage ostree \
    --name=etcd "${CONTAINER_INFRA_PREFIX:-docker.io/openstackmagnum/}etcd:${ETCD_TAG}"
proto=https
[ "${TLS_DISABLED}" = "true" ] && proto=http
cat > /etc/etcd/etcd.conf <<CONF
ETCD_NAME="${NODE_NAME}"
ETCD_DATA_DIR="/var/lib/etcd/default.etcd"
ETCD_LISTEN_CLIENT_URLS="${proto}://0.0.0.0:2379"
ETCD_LISTEN_PEER_URLS="${proto}://${KUBE_NODE_IP}:2380"
ETCD_ADVERTISE_CLIENT_URLS="${proto}://${KUBE_NODE_IP}:2379"
ETCD_INITIAL_ADVERTISE_PEER_URLS="${proto}://${KUBE_NODE_IP}:2380"
ETCD_DISCOVERY="${ETCD_DISCOVERY_URL}"
CONF
