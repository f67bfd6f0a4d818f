"""The two cloud-lookup backends answer the reference's errors (§13.5).

``openstack`` has no Glance/Nova/Neutron here: it is driven with ``StandInConnection``, a
stand-in for an openstacksdk connection that returns plain records (a narrow unit test).
"""

from __future__ import annotations

from types import SimpleNamespace as NS
from typing import Any

import pytest
from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as os_exc

from magnum_clone.common import exceptions as exc
from magnum_clone.common.clients import cloud


class StandInConnection:
    """Stand-in for ``openstack.connection.Connection``: the calls the backend makes."""

    def __init__(self, *, fail: BaseException | None = None) -> None:
        self.fail = fail
        self.flavor_list = [NS(id="f1", name="m1.small", ram=2048, disk=20),
                            NS(id="f2", name="m1.small", ram=4096, disk=40),
                            NS(id="f3", name="f1", ram=1, disk=1)]
        self.net_list = [NS(id="n1", name="public", is_router_external=True),
                         NS(id="n2", name="public", is_router_external=False),
                         NS(id="n3", name="private", is_router_external=False),
                         NS(id="n4", name="private", is_router_external=False)]
        self.image = NS(find_image=self._find_image)
        self.compute = NS(flavors=self._flavors, find_keypair=self._keypair)
        self.network = NS(networks=self._networks, subnets=lambda: [
            NS(id="s1", name="sub", cidr="10.0.0.0/24")])

    def _raise(self) -> None:
        if self.fail is not None:
            raise self.fail

    def _find_image(self, ident: str, ignore_missing: bool) -> Any:
        self._raise()
        if ident == "dup":
            raise os_exc.DuplicateResource("two")
        if ident == "fcos":
            return NS(id="i1", name="fcos", os_distro="fedora-coreos", properties={})
        return None

    def _flavors(self) -> list[Any]:
        self._raise()
        return self.flavor_list

    def _keypair(self, name: str, ignore_missing: bool) -> Any:
        self._raise()
        return NS(public_key="ssh-ed25519 AAA") if name == "default" else None

    def _networks(self, **query: Any) -> list[Any]:
        self._raise()
        return [n for n in self.net_list
                if query.get("is_router_external") in (None, n.is_router_external)]


def backend(**kw: Any) -> cloud.OpenStackCloud:
    return cloud.OpenStackCloud(None, conn=StandInConnection(**kw))


def test_image_found_missing_and_duplicate() -> None:
    b = backend()
    assert b.get_image("fcos").os_distro == "fedora-coreos"
    with pytest.raises(exc.ImageNotFound, match="Image nope could not be found."):
        b.get_image("nope")
    with pytest.raises(exc.Duplicate) as e:
        b.get_image("dup")
    assert e.value.code == 409


def test_flavor_id_wins_then_first_name_and_missing_is_400() -> None:
    b = backend()
    assert b.get_flavor("f1").id == "f1"          # the id, not the flavor named "f1"
    assert b.get_flavor("m1.small").id == "f1"    # duplicate names: the first, as upstream
    with pytest.raises(exc.FlavorNotFound) as e:
        b.get_flavor("m1.huge")
    assert (e.value.code, str(e.value)) == (400, "Unable to find flavor m1.huge.")


def test_external_network_considers_only_external_ones() -> None:
    b = backend()
    assert b.get_external_network("public").id == "n1"
    with pytest.raises(exc.ExternalNetworkNotFound):
        b.get_external_network("private")
    with pytest.raises(exc.Duplicate) as e:
        b.get_fixed_network("private")
    assert e.value.code == 409
    assert b.get_fixed_network("n3").name == "private"
    assert b.get_fixed_subnet("sub").cidr == "10.0.0.0/24"
    with pytest.raises(exc.FixedSubnetNotFound):
        b.get_fixed_subnet("nosub")


def test_keypair_missing_is_404() -> None:
    with pytest.raises(exc.KeyPairNotFound) as e:
        backend().get_keypair("other")
    assert e.value.code == 404


@pytest.mark.parametrize("failure", [ks_exc.Unauthorized(), ks_exc.EndpointNotFound(),
                                     os_exc.ForbiddenException("no")])
def test_auth_and_catalog_failures_are_403(failure: BaseException) -> None:
    b = backend(fail=failure)
    with pytest.raises(exc.NotAuthorized) as e:
        b.get_flavor("m1.small")
    assert e.value.code == 403
    with pytest.raises(exc.ImageNotAuthorized, match="Not authorized for image fcos."):
        b.get_image("fcos")
