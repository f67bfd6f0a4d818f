"""The conductor service: RPC server, service heartbeats and the reconcile loop.

Plain threads (no eventlet): the same service runs inside ``magnum-clone-all`` next to the API,
or alone as ``magnum-clone-conductor``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from magnum_clone.common import context as ctx_mod
from magnum_clone.common import rpc
from magnum_clone.conductor import certs, hashring, heat_events, manager, reconcile
from magnum_clone.conductor.rpcapi import RPC_API_VERSION
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api

LOG = logging.getLogger(__name__)


class ConductorService:
    def __init__(self, host: str | None = None) -> None:
        self.host = host or CONF.host
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server: Any = None
        self._events: heat_events.Listener | None = None
        self._reconcile_lock = threading.Lock()  # periodic and event passes never overlap

    def start(self) -> None:
        certs.check()  # a misconfigured cert manager stops the start, with its reason
        db_api.get_instance().heartbeat_service(host=self.host, binary=hashring.BINARY)
        self._server = rpc.get_server(CONF.conductor.topic, self.host, RPC_API_VERSION,
                                      [manager.ConductorManager()])
        self._server.start()
        self._every("heartbeat", CONF.heartbeat_interval, self._heartbeat)
        if CONF.periodic_enable:
            self._every("reconcile", CONF.periodic_interval, self._reconcile)
        if CONF.heat.notifications_transport_url:
            self._events = heat_events.Listener(self.host, self._reconcile_some)
            try:
                self._events.start()
            except Exception:  # noqa: BLE001 - the periodic pass still reconciles
                LOG.exception("Cannot listen for Heat events; relying on the periodic pass")
                self._events.stop()
                self._events = None
        LOG.info("Conductor %s started (topic %s)", self.host, CONF.conductor.topic)

    def _every(self, name: str, seconds: float, fn: Callable[[], None]) -> None:
        def _loop() -> None:
            while not self._stop.is_set():
                try:
                    fn()
                except Exception:  # noqa: BLE001 - periodic work logs and goes on
                    LOG.exception("Periodic %s failed", name)
                self._stop.wait(seconds)

        t = threading.Thread(target=_loop, name=f"conductor-{name}", daemon=True)
        t.start()
        self._threads.append(t)

    def _heartbeat(self) -> None:
        db_api.get_instance().heartbeat_service(host=self.host, binary=hashring.BINARY)

    def _reconcile(self) -> None:
        with self._reconcile_lock:
            reconcile.run_once(ctx_mod.admin_context(), self.host)

    def _reconcile_some(self, cluster_uuids: set[str], stack_ids: set[str]) -> None:
        """After Heat events: reconcile just those clusters (if this conductor owns them)."""
        with self._reconcile_lock:
            reconcile.run_for(ctx_mod.admin_context(), self.host, cluster_uuids, stack_ids)

    def stop(self) -> None:
        self._stop.set()
        if self._events is not None:
            self._events.stop()
            self._events = None
        if self._server is not None:
            self._server.stop()
            self._server.wait()
        for t in self._threads:
            t.join(timeout=10)
