#!/bin/bash
# etcd on a bare-metal master (Fedora package), members found through the
# cluster's discovery URL.
set -euo pipefail
. /etc/sysconfig/heat-params
cat > /etc/etcd/etcd.conf <<CONF
ETCD_NAME="${NODE_NAME}"
ETCD_DATA_DIR="/var/lib/etcd/default.etcd"
ETCD_LISTEN_CLIENT_URLS="http://0.0.0.0:2379"
ETCD_LISTEN_PEER_URLS="http://${KUBE_NODE_IP}:2380"
ETCD_ADVERTISE_CLIENT_URLS="http://${KUBE_NODE_IP}:2379"
ETCD_INITIAL_ADVERTISE_PEER_URLS="http://${KUBE_NODE_IP}:2380"
ETCD_DISCOVERY="${ETCD_DISCOVERY_URL}"
CONF
systemctl enable --now etcd
