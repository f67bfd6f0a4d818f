#!/usr/bin/env bash
# Set up (if needed) and run the embedded service: SQLite, in-process RPC, a local real Heat,
# the SIMULATED cloud, noauth. Extra arguments go to magnum-clone-all (--port, --state-dir).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec .venv/bin/magnum-clone-all --port "${PORT:-9511}" --state-dir "${STATE_DIR:-$PWD/state}" "$@"
