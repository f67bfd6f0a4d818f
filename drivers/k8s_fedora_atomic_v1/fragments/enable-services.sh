#!/bin/bash
# Start the node's services in order ($SERVICES is filled in by the template).
set -euo pipefail
systemctl daemon-reload
for service in $SERVICES; do
    echo "activating service $service"
    systemctl enable "$service"
    systemctl --no-block start "$service"
done
