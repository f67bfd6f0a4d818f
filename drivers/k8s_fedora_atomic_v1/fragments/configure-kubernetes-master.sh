#!/bin/bash
# The control plane of a Fedora Atomic master: flannel (or calico) settings in
# etcd, kube-apiserver, controller-manager and scheduler as atomic system
# containers from ${CONTAINER_INFRA_PREFIX:-$HYPERKUBE_PREFIX}, and a kubelet so
# the master registers as a (tainted) node.
set -euo pipefail
. /etc/sysconfig/heat-params

prefix="${CONTAINER_INFRA_PREFIX:-${HYPERKUBE_PREFIX}}"
for component in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
    atomic install --system --system-package no --storage ostree \
        --name="${component}" "${prefix}${component}:${MASTER_KUBE_TAG}"
done

if [ "${NETWORK_DRIVER}" = "flannel" ]; then
    cat > /etc/sysconfig/flannel-network.json <<JSON
{"Network": "${FLANNEL_NETWORK_CIDR}", "SubnetLen": ${FLANNEL_NETWORK_SUBNETLEN},
 "Backend": {"Type": "${FLANNEL_BACKEND}"}}
JSON
    echo "FLANNEL_ETCD_PREFIX=/atomic.io/network" > /etc/sysconfig/flanneld
fi

if [ "${TLS_DISABLED}" = "true" ]; then
    secure="--insecure-bind-address=0.0.0.0 --insecure-port=8080"
else
    secure="--bind-address=0.0.0.0 --secure-port=${KUBE_API_PORT} \
 --tls-cert-file=/etc/kubernetes/certs/server.crt \
 --tls-private-key-file=/etc/kubernetes/certs/server.key \
 --client-ca-file=/etc/kubernetes/certs/ca.crt"
fi
cloud=""
[ "${CLOUD_PROVIDER_ENABLED}" = "true" ] && cloud="--cloud-provider=external"
cat > /etc/kubernetes/apiserver <<CONF
KUBE_API_ADDRESS="${secure}"
KUBE_SERVICE_ADDRESSES="--service-cluster-ip-range=${PORTAL_NETWORK_CIDR}"
KUBE_ETCD_SERVERS="--etcd-servers=http://127.0.0.1:2379"
KUBE_ADMISSION_CONTROL="--enable-admission-plugins=${ADMISSION_CONTROL_LIST}"
KUBE_API_ARGS="--allow-privileged=${KUBE_ALLOW_PRIV} ${cloud} ${KUBEAPI_OPTIONS}"
CONF
cat > /etc/kubernetes/controller-manager <<CONF
KUBE_CONTROLLER_MANAGER_ARGS="--cluster-cidr=${PODS_NETWORK_CIDR} ${cloud} ${KUBECONTROLLER_OPTIONS}"
CONF
cat > /etc/kubernetes/scheduler <<CONF
KUBE_SCHEDULER_ARGS="${KUBESCHEDULER_OPTIONS}"
CONF
cat > /etc/kubernetes/kubelet <<CONF
KUBELET_ARGS="--node-ip=${KUBE_NODE_IP} --hostname-override=${NODE_NAME} \
 --register-with-taints=node-role.kubernetes.io/master=:NoSchedule \
 --node-labels=magnum.openstack.org/role=master \
 --cgroup-driver=${CGROUP_DRIVER} --cluster-dns=${DNS_SERVICE_IP} \
 --cluster-domain=${DNS_CLUSTER_DOMAIN} ${KUBELET_OPTIONS}"
CONF
