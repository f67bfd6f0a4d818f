#!/bin/bash
# Write this deployment's inputs to /etc/mesos-heat-params, which every
# later fragment sources. The heat-config "script" hook exports each input of
# the software deployment as an environment variable; ours are upper case.
set -euo pipefail

HEAT_PARAMS=/etc/mesos-heat-params
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
echo "heat-params written for ${NODE_NAME:-$(hostname)} (${NODE_ROLE:-unknown role})"
