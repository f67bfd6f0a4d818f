#!/usr/bin/env bash
# Set up (if needed) and run the default test suite: unit, functional (local real Heat),
# integration (MariaDB on 127.0.0.1:3306, RabbitMQ on 127.0.0.1:5672) and compat (the real
# openstack CLI against the embedded service). Extra arguments go to pytest. Three workers on
# two cores: the functional and compat tests mostly wait on Heat (9 min vs 10.7 min with two).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec .venv/bin/python -m pytest -p no:cacheprovider -q -n 3 --dist loadfile "$@"
