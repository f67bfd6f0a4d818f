#!/bin/bash
# A Mesos agent: finds the masters through ZooKeeper and runs Docker and Mesos
# containerizer tasks with the cluster's labels: isolation, image providers,
# work dir and executor environment (a JSON object).
set -euo pipefail
. /etc/mesos-heat-params

IFS=, read -r -a masters <<< "$MESOS_MASTERS_IPS"
zk=""
for ip in "${masters[@]}"; do zk="${zk:+$zk,}${ip}:2181"; done

echo "zk://${zk}/mesos" > /etc/mesos/zk
echo "$MESOS_SLAVE_IP" > /etc/mesos-slave/ip
echo "$MESOS_SLAVE_IP" > /etc/mesos-slave/hostname
echo "docker,mesos" > /etc/mesos-slave/containerizers
echo "$EXECUTOR_REGISTRATION_TIMEOUT" > /etc/mesos-slave/executor_registration_timeout
[ -n "$MESOS_SLAVE_ISOLATION" ] && echo "$MESOS_SLAVE_ISOLATION" > /etc/mesos-slave/isolation
[ -n "$MESOS_SLAVE_IMAGE_PROVIDERS" ] && \
    echo "$MESOS_SLAVE_IMAGE_PROVIDERS" > /etc/mesos-slave/image_providers
if [ -n "$MESOS_SLAVE_WORK_DIR" ]; then
    mkdir -p "$MESOS_SLAVE_WORK_DIR"
    echo "$MESOS_SLAVE_WORK_DIR" > /etc/mesos-slave/work_dir
fi
if [ -n "$MESOS_SLAVE_EXECUTOR_ENV_VARIABLES" ]; then
    printf '%s\n' "$MESOS_SLAVE_EXECUTOR_ENV_VARIABLES" > /etc/mesos-slave/executor_env.json
    echo "file:///etc/mesos-slave/executor_env.json" \
        > /etc/mesos-slave/executor_environment_variables
fi

if [ -n "${HTTP_PROXY}${HTTPS_PROXY}" ]; then
    mkdir -p /etc/systemd/system/docker.service.d
    cat > /etc/systemd/system/docker.service.d/proxy.conf <<PROXY
[Service]
Environment=HTTP_PROXY=${HTTP_PROXY} HTTPS_PROXY=${HTTPS_PROXY} NO_PROXY=${NO_PROXY}
PROXY
    systemctl daemon-reload
    systemctl restart docker
fi

for svc in zookeeper mesos-master marathon; do systemctl disable --now "$svc" 2>/dev/null || true; done
systemctl enable mesos-slave
systemctl restart mesos-slave
