#!/bin/bash
# volume_driver=rexray: REX-Ray backed by Cinder, authenticating as the
# cluster's trustee; rexray_preempt lets a volume move from a host that still
# holds it. Mesos tasks use it through the Docker volume plugin API.
set -euo pipefail
. /etc/mesos-heat-params

[ "$VOLUME_DRIVER" = rexray ] || exit 0
mkdir -p /etc/rexray
cat > /etc/rexray/config.yml <<REXRAY
libstorage:
  integration:
    volume:
      operations:
        mount:
          preempt: ${REXRAY_PREEMPT}
  service: openstack
openstack:
  authUrl: ${AUTH_URL}
  userID: ${TRUSTEE_USER_ID}
  password: ${TRUSTEE_PASSWORD}
  trustID: ${TRUST_ID}
  regionName: ${REGION_NAME}
REXRAY
chmod 600 /etc/rexray/config.yml
systemctl enable rexray
systemctl restart rexray
