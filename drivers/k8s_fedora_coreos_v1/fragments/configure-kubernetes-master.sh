#!/bin/bash
# Configure the Kubernetes control plane of a master: certificates signed by
# Magnum (CSR with the trustee's credentials), kube-apiserver,
# kube-controller-manager, kube-scheduler and the master's own kubelet.
set -euo pipefail
. /etc/sysconfig/heat-params

CERT_DIR=/etc/kubernetes/certs
mkdir -p "$CERT_DIR" /etc/kubernetes/manifests
cd "$CERT_DIR"

# Keystone token for the cluster's trustee, to call Magnum's certificate API.
token=$(curl -sf --cacert /etc/pki/tls/certs/ca-bundle.crt -X POST "${AUTH_URL}/auth/tokens" \
    -H 'Content-Type: application/json' -D - -o /dev/null -d @- <<AUTH | awk '/^X-Subject-Token/ {print $2}' | tr -d '\r'
{"auth": {"identity": {"methods": ["password"], "password": {"user": {
  "id": "${TRUSTEE_USER_ID}", "password": "${TRUSTEE_PASSWORD}"}}},
  "scope": {"OS-TRUST:trust": {"id": "${TRUST_ID}"}}}}
AUTH
)
curl -sf -H "X-Auth-Token: $token" -H "OpenStack-API-Version: container-infra latest" \
    "${MAGNUM_URL}/certificates/${CLUSTER_UUID}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pem"])' > ca.crt

sans="IP:${KUBE_NODE_IP},IP:${KUBE_NODE_PUBLIC_IP},IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.${DNS_CLUSTER_DOMAIN}"
[ -n "${KUBE_API_PUBLIC_ADDRESS:-}" ] && sans="${sans},IP:${KUBE_API_PUBLIC_ADDRESS}"
[ -n "${KUBE_API_PRIVATE_ADDRESS:-}" ] && sans="${sans},IP:${KUBE_API_PRIVATE_ADDRESS}"
# sign <name> <subject> [<subjectAltName>]: <name>.key + CSR -> <name>.crt signed by Magnum
sign() {
    openssl genrsa -out "$1.key" 4096
    openssl req -new -key "$1.key" -subj "$2" ${3:+-addext "subjectAltName=$3"} -out "$1.csr"
    python3 - "$token" "$1" <<'SIGN'
import json, os, sys, urllib.request
token, name = sys.argv[1], sys.argv[2]
req = urllib.request.Request(
    os.environ["MAGNUM_URL"] + "/certificates",
    data=json.dumps({"cluster_uuid": os.environ["CLUSTER_UUID"],
                     "csr": open(name + ".csr").read()}).encode(),
    headers={"X-Auth-Token": token, "Content-Type": "application/json",
             "OpenStack-API-Version": "container-infra latest"})
open(name + ".crt", "w").write(json.load(urllib.request.urlopen(req))["pem"])
SIGN
}
set -a; . /etc/sysconfig/heat-params; set +a   # the signer reads MAGNUM_URL, CLUSTER_UUID
sign server "/CN=kube-apiserver" "$sans"
sign admin "/CN=admin/O=system:masters"
printf '%s\n' "${KUBE_SERVICE_ACCOUNT_KEY}" > service_account.key
printf '%s\n' "${KUBE_SERVICE_ACCOUNT_PRIVATE_KEY}" > service_account_private.key
chmod 600 ./*.key

image="${CONTAINER_INFRA_PREFIX:-${HYPERKUBE_PREFIX}}hyperkube:${MASTER_KUBE_TAG}"
cat > /etc/kubernetes/apiserver <<API
KUBE_API_ARGS="--advertise-address=${KUBE_NODE_IP} --secure-port=${KUBE_API_PORT} \
 --etcd-servers=https://127.0.0.1:2379 --etcd-cafile=${CERT_DIR}/ca.crt \
 --etcd-certfile=${CERT_DIR}/server.crt --etcd-keyfile=${CERT_DIR}/server.key \
 --service-cluster-ip-range=${PORTAL_NETWORK_CIDR} --enable-admission-plugins=${ADMISSION_CONTROL_LIST} \
 --allow-privileged=${KUBE_ALLOW_PRIV} --tls-cert-file=${CERT_DIR}/server.crt \
 --tls-private-key-file=${CERT_DIR}/server.key --client-ca-file=${CERT_DIR}/ca.crt \
 --service-account-key-file=${CERT_DIR}/service_account.key \
 --service-account-signing-key-file=${CERT_DIR}/service_account_private.key \
 --service-account-issuer=https://kubernetes.default.svc.${DNS_CLUSTER_DOMAIN} \
 --authorization-mode=Node,RBAC ${KUBEAPI_OPTIONS}"
API
cat > /etc/kubernetes/admin.conf <<ADMIN
apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster: {certificate-authority: ${CERT_DIR}/ca.crt, server: "https://127.0.0.1:${KUBE_API_PORT}"}
users:
- name: admin
  user: {client-certificate: ${CERT_DIR}/admin.crt, client-key: ${CERT_DIR}/admin.key}
contexts:
- name: default
  context: {cluster: kubernetes, user: admin}
current-context: default
ADMIN

cat > /etc/kubernetes/controller-manager <<CM
KUBE_CONTROLLER_MANAGER_ARGS="--leader-elect=true --cluster-cidr=${PODS_NETWORK_CIDR} \
 --allocate-node-cidrs=true --cluster-name=${CLUSTER_UUID} \
 --service-account-private-key-file=${CERT_DIR}/service_account_private.key \
 --root-ca-file=${CERT_DIR}/ca.crt ${KUBECONTROLLER_OPTIONS}"
CM
cat > /etc/kubernetes/scheduler <<SCHED
KUBE_SCHEDULER_ARGS="--leader-elect=true ${KUBESCHEDULER_OPTIONS}"
SCHED

for component in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
    cat > "/etc/systemd/system/${component}.service" <<UNIT
[Unit]
Description=Kubernetes ${component} (podman, ${image})
After=network-online.target etcd.service

[Service]
EnvironmentFile=-/etc/kubernetes/config
EnvironmentFile=-/etc/kubernetes/apiserver
EnvironmentFile=-/etc/kubernetes/controller-manager
EnvironmentFile=-/etc/kubernetes/scheduler
EnvironmentFile=-/etc/kubernetes/kubelet
ExecStartPre=-/bin/podman rm -f ${component}
ExecStart=/bin/podman run --name ${component} --net host --privileged \
    --volume /etc/kubernetes:/etc/kubernetes:ro,z --volume /var/lib:/var/lib:rshared \
    --volume /run:/run ${image} ${component}
ExecStop=/bin/podman stop ${component}
Restart=always

[Install]
WantedBy=multi-user.target
UNIT
done

cat > /etc/kubernetes/kubelet <<KUBELET
KUBELET_ARGS="--node-ip=${KUBE_NODE_IP} --cgroup-driver=${CGROUP_DRIVER} \
 --cluster-dns=${DNS_SERVICE_IP} --cluster-domain=${DNS_CLUSTER_DOMAIN} \
 --register-with-taints=node-role.kubernetes.io/master=:NoSchedule \
 --node-labels=magnum.openstack.org/role=${NODE_ROLE},magnum.openstack.org/nodegroup=${NODEGROUP_NAME:-} \
 ${KUBELET_OPTIONS}"
KUBELET
