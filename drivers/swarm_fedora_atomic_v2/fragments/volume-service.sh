#!/bin/bash
# volume_driver=rexray: REX-Ray as a Docker volume plugin backed by Cinder,
# authenticating as the cluster's trustee. rexray_preempt lets a volume be
# taken over from a host that still holds it.
set -euo pipefail
. /etc/sysconfig/heat-params

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
REXRAY
chmod 600 /etc/rexray/config.yml
docker run -d --name rexray --restart always --privileged --net host \
    -v /etc/rexray:/etc/rexray -v /run/docker/plugins:/run/docker/plugins \
    -v /var/lib/rexray:/var/lib/rexray:shared -v /dev:/dev rexray/rexray start -f
