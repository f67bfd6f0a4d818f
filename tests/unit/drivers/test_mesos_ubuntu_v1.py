"""mesos_ubuntu_v1: parameter table, labels (incl. the cross-label rule), Marathon address."""

from __future__ import annotations

import pytest

from magnum_clone.common import exceptions as exc
from magnum_clone_drivers.mesos_ubuntu_v1 import driver, template_def
from tests.unit.drivers import _render as r

DRV = driver.Driver()


def test_provides_the_mesos_tuple() -> None:
    assert [p.as_dict() for p in DRV.provides] == [
        {"server_type": "vm", "os": "ubuntu", "coe": "mesos"}]
    assert DRV.container_version == "1.9.1"


def test_every_param_is_a_template_parameter() -> None:
    names = set(r.template_parameters(template_def.TEMPLATE))
    assert {p.name for p in template_def.PARAMS} <= names
    assert {"slaves_to_remove", "number_of_slaves"} <= names


def test_every_template_parameter_has_a_default() -> None:
    params = r.template_parameters(template_def.TEMPLATE)
    assert [n for n, p in params.items() if "default" not in p] == []


def test_default_render() -> None:
    out = r.render(DRV.definition(), r.view(nodes=4), {"verify_ca": False})
    assert out["number_of_masters"] == 1 and out["number_of_slaves"] == 4
    assert out["slave_flavor"] == "m1.small" and out["master_flavor"] == "m1.medium"
    assert out["cluster_name"] == "my_cluster.x" and out["tenant_name"] == "proj"
    assert out["marathon_port"] == 8080 and out["verify_ca"] is False
    assert not any(k.startswith("mesos_slave_") for k in out)


def test_rich_labels_render() -> None:
    labels = {"mesos_slave_isolation": "docker/runtime, filesystem/linux",
              "mesos_slave_image_providers": "docker,appc",
              "mesos_slave_work_dir": "/tmp/mesos",
              "mesos_slave_executor_env_variables": '{"PATH": "/bin:/usr/bin"}',
              "rexray_preempt": "TRUE"}
    DRV.validate_labels(labels)
    out = r.render(DRV.definition(), r.view(labels))
    assert out["mesos_slave_isolation"] == "docker/runtime,filesystem/linux"
    assert out["mesos_slave_image_providers"] == "docker,appc"
    assert out["mesos_slave_work_dir"] == "/tmp/mesos"
    assert out["mesos_slave_executor_env_variables"] == '{"PATH": "/bin:/usr/bin"}'
    assert out["rexray_preempt"] == "true"


@pytest.mark.parametrize(("labels", "names"), [
    ({"mesos_slave_isolation": "cgroups/cpu,gpu/nvidia"}, "mesos_slave_isolation"),
    ({"mesos_slave_image_providers": "oci"}, "mesos_slave_image_providers"),
    ({"mesos_slave_image_providers": "docker", "mesos_slave_isolation": "cgroups/cpu"},
     "docker/runtime"),
    ({"mesos_slave_image_providers": "docker"}, "docker/runtime"),
    ({"mesos_slave_work_dir": "tmp/mesos"}, "mesos_slave_work_dir"),
    ({"mesos_slave_executor_env_variables": "/home/ubuntu/test.json"},
     "a JSON object"),
    ({"mesos_slave_executor_env_variables": "[1, 2]"}, "a JSON object"),
    ({"rexray_preempt": "yes please"}, "rexray_preempt"),
])
def test_bad_labels_are_400(labels: dict[str, str], names: str) -> None:
    with pytest.raises(exc.InvalidParameterValue) as e:
        DRV.validate_labels(labels)
    assert e.value.code == 400 and names in str(e.value)


def test_appc_alone_needs_no_docker_runtime() -> None:
    DRV.validate_labels({"mesos_slave_image_providers": "appc",
                         "mesos_slave_isolation": "filesystem/linux"})


def test_api_address_and_outputs() -> None:
    assert DRV.outputs.format_api("10.0.0.10", r.view()) == "http://10.0.0.10:8080"
    o = DRV.outputs
    assert (o.masters, o.masters_private) == ("mesos_master", "mesos_master_private")
    assert (o.minions, o.minions_private) == ("mesos_slaves", "mesos_slaves_private")
    assert (o.node_count_param, o.nodes_to_remove_param) == ("number_of_slaves",
                                                             "slaves_to_remove")
