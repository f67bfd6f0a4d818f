#!/bin/bash
# Join a Fedora Atomic worker: flannel, kubelet and kube-proxy as atomic system
# containers, talking to the API at KUBE_MASTER_IP (load balancer VIP or first
# master).
set -euo pipefail
. /etc/sysconfig/heat-params

prefix="${CONTAINER_INFRA_PREFIX:-${HYPERKUBE_PREFIX}}"
for component in kubelet kube-proxy; do
    atomic install --system --system-package no --storage ostree \
        --name="${component}" "${prefix}${component}:${MINION_KUBE_TAG}"
done
if [ "${TLS_DISABLED}" = "true" ]; then
    api_url="http://${KUBE_MASTER_IP}:8080"
else
    api_url="https://${KUBE_MASTER_IP}:${KUBE_API_PORT}"
fi
if [ "${NETWORK_DRIVER}" = "flannel" ]; then
    cat > /etc/sysconfig/flanneld <<CONF
FLANNEL_ETCD_ENDPOINTS="http://${KUBE_MASTER_IP}:2379"
FLANNEL_ETCD_PREFIX=/atomic.io/network
CONF
fi
cat > /etc/kubernetes/kubelet.kubeconfig <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster:
    certificate-authority: /etc/kubernetes/certs/ca.crt
    server: ${api_url}
users:
- name: kubelet
  user:
    client-certificate: /etc/kubernetes/certs/kubelet.crt
    client-key: /etc/kubernetes/certs/kubelet.key
contexts:
- name: default
  context: {cluster: kubernetes, user: kubelet}
current-context: default
KUBECONFIG
cat > /etc/kubernetes/kubelet <<CONF
KUBELET_ARGS="--kubeconfig=/etc/kubernetes/kubelet.kubeconfig --node-ip=${KUBE_NODE_IP} \
 --hostname-override=${NODE_NAME} \
 --node-labels=magnum.openstack.org/role=${NODE_ROLE},magnum.openstack.org/nodegroup=${NODEGROUP_NAME:-} \
 --cgroup-driver=${CGROUP_DRIVER} --cluster-dns=${DNS_SERVICE_IP} \
 --cluster-domain=${DNS_CLUSTER_DOMAIN} ${KUBELET_OPTIONS}"
CONF
cat > /etc/kubernetes/proxy <<CONF
KUBE_PROXY_ARGS="--kubeconfig=/etc/kubernetes/kubelet.kubeconfig \
 --cluster-cidr=${PODS_NETWORK_CIDR} ${KUBEPROXY_OPTIONS}"
CONF
