#!/bin/bash
# /etc/sysconfig/heat-params.json (written by cloud-init) -> /etc/sysconfig/heat-params,
# NAME=value lines quoted for the shell, sourced by every later fragment.
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
chmod 600 /etc/sysconfig/heat-params
. /etc/sysconfig/heat-params
if [ -n "${HTTP_PROXY:-}${HTTPS_PROXY:-}" ]; then
    mkdir -p /etc/systemd/system/docker.service.d
    cat > /etc/systemd/system/docker.service.d/proxy.conf <<PROXY
[Service]
Environment=HTTP_PROXY=${HTTP_PROXY:-} HTTPS_PROXY=${HTTPS_PROXY:-} NO_PROXY=${NO_PROXY:-}
PROXY
fi
if [ -n "${OPENSTACK_CA:-}" ]; then
    printf '%s\n' "$OPENSTACK_CA" > /etc/pki/ca-trust/source/anchors/openstack-ca.pem
    update-ca-trust extract
fi
echo "heat-params written for ${NODE_NAME} (${NODE_ROLE})"
