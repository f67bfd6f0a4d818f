#!/bin/bash
# Start what the previous fragments configured, in dependency order, and wait
# for the local kubelet to answer its health check.
set -euo pipefail
. /etc/sysconfig/heat-params

systemctl daemon-reload
if [ "${NODE_ROLE}" = "master" ]; then
    services="etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy"
else
    services="kubelet kube-proxy"
fi
for service in $services; do
    echo "enabling ${service}"
    systemctl enable --now "${service}"
done

# SYSTEM_PODS_TIMEOUT is in minutes; poll every 6 s.
for _ in $(seq 1 $(( ${SYSTEM_PODS_TIMEOUT:-5} * 10 ))); do
    if curl -sf http://127.0.0.1:10248/healthz >/dev/null; then
        echo "kubelet healthy on ${NODE_NAME}"
        exit 0
    fi
    sleep 6
done
echo "kubelet did not become healthy on ${NODE_NAME}" >&2
exit 1
