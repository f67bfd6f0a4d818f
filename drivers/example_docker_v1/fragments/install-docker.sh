#!/bin/bash
# Install Docker from Ubuntu's archive and serve its API on DOCKER_PORT (plain
# TCP, as in the example's name: use it on trusted networks only).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if ! command -v docker >/dev/null; then
    apt-get update -q
    apt-get install -q -y docker.io
fi
mkdir -p /etc/systemd/system/docker.service.d
cat > /etc/systemd/system/docker.service.d/tcp.conf <<DROPIN
[Service]
ExecStart=
ExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:${DOCKER_PORT}
DROPIN
systemctl daemon-reload
systemctl enable docker
systemctl restart docker
docker version
