"""Fixtures for the local-Heat tests: one real Heat per session, fast timing.

``heat_server`` starts :class:`~magnum_clone.localheat.process.LocalHeat` with
``fast=True`` in a temporary state directory and SIGKILLs it at the end (the
state is thrown away, so there is nothing to shut down gracefully).
``kubecluster`` loads the k8s_fedora_coreos_v1 cluster template the way the
driver does (heatclient's ``template_utils`` resolves ``get_file`` and nested
template types into ``files``); ``stack_args`` adds the simulated cloud for a
set of labels.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from heatclient import exc as heat_exc
from heatclient.common import template_utils

from magnum_clone.localheat.process import LocalHeat
from magnum_clone_drivers import sim

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
KUBECLUSTER = os.path.join(REPO, "drivers", "k8s_fedora_coreos_v1", "templates",
                           "kubecluster.yaml")
PROJECT = "localheat-tests"
STACK_TIMEOUT = 45.0


@pytest.fixture(scope="session")
def heat_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHeat]:
    heat = LocalHeat(str(tmp_path_factory.mktemp("localheat")), fast=True)
    heat.start()
    try:
        yield heat
    finally:
        heat.kill()


@pytest.fixture(scope="session")
def hc(heat_server: LocalHeat) -> Any:
    """A heatclient v1 client in the test project."""
    return heat_server.client(PROJECT)


@pytest.fixture(scope="session")
def kubecluster() -> tuple[dict[str, str], dict[str, Any]]:
    """(files, template) of kubecluster.yaml, as the driver would send them."""
    files, template = template_utils.get_template_contents(template_file=KUBECLUSTER)
    return files, template


def stack_args(kubecluster: tuple[dict[str, str], dict[str, Any]],
               labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``stacks.create``/``validate`` keyword arguments: template, files, sim environment."""
    files, template = kubecluster
    environment, sim_files = sim.simulated_environment(labels or {})
    return {"template": template, "files": {**files, **sim_files},
            "environment": environment}


def wait_stack(hc: Any, stack_id: str, timeout: float = STACK_TIMEOUT) -> Any:
    """Poll until the stack leaves *_IN_PROGRESS; returns it with outputs resolved."""
    deadline = time.monotonic() + timeout
    while True:
        stack = hc.stacks.get(stack_id, resolve_outputs=False)
        if not stack.stack_status.endswith("_IN_PROGRESS"):
            return hc.stacks.get(stack_id)
        if time.monotonic() > deadline:
            raise AssertionError(f"stack {stack_id} still {stack.stack_status} "
                                 f"after {timeout:.0f} s")
        time.sleep(0.25)


def wait_gone(hc: Any, stack_id: str, timeout: float = STACK_TIMEOUT) -> str:
    """Poll until the stack is deleted; returns the last status seen."""
    deadline = time.monotonic() + timeout
    status = "?"
    while time.monotonic() < deadline:
        try:
            status = hc.stacks.get(stack_id, resolve_outputs=False).stack_status
        except heat_exc.HTTPNotFound:
            return "NOT_FOUND"
        if status in ("DELETE_COMPLETE", "DELETE_FAILED"):
            return status
        time.sleep(0.25)
    raise AssertionError(f"stack {stack_id} not deleted after {timeout:.0f} s: {status}")


def outputs(stack: Any) -> dict[str, Any]:
    return {o["output_key"]: o.get("output_value") for o in stack.outputs or []}
