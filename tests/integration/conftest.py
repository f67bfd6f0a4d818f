from __future__ import annotations

import tempfile
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def local_heat_endpoint() -> Iterator[str]:
    from magnum_clone.localheat.process import LocalHeat

    heat = LocalHeat(tempfile.mkdtemp(prefix="mc-heat-int-"), fast=True)
    try:
        yield heat.start()
    finally:
        heat.stop()
