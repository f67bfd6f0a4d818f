#!/bin/bash
# A Mesos master: ZooKeeper (one ensemble over all masters), mesos-master with
# a majority quorum, and Marathon on MARATHON_PORT. Runs once every master
# exists, so MESOS_MASTERS_IPS lists all of them in group order.
set -euo pipefail
. /etc/mesos-heat-params

IFS=, read -r -a masters <<< "$MESOS_MASTERS_IPS"
myid=$((MASTER_INDEX + 1))
quorum=$(( ${#masters[@]} / 2 + 1 ))
zk=""
for ip in "${masters[@]}"; do zk="${zk:+$zk,}${ip}:2181"; done

# ZooKeeper
echo "$myid" > /etc/zookeeper/conf/myid
sed -i '/^server\./d' /etc/zookeeper/conf/zoo.cfg
n=1
for ip in "${masters[@]}"; do
    echo "server.${n}=${ip}:2888:3888" >> /etc/zookeeper/conf/zoo.cfg
    n=$((n + 1))
done

# Mesos master
echo "zk://${zk}/mesos" > /etc/mesos/zk
echo "$quorum" > /etc/mesos-master/quorum
echo "$MESOS_MASTER_IP" > /etc/mesos-master/ip
echo "$MESOS_MASTER_IP" > /etc/mesos-master/hostname
echo "$CLUSTER_NAME" > /etc/mesos-master/cluster

# Marathon
mkdir -p /etc/marathon/conf
echo "$MESOS_MASTER_IP" > /etc/marathon/conf/hostname
echo "zk://${zk}/mesos" > /etc/marathon/conf/master
echo "zk://${zk}/marathon" > /etc/marathon/conf/zk
echo "$MARATHON_PORT" > /etc/marathon/conf/http_port

if [ -n "${HTTP_PROXY}${HTTPS_PROXY}" ]; then
    printf 'export http_proxy=%s\nexport https_proxy=%s\nexport no_proxy=%s\n' \
        "$HTTP_PROXY" "$HTTPS_PROXY" "$NO_PROXY" > /etc/default/marathon-proxy
fi

for svc in zookeeper mesos-master marathon; do
    systemctl enable "$svc"
    systemctl restart "$svc"
done
systemctl disable --now mesos-slave 2>/dev/null || true
