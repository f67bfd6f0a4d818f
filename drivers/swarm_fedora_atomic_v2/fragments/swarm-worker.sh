#!/bin/bash
# Join the swarm as a worker: the worker join token comes from the primary
# manager's Docker API (TLS client certificate unless tls_disabled).
set -euo pipefail
. /etc/sysconfig/heat-params

systemctl enable docker
systemctl restart docker
remote=(-H "tcp://${PRIMARY_MASTER_IP}:${SWARM_PORT}")
if [ "$TLS_DISABLED" != True ] && [ "$TLS_DISABLED" != true ]; then
    remote+=(--tlsverify --tlscacert=/etc/docker/tls/ca.crt --tlscert=/etc/docker/tls/server.crt
             --tlskey=/etc/docker/tls/server.key)
fi
for _ in $(seq 60); do
    token=$(docker "${remote[@]}" swarm join-token -q worker 2>/dev/null) && break
    sleep 5
done
[ -n "${token:-}" ] || { echo "primary manager ${PRIMARY_MASTER_IP} never answered" >&2; exit 1; }
docker swarm join --token "$token" --advertise-addr "$SWARM_NODE_IP" "${PRIMARY_MASTER_IP}:2377"
