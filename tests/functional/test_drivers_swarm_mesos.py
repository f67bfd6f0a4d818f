"""Swarm, Mesos and the example driver end to end: the API, the conductor and a real Heat
(SIMULATED servers). Create, scale, delete; a failing master per COE; template validation."""

from __future__ import annotations

from typing import Any

import pytest

from magnum_clone_drivers.base import ClusterView
from tests.functional.conftest import Service

SWARM = {"name": "swarm-tpl", "coe": "swarm", "image_id": "fedora-atomic-latest",
         "external_network_id": "public", "flavor_id": "m1.small",
         "master_flavor_id": "m1.small", "keypair_id": "default", "volume_driver": "rexray"}
MESOS = {"name": "mesos-tpl", "coe": "mesos", "image_id": "ubuntu-mesos",
         "external_network_id": "public", "flavor_id": "m1.small",
         "master_flavor_id": "m1.small", "keypair_id": "default"}
EXAMPLE = {"name": "example-tpl", "coe": "swarm", "image_id": "ubuntu-docker",
           "external_network_id": "public", "flavor_id": "m1.small",
           "master_flavor_id": "m1.small", "driver": "example_docker_v1"}


def _settled(want: str) -> Any:
    return lambda r: r.json["status"] == want or r.json["status"].endswith("FAILED")


def _create(service: Service, tpl: dict[str, Any], **cluster: Any) -> tuple[str, str]:
    t = service.post("/v1/clustertemplates", tpl, status=201).json
    body = {"name": cluster.pop("name"), "cluster_template_id": t["uuid"], **cluster}
    return t["uuid"], service.post("/v1/clusters", body, status=202).json["uuid"]


def _delete(service: Service, tpl: str, uuid: str) -> None:
    service.delete(f"/v1/clusters/{uuid}", status=204)
    service.wait(f"/v1/clusters/{uuid}", lambda r: r.status_int == 404)
    service.delete(f"/v1/clustertemplates/{tpl}", status=204)


def test_swarm_lifecycle(service: Service) -> None:
    """Three managers behind a load balancer (primary + two secondaries), TLS Docker API."""
    tpl, uuid = _create(service, SWARM, name="swarm", master_count=3, node_count=1,
                        master_lb_enabled=True,
                        labels={"swarm_strategy": "binpack", "rexray_preempt": "true"})
    c = service.wait(f"/v1/clusters/{uuid}", _settled("CREATE_COMPLETE")).json
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    assert c["api_address"].startswith("tcp://") and c["api_address"].endswith(":2376")
    assert len(set(c["master_addresses"])) == 3 and len(c["node_addresses"]) == 1
    assert c["container_version"] == "1.12.6"

    service.patch(f"/v1/clusters/{uuid}", [{"op": "replace", "path": "/node_count",
                                             "value": 2}], status=202)
    c = service.wait(f"/v1/clusters/{uuid}", _settled("UPDATE_COMPLETE")).json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 2 and len(set(c["node_addresses"])) == 2

    service.post(f"/v1/clusters/{uuid}/actions/resize", {"node_count": 1}, status=202)
    c = service.wait(f"/v1/clusters/{uuid}", lambda r: r.json["status"] != "UPDATE_IN_PROGRESS")
    c = c.json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 1 and len(c["node_addresses"]) == 1
    assert len(set(c["master_addresses"])) == 3
    _delete(service, tpl, uuid)


def test_mesos_lifecycle(service: Service) -> None:
    """Marathon address; scale up by PATCH, down by resize (Heat drops the newest agent)."""
    tpl, uuid = _create(service, MESOS, name="mesos", node_count=1,
                        labels={"mesos_slave_isolation": "docker/runtime,filesystem/linux",
                                "mesos_slave_image_providers": "docker",
                                "mesos_slave_executor_env_variables": '{"PATH": "/bin"}'})
    c = service.wait(f"/v1/clusters/{uuid}", _settled("CREATE_COMPLETE")).json
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    assert c["api_address"].startswith("http://") and c["api_address"].endswith(":8080")
    assert c["api_address"] == f"http://{c['master_addresses'][0]}:8080"
    assert len(c["master_addresses"]) == 1 and len(c["node_addresses"]) == 1
    assert c["container_version"] == "1.9.1"
    first = c["node_addresses"]

    service.patch(f"/v1/clusters/{uuid}", [{"op": "replace", "path": "/node_count",
                                             "value": 2}], status=202)
    c = service.wait(f"/v1/clusters/{uuid}", _settled("UPDATE_COMPLETE")).json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 2 and len(set(c["node_addresses"])) == 2

    service.post(f"/v1/clusters/{uuid}/actions/resize", {"node_count": 1}, status=202)
    c = service.wait(f"/v1/clusters/{uuid}", lambda r: r.json["status"] != "UPDATE_IN_PROGRESS")
    c = c.json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 1 and c["node_addresses"] == first
    _delete(service, tpl, uuid)


@pytest.mark.parametrize("tpl, extra, target, resource", [
    (SWARM, {}, "master", "swarm_primary_master"),
    (MESOS, {}, "master", "mesos_masters"),
    # the example's one server is its master: resource docker_host
    (EXAMPLE, {"node_count": 0}, "docker_host", "docker_host"),
], ids=["swarm", "mesos", "example"])
def test_failing_master_fails_the_create(service: Service, tpl: dict[str, Any],
                                         extra: dict[str, Any], target: str,
                                         resource: str) -> None:
    """Every driver: a SIMULATED master that fails to boot ends the create CREATE_FAILED with
    a reason naming the master resource."""
    tpl_uuid, uuid = _create(service, tpl, name="broken", labels={"sim_fail": target}, **extra)
    c = service.wait(f"/v1/clusters/{uuid}", _settled("CREATE_FAILED")).json
    assert c["status"] == "CREATE_FAILED"
    reason = c["status_reason"]
    assert "SIMULATED" in reason and reason.startswith(f"{resource}: "), reason
    _delete(service, tpl_uuid, uuid)


def test_example_one_docker_host(service: Service) -> None:
    tpl, uuid = _create(service, EXAMPLE, name="example", node_count=0)
    assert service.get(f"/v1/clustertemplates/{tpl}").json["driver"] == "example_docker_v1"
    c = service.wait(f"/v1/clusters/{uuid}", _settled("CREATE_COMPLETE")).json
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    assert c["api_address"] == f"tcp://{c['master_addresses'][0]}:2375"
    assert len(c["master_addresses"]) == 1 and c["node_addresses"] == []

    service.patch(f"/v1/clusters/{uuid}", [{"op": "replace", "path": "/node_count",
                                             "value": 2}], status=202)
    c = service.wait(f"/v1/clusters/{uuid}", _settled("UPDATE_FAILED")).json
    assert c["status"] == "UPDATE_FAILED" and "not supported" in c["status_reason"]
    _delete(service, tpl, uuid)


def test_example_refuses_more_than_one_master(service: Service) -> None:
    t = service.post("/v1/clustertemplates", EXAMPLE, status=201).json
    r = service.post("/v1/clusters", {"name": "two", "cluster_template_id": t["uuid"],
                                      "master_count": 3, "master_lb_enabled": True},
                     status=400)
    assert "exactly one server" in r.text
    service.delete(f"/v1/clustertemplates/{t['uuid']}", status=204)


@pytest.mark.parametrize("name", ["swarm_fedora_atomic_v2", "mesos_ubuntu_v1",
                                  "example_docker_v1"])
def test_templates_validate_on_heat(service: Service, name: str) -> None:
    """Each template, its nested files and the SIMULATED environment pass Heat's validate,
    with no parameters at all (every parameter has a default)."""
    from magnum_clone.common import driver_factory
    from magnum_clone.common.clients import heat
    from magnum_clone_drivers.heat import template_def as td

    drv = driver_factory.by_name(name)
    view = ClusterView(cluster={"uuid": "u", "name": "v", "project_id": "p", "labels": {}},
                       template={}, nodegroups=[])
    spec = drv.definition()
    files, tpl = td._load(spec.template_path)
    env, env_files = td.simulated_cloud(td.RenderInput(view))
    result = heat.client("validate").stacks.validate(template=tpl, files={**files, **env_files},
                                                     environment=env)
    assert {p.name for p in spec.params} <= set(result["Parameters"])


@pytest.mark.parametrize("coe", ["swarm-mode", "swarm"])
def test_swarm_mode_coe_is_accepted(service: Service, coe: str) -> None:
    """Upstream's swarm mode driver answers coe=swarm-mode; swarm keeps working. Both get the
    swarm network/volume driver matrix."""
    t = service.post("/v1/clustertemplates", {**SWARM, "name": f"tpl-{coe}", "coe": coe},
                     status=201).json
    assert (t["coe"], t["driver"], t["network_driver"]) == (coe, "swarm_fedora_atomic_v2",
                                                            "docker")
    r = service.post("/v1/clustertemplates", {**SWARM, "name": "bad", "coe": coe,
                                              "network_driver": "calico"}, status=400)
    assert "expecting a docker/flannel/unspecified network driver" in r.text
    r = service.post("/v1/clustertemplates", {**SWARM, "name": "bad", "coe": coe,
                                              "volume_driver": "cinder"}, status=400)
    assert "expecting a rexray/unspecified volume driver" in r.text
    service.delete(f"/v1/clustertemplates/{t['uuid']}", status=204)
