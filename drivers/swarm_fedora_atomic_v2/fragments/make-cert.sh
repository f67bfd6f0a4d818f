#!/bin/bash
# TLS for the Docker API: a key and CSR made on the node, signed by the cluster
# CA through the container-infra API (POST /v1/certificates) with the trustee's
# Keystone token. Skipped when the template has tls_disabled.
set -euo pipefail
. /etc/sysconfig/heat-params

if [ "$TLS_DISABLED" = True ] || [ "$TLS_DISABLED" = true ]; then
    echo "TLS disabled: no certificates"; exit 0
fi
CERT_DIR=/etc/docker/tls
mkdir -p "$CERT_DIR" && chmod 700 "$CERT_DIR"
CURL_CA=()
if [ "$VERIFY_CA" != True ] && [ "$VERIFY_CA" != true ]; then CURL_CA=(-k); fi
if [ -n "$OPENSTACK_CA" ]; then
    printf '%s\n' "$OPENSTACK_CA" > /etc/pki/ca-trust/source/anchors/openstack-ca.pem
    update-ca-trust extract
fi

token=$(curl -sf "${CURL_CA[@]}" -i -X POST -H "Content-Type: application/json" \
    "$AUTH_URL/auth/tokens" -d "{\"auth\": {\"identity\": {\"methods\": [\"password\"],
      \"password\": {\"user\": {\"id\": \"$TRUSTEE_USER_ID\", \"password\": \"$TRUSTEE_PASSWORD\"}}},
      \"scope\": {\"OS-TRUST:trust\": {\"id\": \"$TRUST_ID\"}}}}" \
    | awk 'tolower($1) == "x-subject-token:" {print $2}' | tr -d '\r')

curl -sf "${CURL_CA[@]}" -H "X-Auth-Token: $token" -H "OpenStack-API-Version: container-infra latest" \
    "$MAGNUM_URL/certificates/$CLUSTER_UUID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pem"])' \
    > "$CERT_DIR/ca.crt"

openssl genrsa -out "$CERT_DIR/server.key" 4096
sans="IP:${SWARM_NODE_IP},IP:${SWARM_NODE_PUBLIC_IP},IP:127.0.0.1,DNS:${NODE_NAME},DNS:localhost"
[ -n "${API_LB_ADDRESS:-}" ] && sans="${sans},IP:${API_LB_ADDRESS}"
openssl req -new -key "$CERT_DIR/server.key" -out "$CERT_DIR/server.csr" -subj "/CN=${NODE_NAME}" \
    -addext "subjectAltName=${sans}" -addext "extendedKeyUsage=serverAuth,clientAuth"
csr=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$CERT_DIR/server.csr")
curl -sf "${CURL_CA[@]}" -X POST -H "X-Auth-Token: $token" -H "Content-Type: application/json" \
    -H "OpenStack-API-Version: container-infra latest" "$MAGNUM_URL/certificates" \
    -d "{\"cluster_uuid\": \"$CLUSTER_UUID\", \"csr\": $csr}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["pem"])' > "$CERT_DIR/server.crt"
chmod 600 "$CERT_DIR"/server.key
