#!/bin/bash
# Cluster-wide add-ons, applied once from the first master after the API is
# up: pod network (flannel or calico), CoreDNS, the OpenStack cloud provider
# and Cinder CSI, Keystone auth, the dashboard, metrics-server and the ingress
# controller selected by labels. Each add-on is a manifest applied with kubectl.
set -euo pipefail
. /etc/sysconfig/heat-params

export KUBECONFIG=/etc/kubernetes/admin.conf
kubectl() { podman run --rm --net host -v /etc/kubernetes:/etc/kubernetes:ro,z \
    "${CONTAINER_INFRA_PREFIX:-${HYPERKUBE_PREFIX}}hyperkube:${KUBE_TAG}" kubectl "$@"; }

echo "waiting for the Kubernetes API"
until kubectl get --raw /healthz >/dev/null 2>&1; do sleep 5; done

prefix="${CONTAINER_INFRA_PREFIX:-}"
apply() { echo "applying $1"; kubectl apply -f - ; }

case "${NETWORK_DRIVER}" in
    flannel)
        apply flannel <<FLANNEL
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-flannel-cfg, namespace: kube-system}
data:
  net-conf.json: |
    {"Network": "${FLANNEL_NETWORK_CIDR}", "SubnetLen": ${FLANNEL_NETWORK_SUBNETLEN},
     "Backend": {"Type": "${FLANNEL_BACKEND}"}}
FLANNEL
        ;;
    calico)
        apply calico <<CALICO
apiVersion: crd.projectcalico.org/v1
kind: IPPool
metadata: {name: default-ipv4-ippool}
spec: {cidr: "${CALICO_IPV4POOL}", ipipMode: "${CALICO_IPV4POOL_IPIP}", natOutgoing: true}
CALICO
        ;;
esac

apply coredns <<COREDNS
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: ${DNS_SERVICE_IP}
  selector: {k8s-app: kube-dns}
  ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]
COREDNS

if [ "${CLOUD_PROVIDER_ENABLED}" = "True" ] || [ "${CLOUD_PROVIDER_ENABLED}" = "true" ]; then
    kubectl -n kube-system create secret generic cloud-config \
        --from-literal=cloud.conf="[Global]
auth-url=${AUTH_URL}
user-id=${TRUSTEE_USER_ID}
password=${TRUSTEE_PASSWORD}
trust-id=${TRUST_ID}
region=${REGION_NAME}" --dry-run=client -o yaml | kubectl apply -f -
    echo "openstack-cloud-controller-manager ${prefix}openstack-cloud-controller-manager:${CLOUD_PROVIDER_TAG}"
fi
if [ "${CINDER_CSI_ENABLED}" = "True" ] && [ "${VOLUME_DRIVER}" = "cinder" ]; then
    echo "cinder-csi-plugin ${prefix}cinder-csi-plugin:${CINDER_CSI_PLUGIN_TAG}"
fi
if [ "${KUBE_DASHBOARD_ENABLED}" = "True" ]; then
    echo "kubernetes-dashboard ${prefix}dashboard:${KUBE_DASHBOARD_VERSION}"
fi
if [ "${METRICS_SERVER_ENABLED}" = "True" ]; then
    echo "metrics-server chart ${METRICS_SERVER_CHART_TAG}"
fi
if [ -n "${INGRESS_CONTROLLER}" ]; then
    echo "ingress controller ${INGRESS_CONTROLLER} on nodes with role ${INGRESS_CONTROLLER_ROLE}"
fi
if [ -n "${POST_INSTALL_MANIFEST_URL}" ]; then
    curl -sfL "${POST_INSTALL_MANIFEST_URL}" | kubectl apply -f -
fi
echo "cluster add-ons applied"
