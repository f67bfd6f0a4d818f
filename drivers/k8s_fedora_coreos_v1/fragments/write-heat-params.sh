#!/bin/bash
# Write this deployment's inputs to /etc/sysconfig/heat-params, the file every
# later fragment sources. The heat-config "script" hook exports each input of
# the software deployment as an environment variable; ours are upper case.
set -euo pipefail

HEAT_PARAMS=/etc/sysconfig/heat-params
mkdir -p "$(dirname "$HEAT_PARAMS")"
umask 077
tmp=$(mktemp "${HEAT_PARAMS}.XXXXXX")
for name in $(compgen -e | grep -E '^[A-Z][A-Z0-9_]*$' | sort); do
    case "$name" in
        PATH|HOME|PWD|OLDPWD|SHLVL|HOSTNAME|TERM|LANG|USER|LOGNAME|SHELL|_) continue ;;
    esac
    printf '%s=%q\n' "$name" "${!name}" >> "$tmp"
done
mv -f "$tmp" "$HEAT_PARAMS"

# Proxy settings for everything started from here on (container pulls included).
. "$HEAT_PARAMS"
if [ -n "${HTTP_PROXY:-}${HTTPS_PROXY:-}" ]; then
    mkdir -p /etc/systemd/system.conf.d
    cat > /etc/systemd/system.conf.d/proxy.conf <<PROXY
[Manager]
DefaultEnvironment=HTTP_PROXY=${HTTP_PROXY:-} HTTPS_PROXY=${HTTPS_PROXY:-} NO_PROXY=${NO_PROXY:-}
PROXY
    systemctl daemon-reexec
fi
echo "heat-params written for ${NODE_NAME:-$(hostname)} (${NODE_ROLE:-unknown role})"
