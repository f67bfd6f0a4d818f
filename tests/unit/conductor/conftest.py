"""Fixtures shared by the conductor tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from magnum_clone.common.clients import heat
from magnum_clone.conf import CONF


@pytest.fixture()
def heat_refusing() -> Iterator[str]:
    """The real Heat client pointed at a port nobody listens on (connections are refused);
    yields that endpoint."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}/v1"
    CONF.set_override("endpoint", endpoint, group="heat")
    heat.reset()
    try:
        yield endpoint
    finally:
        CONF.clear_override("endpoint", group="heat")
        heat.reset()
