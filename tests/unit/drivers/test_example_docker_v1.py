"""example_docker_v1: one server, no tuple, no scaling."""

from __future__ import annotations

import pytest

from magnum_clone.common import exceptions as exc
from magnum_clone_drivers.example_docker_v1 import driver
from tests.unit.drivers import _render as r

DRV = driver.Driver()


def test_claims_no_tuple() -> None:
    assert list(DRV.provides) == []


def test_params_exist_and_render() -> None:
    names = set(r.template_parameters(driver.TEMPLATE))
    assert {p.name for p in driver.PARAMS} <= names
    out = r.render(DRV.definition(), r.view({"fixed_subnet_cidr": "192.168.7.0/24"}))
    assert out == {"ssh_key_name": "default", "server_image": "img",
                   "server_flavor": "m1.medium", "external_network": "public",
                   "fixed_subnet_cidr": "192.168.7.0/24", "dns_nameserver": "8.8.8.8",
                   "floating_ip_enabled": True, "docker_port": 2375}


def test_api_address() -> None:
    assert DRV.outputs.format_api("172.24.4.10", r.view()) == "tcp://172.24.4.10:2375"


def test_scaling_is_refused() -> None:
    with pytest.raises(exc.Invalid) as e:
        DRV.scale_cluster(None, r.view(), nodegroup={}, node_count=2, nodes_to_remove=[],
                          rollback=False)
    assert e.value.code == 400 and "not supported" in str(e.value)


@pytest.mark.parametrize("count", [0, 2, 3])
def test_exactly_one_master(count: int) -> None:
    with pytest.raises(exc.Invalid):
        DRV.validate_master_size(count)
    DRV.validate_master_size(1)


def test_bad_subnet_label() -> None:
    with pytest.raises(exc.InvalidParameterValue):
        DRV.validate_labels({"fixed_subnet_cidr": "nope"})
