"""Status truth of scaling on the real local Heat (reference §12.2, architecture §4).

Through the API, the conductor and a real Heat (SIMULATED servers):
* an update Heat reports UPDATE_FAILED (a new simulated minion fails to boot) ends
  UPDATE_FAILED with the node count from before it;
* a scale whose stack has vanished from Heat ends UPDATE_FAILED with the count restored;
* a resize accepted while an earlier stack update still runs (autoscalers retry) never shows
  UPDATE_FAILED and ends UPDATE_COMPLETE with the count it asked for, in Heat too.
"""

from __future__ import annotations

import time
from typing import Any

from magnum_clone.common.clients import heat
from tests.functional.conftest import Service

TEMPLATE = {"name": "k8s-truth", "coe": "kubernetes", "image_id": "fedora-coreos-latest",
            "external_network_id": "public", "flavor_id": "m1.small",
            "master_flavor_id": "m1.small", "keypair_id": "default"}


def _settled(r: Any) -> bool:
    return not r.json["status"].endswith("_IN_PROGRESS")


def _create(service: Service, name: str, labels: dict[str, str]) -> tuple[str, dict[str, Any]]:
    tpl = service.post("/v1/clustertemplates", {**TEMPLATE, "name": f"tpl-{name}"},
                       status=201).json
    uuid = service.post("/v1/clusters", {"name": name, "cluster_template_id": tpl["uuid"],
                                         "node_count": 1, "labels": labels},
                        status=202).json["uuid"]
    c = service.wait(f"/v1/clusters/{uuid}", _settled).json
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    return tpl["uuid"], c


def _delete(service: Service, uuid: str, tpl_uuid: str) -> None:
    service.delete(f"/v1/clusters/{uuid}", status=204)
    service.wait(f"/v1/clusters/{uuid}", lambda r: r.status_int == 404)
    service.delete(f"/v1/clustertemplates/{tpl_uuid}", status=204)


def _resize(service: Service, uuid: str, count: int) -> None:
    service.post(f"/v1/clusters/{uuid}/actions/resize", {"node_count": count}, status=202)


def _worker_count(service: Service, uuid: str) -> int:
    ngs = service.get(f"/v1/clusters/{uuid}/nodegroups").json["nodegroups"]
    return int(next(ng for ng in ngs if ng["role"] == "worker")["node_count"])


def test_an_update_heat_fails_restores_the_node_count(service: Service) -> None:
    # the second minion (index 1) fails to boot: the create (1 minion) succeeds, 1 -> 2 fails
    tpl_uuid, c = _create(service, "fail-scale", {"sim_fail": "kube_minions/1"})
    uuid = c["uuid"]
    service.patch(f"/v1/clusters/{uuid}", [{"op": "replace", "path": "/node_count",
                                             "value": 2}], status=202)
    assert service.get(f"/v1/clusters/{uuid}").json["node_count"] == 2  # accepted
    c = service.wait(f"/v1/clusters/{uuid}", _settled).json
    assert c["status"] == "UPDATE_FAILED", c["status_reason"]
    assert "SIMULATED_failure_injected_by_label_sim_fail" in c["status_reason"]
    assert c["node_count"] == 1 and _worker_count(service, uuid) == 1
    # the count is the real one again, so a resize (allowed from UPDATE_FAILED) to the same
    # count is a real request; it fails again (minion 1 never boots) and the count goes back
    _resize(service, uuid, 2)
    c = service.wait(f"/v1/clusters/{uuid}", _settled).json
    assert c["status"] == "UPDATE_FAILED" and c["node_count"] == 1, c["status_reason"]
    _delete(service, uuid, tpl_uuid)


def test_a_scale_of_a_vanished_stack_restores_the_node_count(service: Service) -> None:
    tpl_uuid, c = _create(service, "vanished", {})
    uuid, stack_id = c["uuid"], c["cluster_id"]
    hc = heat.client(c["project_id"])
    hc.stacks.delete(stack_id)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(s.id == stack_id
                                              for s in hc.stacks.list()):
        time.sleep(0.5)
    _resize(service, uuid, 3)
    c = service.wait(f"/v1/clusters/{uuid}", _settled).json
    assert c["status"] == "UPDATE_FAILED"
    assert stack_id in c["status_reason"] and "not found" in c["status_reason"]
    assert c["node_count"] == 1 and _worker_count(service, uuid) == 1
    _delete(service, uuid, tpl_uuid)


def test_a_resize_during_an_update_is_not_lost(service: Service) -> None:
    # every new simulated server takes 4 s to boot: the 1 -> 2 update runs for that long
    tpl_uuid, c = _create(service, "busy", {"sim_boot_seconds": "4"})
    uuid = c["uuid"]
    service.patch(f"/v1/clusters/{uuid}", [{"op": "replace", "path": "/node_count",
                                             "value": 2}], status=202)
    hc = heat.client(c["project_id"])
    deadline = time.monotonic() + 30
    while hc.stacks.get(c["cluster_id"]).stack_status != "UPDATE_IN_PROGRESS":
        assert time.monotonic() < deadline, "the first update never reached Heat"
        time.sleep(0.1)
    _resize(service, uuid, 3)  # while Heat still updates the stack for the first request
    seen: list[tuple[str, str | None]] = []
    deadline = time.monotonic() + 120
    while True:
        c = service.get(f"/v1/clusters/{uuid}").json
        seen.append((c["status"], c["status_reason"]))
        if _settled(service.get(f"/v1/clusters/{uuid}")) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    c = service.get(f"/v1/clusters/{uuid}").json
    assert c["status"] == "UPDATE_COMPLETE", (c["status_reason"], seen)
    assert all(status != "UPDATE_FAILED" for status, _ in seen), seen
    # it waited for the first update instead of sending a second one into it
    assert any(status == "UPDATE_IN_PROGRESS" and (reason or "").startswith(
        "Waiting for the stack update in progress to finish before resizing default-worker "
        "to 3") for status, reason in seen), seen
    assert c["node_count"] == 3 and len(set(c["node_addresses"])) == 3, c
    stack = hc.stacks.get(c["cluster_id"])
    assert stack.stack_status == "UPDATE_COMPLETE"
    assert int(stack.parameters["number_of_minions"]) == 3
    _delete(service, uuid, tpl_uuid)
