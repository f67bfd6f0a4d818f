#!/bin/bash
# Run etcd on a master as a podman-managed systemd unit, with peer and client
# TLS, joining the other masters through the etcd discovery URL.
set -euo pipefail
. /etc/sysconfig/heat-params

if [ "${ETCD_VOLUME_SIZE:-0}" -gt 0 ]; then
    device=/dev/vdc
    for _ in $(seq 1 60); do [ -b "$device" ] && break; sleep 2; done
    blkid "$device" >/dev/null 2>&1 || mkfs.xfs -f "$device"
    mkdir -p /var/lib/etcd
    grep -q "^$device " /etc/fstab || echo "$device /var/lib/etcd xfs defaults 0 0" >> /etc/fstab
    mount -a
fi
mkdir -p /var/lib/etcd /etc/etcd
chcon -R -t container_file_t /var/lib/etcd 2>/dev/null || true

cat > /etc/etcd/etcd.conf <<ETCD
ETCD_NAME="${NODE_NAME}"
ETCD_DATA_DIR="/var/lib/etcd/default.etcd"
ETCD_LISTEN_CLIENT_URLS="https://0.0.0.0:2379"
ETCD_LISTEN_PEER_URLS="https://${KUBE_NODE_IP}:2380"
ETCD_ADVERTISE_CLIENT_URLS="https://${KUBE_NODE_IP}:2379"
ETCD_INITIAL_ADVERTISE_PEER_URLS="https://${KUBE_NODE_IP}:2380"
ETCD_DISCOVERY="${ETCD_DISCOVERY_URL}"
ETCD_CERT_FILE="/etc/kubernetes/certs/server.crt"
ETCD_KEY_FILE="/etc/kubernetes/certs/server.key"
ETCD_TRUSTED_CA_FILE="/etc/kubernetes/certs/ca.crt"
ETCD_CLIENT_CERT_AUTH="true"
ETCD_PEER_CERT_FILE="/etc/kubernetes/certs/server.crt"
ETCD_PEER_KEY_FILE="/etc/kubernetes/certs/server.key"
ETCD_PEER_TRUSTED_CA_FILE="/etc/kubernetes/certs/ca.crt"
ETCD_PEER_CLIENT_CERT_AUTH="true"
ETCD

cat > /etc/systemd/system/etcd.service <<UNIT
[Unit]
Description=etcd (podman)
After=network-online.target
Wants=network-online.target

[Service]
EnvironmentFile=/etc/etcd/etcd.conf
ExecStartPre=-/bin/podman rm -f etcd
ExecStart=/bin/podman run --name etcd --net host --env-file /etc/etcd/etcd.conf \
    --volume /var/lib/etcd:/var/lib/etcd:rw,z --volume /etc/kubernetes/certs:/etc/kubernetes/certs:ro,z \
    ${CONTAINER_INFRA_PREFIX:-quay.io/coreos/}etcd:${ETCD_TAG} /usr/local/bin/etcd
ExecStop=/bin/podman stop etcd
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
