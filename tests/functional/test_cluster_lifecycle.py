"""Create, scale up and down, and delete a kubernetes cluster through the API, the conductor
and a real Heat (SIMULATED servers); and a create whose simulated master fails."""

from __future__ import annotations

from typing import Any

from tests.functional.conftest import Service

TEMPLATE = {"name": "k8s-fcos", "coe": "kubernetes", "image_id": "fedora-coreos-latest",
            "external_network_id": "public", "flavor_id": "m1.small",
            "master_flavor_id": "m1.small", "keypair_id": "default"}


def _status(want: str) -> Any:
    return lambda r: r.json["status"] == want or r.json["status"].endswith("FAILED")


def test_create_scale_delete(service: Service) -> None:
    tpl = service.post("/v1/clustertemplates", TEMPLATE, status=201).json
    uuid = service.post("/v1/clusters", {"name": "life", "cluster_template_id": tpl["uuid"],
                                         "node_count": 1}, status=202).json["uuid"]
    assert service.get(f"/v1/clusters/{uuid}").json["status"] == "CREATE_IN_PROGRESS"
    c = service.wait(f"/v1/clusters/{uuid}", _status("CREATE_COMPLETE")).json
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    assert c["api_address"].startswith("https://") and c["api_address"].endswith(":6443")
    assert len(c["master_addresses"]) == 1 and len(c["node_addresses"]) == 1
    assert c["cluster_id"] and "SIMULATED" in c["status_reason"]
    assert c["coe_version"] and c["container_version"] == "1.12.6"

    service.patch(f"/v1/clusters/{uuid}", [{"op": "replace", "path": "/node_count",
                                             "value": 3}], status=202)
    c = service.wait(f"/v1/clusters/{uuid}", _status("UPDATE_COMPLETE")).json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 3 and len(set(c["node_addresses"])) == 3

    service.post(f"/v1/clusters/{uuid}/actions/resize", {"node_count": 1}, status=202)
    c = service.wait(f"/v1/clusters/{uuid}", lambda r: r.json["status"] != "UPDATE_IN_PROGRESS")
    c = c.json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 1 and len(c["node_addresses"]) == 1

    service.delete(f"/v1/clusters/{uuid}", status=204)
    service.wait(f"/v1/clusters/{uuid}", lambda r: r.status_int == 404)
    service.delete(f"/v1/clustertemplates/{tpl['uuid']}", status=204)


def test_failing_master_fails_the_create_with_its_reason(service: Service) -> None:
    tpl = service.post("/v1/clustertemplates", TEMPLATE, status=201).json
    uuid = service.post("/v1/clusters", {"name": "broken", "cluster_template_id": tpl["uuid"],
                                         "labels": {"sim_fail": "kube_masters"}},
                        status=202).json["uuid"]
    c = service.wait(f"/v1/clusters/{uuid}", _status("CREATE_FAILED")).json
    assert c["status"] == "CREATE_FAILED"
    assert "SIMULATED" in c["status_reason"] and "master" in c["status_reason"].lower()
    assert c["faults"] and all("master" in v.lower() for v in c["faults"].values())
    service.delete(f"/v1/clusters/{uuid}", status=204)
    service.wait(f"/v1/clusters/{uuid}", lambda r: r.status_int == 404)


def test_discovery_url_generated_locally_when_absent(service: Service) -> None:
    tpl = service.post("/v1/clustertemplates", {**TEMPLATE, "name": "k8s-disc"},
                       status=201).json
    given = "https://discovery.example.org/abc"
    mine = service.post("/v1/clusters", {"name": "d1", "cluster_template_id": tpl["uuid"],
                                         "discovery_url": given}, status=202).json["uuid"]
    gen = service.post("/v1/clusters", {"name": "d2", "cluster_template_id": tpl["uuid"]},
                       status=202).json["uuid"]
    for uuid in (mine, gen):
        service.wait(f"/v1/clusters/{uuid}", _status("CREATE_COMPLETE"))
    assert service.get(f"/v1/clusters/{mine}").json["discovery_url"] == given
    url = service.get(f"/v1/clusters/{gen}").json["discovery_url"]
    assert url.startswith("https://discovery.simulated.invalid/") and url.endswith("?size=1")
    for uuid in (mine, gen):
        service.delete(f"/v1/clusters/{uuid}", status=204)
    for uuid in (mine, gen):
        service.wait(f"/v1/clusters/{uuid}", lambda r: r.status_int == 404)
