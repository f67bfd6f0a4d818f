"""The URL the cluster nodes get for our API (their CSRs go there) comes from the real
Keystone's catalog in keystone mode, unless ``[api] public_endpoint`` says otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from keystoneclient.v3 import client as ks_client

from magnum_clone.common.clients import keystone as ks
from magnum_clone.conf import CONF
from tests.fixtures import keystone as _kf
from tests.fixtures.keystone import SERVICE_USER, Keystone

keystone, keystone_app = _kf.keystone, _kf.keystone_app

PUBLIC = "https://magnum.cloud.example:9511"


@pytest.fixture()
def keystone_mode(keystone_app: Any) -> Iterator[None]:
    CONF.set_override("auth_strategy", "keystone")
    ks.reset()
    yield
    CONF.clear_override("auth_strategy")
    CONF.clear_override("public_endpoint", group="api")
    ks.reset()


def test_nodes_get_the_catalog_endpoint(keystone: Keystone, keystone_mode: None,
                                        caplog: Any) -> None:
    local = f"http://{CONF.api.host}:{CONF.api.port}/v1"
    assert ks.magnum_url() == local                      # no container-infra entry yet
    assert "No container-infra endpoint in the Keystone catalog" in caplog.text
    admin = ks_client.Client(session=keystone.session(SERVICE_USER))
    service = admin.services.create(name="magnum", type="container-infra")
    try:
        admin.endpoints.create(service=service, url=PUBLIC + "/v1", interface="public")
        admin.endpoints.create(service=service, url="http://10.0.0.5:9511/v1",
                               interface="internal")
        ks.reset()
        assert ks.magnum_url() == PUBLIC + "/v1"
        CONF.set_override("public_endpoint", "https://nodes-see-this:443/", group="api")
        assert ks.magnum_url() == "https://nodes-see-this:443/v1"
    finally:
        admin.services.delete(service)


def test_noauth_mode_uses_the_listener(keystone_app: Any) -> None:
    ks.reset()
    assert ks.magnum_url() == f"http://{CONF.api.host}:{CONF.api.port}/v1"
