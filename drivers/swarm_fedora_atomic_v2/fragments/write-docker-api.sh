#!/bin/bash
# Managers serve the Docker API on SWARM_PORT: TLS-verified clients on 2376,
# plain TCP on 2375 when the template has tls_disabled.
set -euo pipefail
. /etc/sysconfig/heat-params

if [ "$TLS_DISABLED" = True ] || [ "$TLS_DISABLED" = true ]; then
    tls=""
else
    tls="--tlsverify --tlscacert=/etc/docker/tls/ca.crt --tlscert=/etc/docker/tls/server.crt --tlskey=/etc/docker/tls/server.key"
fi
cat > /etc/systemd/system/docker.service.d/api.conf <<DROPIN
[Service]
Environment="OPTIONS=--selinux-enabled --log-driver=journald -H unix:///var/run/docker.sock -H tcp://0.0.0.0:${SWARM_PORT} ${tls} --label magnum.swarm_strategy=${SWARM_STRATEGY}"
DROPIN
systemctl daemon-reload
systemctl enable docker
systemctl restart docker
