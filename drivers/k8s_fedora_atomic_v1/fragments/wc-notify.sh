#!/bin/bash
# Tell Heat this node is up: wait for the local kubelet to answer, then signal
# the node's wait condition ($WAIT_CURL is the handle's curl command line).
. /etc/sysconfig/heat-params
for _ in $(seq 120); do
    curl -sf http://127.0.0.1:10248/healthz >/dev/null && break
    sleep 5
done
$WAIT_CURL --data-binary '{"status": "SUCCESS", "reason": "'"${NODE_NAME}"' is up"}'
