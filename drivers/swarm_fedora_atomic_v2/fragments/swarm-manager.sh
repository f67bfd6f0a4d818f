#!/bin/bash
# The primary manager initialises the swarm; secondary managers fetch the
# manager join token from it (over the TLS-protected Docker API) and join.
set -euo pipefail
. /etc/sysconfig/heat-params

if [ "$IS_PRIMARY_MASTER" = True ] || [ "$IS_PRIMARY_MASTER" = true ]; then
    if ! docker info --format '{{.Swarm.LocalNodeState}}' | grep -q active; then
        docker swarm init --advertise-addr "$SWARM_NODE_IP" --listen-addr "$SWARM_NODE_IP:2377"
    fi
    exit 0
fi

remote=(-H "tcp://${PRIMARY_MASTER_IP}:${SWARM_PORT}")
if [ "$TLS_DISABLED" != True ] && [ "$TLS_DISABLED" != true ]; then
    remote+=(--tlsverify --tlscacert=/etc/docker/tls/ca.crt --tlscert=/etc/docker/tls/server.crt
             --tlskey=/etc/docker/tls/server.key)
fi
for _ in $(seq 60); do
    token=$(docker "${remote[@]}" swarm join-token -q manager 2>/dev/null) && break
    sleep 5
done
[ -n "${token:-}" ] || { echo "primary manager ${PRIMARY_MASTER_IP} never answered" >&2; exit 1; }
docker swarm join --token "$token" --advertise-addr "$SWARM_NODE_IP" "${PRIMARY_MASTER_IP}:2377"
