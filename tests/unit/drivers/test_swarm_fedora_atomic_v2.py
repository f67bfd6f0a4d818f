"""swarm_fedora_atomic_v2: parameter table, labels, API address, scaling parameters."""

from __future__ import annotations

from typing import Any

import pytest

from magnum_clone.common import exceptions as exc
from magnum_clone_drivers.swarm_fedora_atomic_v2 import driver, template_def
from tests.unit.drivers import _render as r

DRV = driver.Driver()


def yaml_template() -> dict[str, Any]:
    import yaml

    with open(template_def.TEMPLATE) as f:
        return dict(yaml.safe_load(f))


def test_provides_the_swarm_and_swarm_mode_tuples() -> None:
    assert [p.as_dict() for p in DRV.provides] == [
        {"server_type": "vm", "os": "fedora-atomic", "coe": "swarm"},
        {"server_type": "vm", "os": "fedora-atomic", "coe": "swarm-mode"}]
    assert DRV.version == "2.0.0" and DRV.container_version == "1.12.6"


def test_every_param_is_a_template_parameter() -> None:
    names = set(r.template_parameters(template_def.TEMPLATE))
    assert {p.name for p in template_def.PARAMS} <= names


def test_every_template_parameter_has_a_default() -> None:
    params = r.template_parameters(template_def.TEMPLATE)
    assert [n for n, p in params.items() if "default" not in p] == []


def test_default_render() -> None:
    out = r.render(DRV.definition(), r.view(masters=3, nodes=2),
                   {"magnum_url": "http://api/v1", "verify_ca": True})
    assert out["number_of_masters"] == 3 and out["number_of_secondary_masters"] == 2
    assert out["number_of_nodes"] == 2
    assert out["swarm_port"] == 2376 and out["tls_disabled"] is False
    assert out["master_flavor"] == "m1.medium" and out["node_flavor"] == "m1.small"
    assert out["docker_volume_size"] == 5 and out["external_network"] == "public"
    assert out["fixed_network_name"] == "my_cluster.x"
    assert out["magnum_url"] == "http://api/v1" and out["cluster_uuid"] == "c-uuid"
    # labels not given are not sent: Heat applies the template defaults
    assert not {"swarm_strategy", "rexray_preempt", "docker_volume_type"} & set(out)


def test_rich_labels_render() -> None:
    labels = {"swarm_strategy": "binpack", "rexray_preempt": "True",
              "docker_volume_type": "ssd", "availability_zone": "az1",
              "flannel_network_cidr": "10.200.0.0/16", "flannel_network_subnetlen": "26",
              "flannel_backend": "vxlan"}
    DRV.validate_labels(labels)
    out = r.render(DRV.definition(), r.view(labels, template={"tls_disabled": True,
                                                              "network_driver": "flannel"}))
    assert out["swarm_strategy"] == "binpack" and out["rexray_preempt"] == "true"
    assert out["docker_volume_type"] == "ssd" and out["availability_zone"] == "az1"
    assert out["flannel_network_subnetlen"] == 26 and out["flannel_backend"] == "vxlan"
    assert out["network_driver"] == "flannel" and out["swarm_port"] == 2375


@pytest.mark.parametrize(("label", "value", "expected"), [
    ("swarm_strategy", "roundrobin", "one of spread, binpack, random"),
    ("rexray_preempt", "maybe", "true or false"),
    ("docker_volume_type", " ", "a Cinder volume type name"),
    ("flannel_backend", "gre", "one of udp, vxlan, host-gw"),
])
def test_bad_labels_are_400_naming_the_label(label: str, value: str, expected: str) -> None:
    with pytest.raises(exc.InvalidParameterValue) as e:
        DRV.validate_labels({label: value})
    assert e.value.code == 400
    assert label in str(e.value) and expected in str(e.value)


@pytest.mark.parametrize(("tls_disabled", "want"), [(False, "tcp://1.2.3.4:2376"),
                                                    (True, "tcp://1.2.3.4:2375")])
def test_api_address(tls_disabled: bool, want: str) -> None:
    v = r.view(template={"tls_disabled": tls_disabled})
    assert DRV.outputs.format_api("1.2.3.4", v) == want


def test_outputs_and_scale_parameters() -> None:
    o = DRV.outputs
    assert (o.masters, o.minions, o.node_count_param) == ("swarm_masters", "swarm_nodes",
                                                          "number_of_nodes")
    assert (o.nodes_to_remove_param, o.worker_group) == ("nodes_to_remove", "swarm_nodes")
    assert o.coe_version_param is None   # no Docker version in the template: stays null
    group = yaml_template()["resources"]["swarm_nodes"]["properties"]
    assert group["removal_policies"] == [{"resource_list": {"get_param": "nodes_to_remove"}}]


def test_scale_passes_nodes_to_remove(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    class Stacks:
        def update(self, stack_id: str, **kw: Any) -> None:
            calls.append({"id": stack_id, **kw})

    class Client:
        stacks = Stacks()

    from magnum_clone.common.clients import heat

    monkeypatch.setattr(heat, "client", lambda project: Client())
    v = r.view(stack_id="s1")
    DRV.scale_cluster(None, v, nodegroup={}, node_count=1, nodes_to_remove=["x"],
                      rollback=False)
    assert calls == [{"id": "s1", "existing": True,
                      "parameters": {"number_of_nodes": 1, "nodes_to_remove": ["x"]},
                      "disable_rollback": True}]
