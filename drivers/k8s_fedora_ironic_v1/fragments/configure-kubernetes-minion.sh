#!/bin/bash
# Join a bare-metal Fedora worker (kubernetes-node packages): flannel, docker,
# kubelet and kube-proxy talking to the API at KUBE_MASTER_IP.
set -euo pipefail
. /etc/sysconfig/heat-params

if [ "${TLS_DISABLED}" = "true" ]; then
    api_url="http://${KUBE_MASTER_IP}:8080"
else
    api_url="https://${KUBE_MASTER_IP}:${KUBE_API_PORT}"
fi
cat > /etc/sysconfig/flanneld <<CONF
FLANNEL_ETCD_ENDPOINTS="http://${KUBE_MASTER_IP}:2379"
FLANNEL_ETCD_PREFIX=/atomic.io/network
CONF
cat > /etc/kubernetes/kubelet <<CONF
KUBELET_ADDRESS="--address=0.0.0.0"
KUBELET_HOSTNAME="--hostname-override=${NODE_NAME}"
KUBELET_API_SERVER="--api-servers=${api_url}"
KUBELET_ARGS="--node-ip=${KUBE_NODE_IP} \
 --node-labels=magnum.openstack.org/role=${NODE_ROLE},magnum.openstack.org/nodegroup=${NODEGROUP_NAME:-}"
CONF
sed -i "s|^KUBE_MASTER=.*|KUBE_MASTER=\"--master=${api_url}\"|" /etc/kubernetes/config
for service in flanneld docker kubelet kube-proxy; do
    systemctl enable "$service"
    systemctl --no-block restart "$service"
done
