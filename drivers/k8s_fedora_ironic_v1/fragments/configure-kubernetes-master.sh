#!/bin/bash
# The control plane of a bare-metal Fedora master (kubernetes-master packages):
# flannel config in etcd, then apiserver, controller-manager and scheduler.
set -euo pipefail
. /etc/sysconfig/heat-params

if [ "${NETWORK_DRIVER}" = "flannel" ]; then
    etcdctl set /atomic.io/network/config \
        "{\"Network\": \"${FLANNEL_NETWORK_CIDR}\", \"SubnetLen\": ${FLANNEL_NETWORK_SUBNETLEN}, \"Backend\": {\"Type\": \"${FLANNEL_BACKEND}\"}}"
fi
if [ "${TLS_DISABLED}" = "true" ]; then
    secure="--insecure-bind-address=0.0.0.0 --insecure-port=8080"
else
    secure="--bind-address=0.0.0.0 --secure-port=${KUBE_API_PORT} \
 --tls-cert-file=/etc/kubernetes/certs/server.crt \
 --tls-private-key-file=/etc/kubernetes/certs/server.key \
 --client-ca-file=/etc/kubernetes/certs/ca.crt"
fi
cat > /etc/kubernetes/apiserver <<CONF
KUBE_API_ADDRESS="${secure}"
KUBE_SERVICE_ADDRESSES="--service-cluster-ip-range=${PORTAL_NETWORK_CIDR}"
KUBE_ETCD_SERVERS="--etcd-servers=http://127.0.0.1:2379"
KUBE_ADMISSION_CONTROL="--admission-control=${ADMISSION_CONTROL_LIST}"
KUBE_API_ARGS="--allow-privileged=${KUBE_ALLOW_PRIV}"
CONF
for service in etcd flanneld kube-apiserver kube-controller-manager kube-scheduler; do
    systemctl enable "$service"
    systemctl --no-block restart "$service"
done
