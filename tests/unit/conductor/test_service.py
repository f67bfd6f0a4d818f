"""Conductor start-up refuses a misconfigured cert manager before it serves anything."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from magnum_clone.common.certificates import exceptions
from magnum_clone.conductor import certs, service
from magnum_clone.conf import CONF


@pytest.fixture()
def barbican_without_service_user() -> Iterator[None]:
    # a section no other test fills (the Keystone fixtures configure [keystone_authtoken])
    CONF.set_override("cert_manager_type", "barbican", group="certificates")
    CONF.set_override("barbican_auth_section", "mc_unit_no_service_user", group="certificates")
    certs.reset()
    yield
    CONF.clear_override("cert_manager_type", group="certificates")
    CONF.clear_override("barbican_auth_section", group="certificates")
    certs.reset()


def test_start_stops_on_barbican_without_a_service_user(db: Any,
                                                         barbican_without_service_user: None
                                                         ) -> None:
    conductor = service.ConductorService(host="unit-conductor")
    with pytest.raises(exceptions.CertManagerConfigError,
                       match="no service user to authenticate to Barbican with"):
        conductor.start()
    assert [s.host for s in db.list_services()] == []   # never announced itself

