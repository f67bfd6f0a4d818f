#!/usr/bin/env bash
# Set up a fresh checkout: .venv (the project + test tools) and .venv-heat (the real OpenStack
# Heat, in a venv of its own, found by the service next to .venv). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
stamp=.venv/.mc-installed
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
  .venv/bin/pip install -q -e '.[test]' 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -c 'import magnum_clone, pecan, heatclient, magnumclient' \
    && touch "$stamp"
fi

if [ ! -x .venv-heat/bin/python ]; then
  "$PY" -m venv .venv-heat
fi
hstamp=.venv-heat/.mc-installed
if [ ! -f "$hstamp" ]; then
  .venv-heat/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  .venv-heat/bin/pip install -q 'openstack-heat' 2>&1 | grep -v '^WARNING: Location' || true
  .venv-heat/bin/python -c 'import heat.engine.service' && touch "$hstamp"
fi
# .venv-keystone: a real Keystone for the integration tests (tests/fixtures/keystone.py); its
# own venv because Keystone and the service both use the global oslo.config CONF.
if [ ! -x .venv-keystone/bin/python ]; then
  "$PY" -m venv .venv-keystone
fi
kstamp=.venv-keystone/.mc-installed
if [ ! -f "$kstamp" ]; then
  .venv-keystone/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  .venv-keystone/bin/pip install -q keystone keystonemiddleware python-keystoneclient \
    keystoneauth1 2>&1 | grep -v '^WARNING: Location' || true
  .venv-keystone/bin/python -c 'import keystone.server.flask, keystone.cmd.cli' \
    && touch "$kstamp"
fi
echo "setup: .venv, .venv-heat and .venv-keystone ready"
