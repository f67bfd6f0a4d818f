"""Compat tests: the real python-magnumclient / `openstack coe` commands, as subprocesses,
against a freshly started embedded service (magnum-clone-all: local real Heat, fast timing)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fixtures import processes


class CLI:
    def __init__(self, endpoint: str) -> None:
        self.base = [processes.script("openstack"), "--os-auth-type", "none",
                     "--os-endpoint", endpoint]
        # `coe cluster config` reads $SHELL to pick the export syntax (os.environ["SHELL"]
        # in python-magnumclient); CI runs without a login shell, so give it one.
        self.env = {**os.environ, "SHELL": os.environ.get("SHELL", "/bin/bash")}

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([*self.base, *args], capture_output=True, text=True, timeout=120,
                              env=self.env)
        if check and proc.returncode != 0:
            raise AssertionError(f"openstack {' '.join(args)} failed ({proc.returncode}):\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return proc

    def json(self, *args: str) -> Any:
        out = self.run(*args, "-f", "json").stdout
        # some commands print a line ("Request to create ... accepted") before the JSON
        starts = [i for i in (out.find("{"), out.find("[")) if i >= 0]
        return json.loads(out[min(starts):] if starts else out)

    def wait(self, args: tuple[str, ...], until: Callable[[Any], bool],
             timeout: float = 180) -> Any:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = self.json(*args)
            if until(last):
                return last
            time.sleep(1)
        raise AssertionError(f"timed out: {args}; last {last}")


@pytest.fixture(scope="session")
def embedded() -> Iterator[str]:
    state = tempfile.mkdtemp(prefix="mc-embedded-")
    port = processes.free_port()
    log = f"{state}/service.log"
    args = [processes.script("magnum-clone-all"), "--port", str(port), "--state-dir", state,
            "--heat-fast"]
    with processes.process(args, log) as proc:
        processes.wait_http(f"http://127.0.0.1:{port}/", timeout=120, proc=proc, log=log)
        yield f"http://127.0.0.1:{port}/v1"


@pytest.fixture(scope="session")
def cli(embedded: str) -> CLI:
    return CLI(embedded)
