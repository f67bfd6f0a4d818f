#!/bin/bash
# Join a worker to the cluster: kubelet and kube-proxy talking to the API at
# KUBE_MASTER_IP (the API load balancer's VIP, or the first master).
set -euo pipefail
. /etc/sysconfig/heat-params

CERT_DIR=/etc/kubernetes/certs
mkdir -p "$CERT_DIR"

# The cluster CA and a kubelet client certificate signed by Magnum, requested
# with a trust-scoped token of the cluster's trustee.
token=$(curl -sf -X POST "${AUTH_URL}/auth/tokens" -H 'Content-Type: application/json' \
    -D - -o /dev/null -d @- <<AUTH | awk '/^X-Subject-Token/ {print $2}' | tr -d '\r'
{"auth": {"identity": {"methods": ["password"], "password": {"user": {
  "id": "${TRUSTEE_USER_ID}", "password": "${TRUSTEE_PASSWORD}"}}},
  "scope": {"OS-TRUST:trust": {"id": "${TRUST_ID}"}}}}
AUTH
)
magnum() { curl -sf -H "X-Auth-Token: $token" -H "OpenStack-API-Version: container-infra latest" \
    -H 'Content-Type: application/json' "$@"; }
magnum "${MAGNUM_URL}/certificates/${CLUSTER_UUID}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["pem"])' > "$CERT_DIR/ca.crt"
openssl genrsa -out "$CERT_DIR/kubelet.key" 4096
chmod 600 "$CERT_DIR/kubelet.key"
openssl req -new -key "$CERT_DIR/kubelet.key" -subj "/CN=system:node:${NODE_NAME}/O=system:nodes" \
    -addext "subjectAltName=IP:${KUBE_NODE_IP},DNS:${NODE_NAME}" -out "$CERT_DIR/kubelet.csr"
python3 -c 'import json,sys; print(json.dumps({"cluster_uuid": sys.argv[1], "csr": open(sys.argv[2]).read()}))' \
    "${CLUSTER_UUID}" "$CERT_DIR/kubelet.csr" \
    | magnum -X POST -d @- "${MAGNUM_URL}/certificates" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["pem"])' > "$CERT_DIR/kubelet.crt"
if [ "${TLS_DISABLED}" = "True" ] || [ "${TLS_DISABLED}" = "true" ]; then
    api_url="http://${KUBE_MASTER_IP}:8080"
else
    api_url="https://${KUBE_MASTER_IP}:${KUBE_API_PORT}"
fi

cat > /etc/kubernetes/kubelet-config.yaml <<CONFIG
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: ${CGROUP_DRIVER}
clusterDNS: [${DNS_SERVICE_IP}]
clusterDomain: ${DNS_CLUSTER_DOMAIN}
authentication:
  x509:
    clientCAFile: ${CERT_DIR}/ca.crt
CONFIG

cat > /etc/kubernetes/kubelet.kubeconfig <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster:
    certificate-authority: ${CERT_DIR}/ca.crt
    server: ${api_url}
users:
- name: kubelet
  user:
    client-certificate: ${CERT_DIR}/kubelet.crt
    client-key: ${CERT_DIR}/kubelet.key
contexts:
- name: default
  context: {cluster: kubernetes, user: kubelet}
current-context: default
KUBECONFIG

image="${CONTAINER_INFRA_PREFIX:-${HYPERKUBE_PREFIX}}hyperkube:${MINION_KUBE_TAG}"
cat > /etc/kubernetes/kubelet <<KUBELET
KUBELET_ARGS="--config=/etc/kubernetes/kubelet-config.yaml \
 --kubeconfig=/etc/kubernetes/kubelet.kubeconfig --node-ip=${KUBE_NODE_IP} \
 --hostname-override=${NODE_NAME} \
 --node-labels=magnum.openstack.org/role=${NODE_ROLE},magnum.openstack.org/nodegroup=${NODEGROUP_NAME:-} \
 ${KUBELET_OPTIONS}"
KUBELET
cat > /etc/kubernetes/proxy <<PROXY
KUBE_PROXY_ARGS="--kubeconfig=/etc/kubernetes/kubelet.kubeconfig \
 --cluster-cidr=${PODS_NETWORK_CIDR} ${KUBEPROXY_OPTIONS}"
PROXY

for component in kubelet kube-proxy; do
    cat > "/etc/systemd/system/${component}.service" <<UNIT
[Unit]
Description=Kubernetes ${component} (podman, ${image})
After=network-online.target

[Service]
EnvironmentFile=-/etc/kubernetes/kubelet
EnvironmentFile=-/etc/kubernetes/proxy
ExecStartPre=-/bin/podman rm -f ${component}
ExecStart=/bin/podman run --name ${component} --net host --pid host --privileged \
    --volume /etc/kubernetes:/etc/kubernetes:ro,z --volume /var/lib:/var/lib:rshared \
    --volume /run:/run --volume /dev:/dev ${image} ${component}
ExecStop=/bin/podman stop ${component}
Restart=always

[Install]
WantedBy=multi-user.target
UNIT
done
