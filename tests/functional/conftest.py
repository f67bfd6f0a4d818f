"""Functional tests: the real Pecan app and the real conductor in this process (in-process
RPC), a real local Heat per test session (fast timing), the SIMULATED cloud under it."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import webtest

from magnum_clone.conf import CONF


@pytest.fixture(scope="session")
def local_heat() -> Iterator[str]:
    from magnum_clone.localheat.process import LocalHeat

    heat = LocalHeat(tempfile.mkdtemp(prefix="mc-heat-"), fast=True)
    endpoint = heat.start()
    try:
        yield endpoint
    finally:
        heat.stop()


class Service:
    """The API (WebTest) with a conductor running in the same process."""

    def __init__(self, app: webtest.TestApp) -> None:
        self.app = app
        self.h = {"Accept": "application/json",
                  "OpenStack-API-Version": "container-infra latest"}

    def get(self, path: str, status: Any = "*") -> Any:
        return self.app.get(path, headers=self.h, status=status)

    def post(self, path: str, body: Any, status: Any = "*") -> Any:
        return self.app.post_json(path, body, headers=self.h, status=status)

    def patch(self, path: str, body: Any, status: Any = "*") -> Any:
        return self.app.patch_json(path, body, headers=self.h, status=status)

    def delete(self, path: str, status: Any = "*") -> Any:
        return self.app.delete(path, headers=self.h, status=status)

    def wait(self, path: str, until: Callable[[Any], bool], timeout: float = 120) -> Any:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = self.get(path)
            if until(last):
                return last
            time.sleep(0.5)
        raise AssertionError(f"timed out waiting on {path}; last: {last and last.text}")


@pytest.fixture()
def service(db: object, local_heat: str) -> Iterator[Service]:
    from magnum_clone.api import app as app_mod
    from magnum_clone.common import policy
    from magnum_clone.common.clients import cloud, heat
    from magnum_clone.conductor import rpcapi
    from magnum_clone.conductor import service as svc_mod

    CONF.set_override("endpoint", local_heat, group="heat")
    CONF.set_override("periodic_enable", True)
    CONF.set_override("periodic_interval", 1)
    policy.reset()
    cloud.reset()
    heat.reset()
    rpcapi.reset()
    conductor = svc_mod.ConductorService(host=f"functional-{os.getpid()}")
    conductor.start()
    try:
        yield Service(webtest.TestApp(app_mod.setup_app()))
    finally:
        conductor.stop()
        CONF.clear_override("periodic_enable")
        CONF.clear_override("periodic_interval")
