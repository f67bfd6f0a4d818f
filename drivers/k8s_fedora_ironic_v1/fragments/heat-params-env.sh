#!/bin/bash
# /etc/sysconfig/heat-params.json (written by cloud-init) -> /etc/sysconfig/heat-params,
# plus the node's own address: bare-metal nodes get no pre-made Neutron port,
# so the address is the one on the default route, found at boot.
set -euo pipefail
python3 - <<'PY'
import json, shlex
with open("/etc/sysconfig/heat-params.json") as f:
    params = json.load(f)
with open("/etc/sysconfig/heat-params", "w") as out:
    for name in sorted(params):
        value = params[name]
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif value is None:
            value = ""
        out.write(f"{name}={shlex.quote(str(value))}\n")
PY
node_ip=$(ip -4 route get 8.8.8.8 | awk '{for (i = 1; i < NF; i++) if ($i == "src") print $(i + 1)}')
echo "KUBE_NODE_IP=${node_ip}" >> /etc/sysconfig/heat-params
chmod 600 /etc/sysconfig/heat-params
. /etc/sysconfig/heat-params
if [ -n "${HTTP_PROXY:-}${HTTPS_PROXY:-}" ]; then
    mkdir -p /etc/systemd/system/docker.service.d
    printf '[Service]\nEnvironment=HTTP_PROXY=%s HTTPS_PROXY=%s NO_PROXY=%s\n' \
        "${HTTP_PROXY:-}" "${HTTPS_PROXY:-}" "${NO_PROXY:-}" \
        > /etc/systemd/system/docker.service.d/proxy.conf
fi
if [ -n "${OPENSTACK_CA:-}" ]; then
    printf '%s\n' "$OPENSTACK_CA" > /etc/pki/ca-trust/source/anchors/openstack-ca.pem
    update-ca-trust extract
fi
# Container storage on the server's local disk (no Cinder volumes on bare metal).
sed -i "s|^OPTIONS=.*|OPTIONS='--log-driver=journald --storage-driver=${DOCKER_STORAGE_DRIVER}'|" \
    /etc/sysconfig/docker || true
echo "heat-params written for ${NODE_NAME} (${NODE_ROLE}) at ${KUBE_NODE_IP}"
