"""magnum-clone-conductor: RPC server, heartbeats and the reconcile loop."""

from __future__ import annotations

import signal
import threading

from magnum_clone.cmd import prepare
from magnum_clone.conductor import service


def main() -> None:
    prepare(description="magnum-clone conductor")
    svc = service.ConductorService()
    svc.start()
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    print(f"magnum-clone-conductor {svc.host} running", flush=True)
    done.wait()
    svc.stop()


if __name__ == "__main__":
    main()
