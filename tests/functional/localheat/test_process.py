"""LocalHeat as the embedded mode uses it: restarts, interrupted work, misuse.

A restart on the same state directory keeps finished stacks; a stack that was
in progress when Heat was killed is reported ``*_FAILED`` (not left in
progress forever) and deletes promptly; a second Heat on the same state
directory, or a missing Heat virtualenv, fails with a message that says why.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from magnum_clone.localheat.process import LocalHeat, LocalHeatError, find_heat_python
from magnum_clone_drivers import sim

from .conftest import wait_gone, wait_stack
from .test_sim import SERVER_TEMPLATE

pytestmark = pytest.mark.heat


@pytest.fixture
def own_heat(tmp_path: Any) -> Iterator[LocalHeat]:
    heat = LocalHeat(str(tmp_path / "state"), fast=True)
    try:
        yield heat
    finally:
        heat.kill()


def test_restart_keeps_stacks_fails_interrupted_ones_and_locks_state_dir(
        own_heat: LocalHeat) -> None:
    endpoint = own_heat.start()
    assert endpoint == f"http://127.0.0.1:{own_heat.port}/v1"
    hc = own_heat.client("restart")
    environment, files = sim.simulated_environment({})
    done = hc.stacks.create(stack_name="done", template=SERVER_TEMPLATE,
                            environment=environment, files=files)["stack"]["id"]
    assert wait_stack(hc, done).stack_status == "CREATE_COMPLETE"
    environment, files = sim.simulated_environment({"sim_boot_seconds": "600"})
    slow = hc.stacks.create(stack_name="slow", template=SERVER_TEMPLATE,
                            environment=environment, files=files)["stack"]["id"]
    time.sleep(1.0)
    assert hc.stacks.get(slow).stack_status == "CREATE_IN_PROGRESS"

    own_heat.kill()
    assert own_heat.start() == endpoint  # same state dir, same port
    hc = own_heat.client("restart")
    assert hc.stacks.get(done).stack_status == "CREATE_COMPLETE"
    stack = hc.stacks.get(slow)
    assert stack.stack_status == "CREATE_FAILED"
    assert "Engine went down" in stack.stack_status_reason
    started = time.monotonic()
    hc.stacks.delete(slow)
    wait_gone(hc, slow)
    assert time.monotonic() - started < 20

    # the state directory belongs to the running Heat
    second = LocalHeat(own_heat.state_dir, fast=True, start_timeout=60)
    with pytest.raises(LocalHeatError, match="another local Heat uses"):
        second.start()
    assert not second.running()


def test_missing_heat_venv_is_explained(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAGNUM_CLONE_HEAT_VENV", str(tmp_path / "nowhere"))
    with pytest.raises(LocalHeatError, match="pip install openstack-heat"):
        find_heat_python()
    with pytest.raises(LocalHeatError, match="No Heat virtualenv"):
        LocalHeat(str(tmp_path / "state")).start()
    monkeypatch.delenv("MAGNUM_CLONE_HEAT_VENV")
    assert os.path.exists(find_heat_python())
