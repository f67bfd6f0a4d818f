"""magnum-clone-all: the embedded default, everything in one process.

SQLite under ``--state-dir``, in-process RPC (``fake://``), noauth, a local real Heat started as
a child process, and the SIMULATED cloud under it. ``--port`` (default 9511) on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from magnum_clone.conf import CONF

LOG = logging.getLogger("magnum_clone.all")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="magnum-clone-all", description=__doc__)
    parser.add_argument("--port", type=int, default=9511)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--state-dir", default=os.path.expanduser("~/.magnum-clone"))
    parser.add_argument("--heat-fast", action="store_true",
                        help="Test-only: shorten the local Heat's per-resource delays.")
    args, rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    state = os.path.abspath(args.state_dir)
    os.makedirs(state, exist_ok=True)

    from magnum_clone.cmd import prepare

    CONF.set_default("state_path", state)
    CONF.set_default("connection", f"sqlite:///{state}/magnum-clone.sqlite", group="database")
    CONF.set_default("transport_url", "fake://")
    CONF.set_default("periodic_interval", 2)
    CONF.set_default("host", "127.0.0.1", group="api")
    prepare(rest, description="magnum-clone embedded service")
    CONF.set_override("port", args.port, group="api")
    CONF.set_override("host", args.host, group="api")

    from magnum_clone.api import app
    from magnum_clone.cmd import wsgi
    from magnum_clone.conductor import service
    from magnum_clone.db import migration
    from magnum_clone.localheat.process import LocalHeat

    migration.upgrade()
    heat = LocalHeat(os.path.join(state, "heat"), fast=args.heat_fast)
    endpoint = heat.start()
    CONF.set_override("endpoint", endpoint, group="heat")
    LOG.warning("Embedded mode: local Heat at %s; servers, networks, volumes and load "
                "balancers are SIMULATED under it", endpoint)
    conductor = service.ConductorService()
    conductor.start()
    srv, _t = wsgi.serve_in_thread(args.host, args.port, app.setup_app())
    print(f"magnum-clone-all serving on http://{args.host}:{args.port}/v1 "
          f"(state in {state})", flush=True)

    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    srv.shutdown()
    conductor.stop()
    heat.stop()


if __name__ == "__main__":
    main()
