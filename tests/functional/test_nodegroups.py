"""Extra nodegroups end to end on the real local Heat (SIMULATED servers): through the API,
the conductor and the reconcile loop, a nodegroup gets a stack of its own (the cluster
template with is_cluster_stack=false, joined to the cluster stack's API address, security
group and network), is resized through /actions/resize, and deleted (row and stack gone)
while a second one is added; the cluster is UPDATE_IN_PROGRESS meanwhile and
UPDATE_COMPLETE after each step; the cluster's delete takes its nodegroup's stack too."""

from __future__ import annotations

from typing import Any

from heatclient import exc as heat_exc

from magnum_clone.common.clients import heat
from tests.functional.conftest import Service

TEMPLATE = {"name": "k8s-ng", "coe": "kubernetes", "image_id": "fedora-coreos-latest",
            "external_network_id": "public", "flavor_id": "m1.small",
            "master_flavor_id": "m1.small", "keypair_id": "default"}


def _settled(r: Any) -> bool:
    return r.status_int == 200 and not r.json["status"].endswith("_IN_PROGRESS")


def _stack_params(hc: Any, stack_id: str) -> dict[str, Any]:
    return dict(hc.stacks.get(stack_id).parameters)


def test_nodegroup_create_resize_delete(service: Service) -> None:
    tpl = service.post("/v1/clustertemplates", TEMPLATE, status=201).json
    uuid = service.post("/v1/clusters", {"name": "ngs", "cluster_template_id": tpl["uuid"],
                                         "node_count": 1}, status=202).json["uuid"]
    c = service.wait(f"/v1/clusters/{uuid}", _settled).json
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    hc = heat.client(c["project_id"])
    stack_id = c["cluster_id"]   # the cluster's stack id (so named at the latest version)
    cluster_stack = hc.stacks.get(stack_id)
    api_ip = next(o["output_value"] for o in cluster_stack.outputs
                  if o["output_key"] == "api_address")

    # add a nodegroup of 2: its own stack, the cluster busy until it is there
    ng = service.post(f"/v1/clusters/{uuid}/nodegroups", {"name": "extra", "node_count": 2},
                      status=202).json
    ng_url = f"/v1/clusters/{uuid}/nodegroups/{ng['uuid']}"
    assert service.get(f"/v1/clusters/{uuid}").json["status"] == "UPDATE_IN_PROGRESS"
    got = service.wait(ng_url, _settled).json
    assert got["status"] == "CREATE_COMPLETE", got["status_reason"]
    assert len(set(got["node_addresses"])) == 2 and got["node_count"] == 2
    assert got["stack_id"] and got["stack_id"] != stack_id and not got["is_default"]
    c = service.wait(f"/v1/clusters/{uuid}", _settled).json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 3 and set(got["node_addresses"]) <= set(c["node_addresses"])
    # a worker-only stack joined to the cluster stack
    params = _stack_params(hc, got["stack_id"])
    assert params["is_cluster_stack"] == "False" and params["worker_role"] == "worker"
    assert params["existing_master_private_ip"] == api_ip
    assert params["existing_security_group"] == hc.resources.get(
        stack_id, "secgroup_kube_minion").physical_resource_id
    assert params["fixed_network"] and params["fixed_subnet"]
    names = {r.resource_name for r in hc.resources.list(got["stack_id"])}
    assert "kube_minions" in names and not names & {"kube_masters", "network", "api_lb"}
    ng_stack = hc.stacks.get(got["stack_id"])
    assert ng_stack.stack_name.startswith("ngs-extra-")

    # resize it to 1 (its own stack, not the cluster's)
    service.post(f"/v1/clusters/{uuid}/actions/resize", {"node_count": 1, "nodegroup": "extra"},
                 status=202)
    assert service.get(ng_url).json["status"] == "UPDATE_IN_PROGRESS"
    got = service.wait(ng_url, _settled).json
    assert got["status"] == "UPDATE_COMPLETE", got["status_reason"]
    assert got["node_count"] == 1 and len(got["node_addresses"]) == 1
    assert _stack_params(hc, got["stack_id"])["number_of_minions"] == "1"
    c = service.wait(f"/v1/clusters/{uuid}", _settled).json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 2

    # delete it (the row goes when Heat says the stack is gone) while another nodegroup is
    # added: two nodegroup operations at once, the cluster busy until both finished
    service.delete(ng_url, status=204)
    assert service.get(ng_url).json["status"] == "DELETE_IN_PROGRESS"
    second = service.post(f"/v1/clusters/{uuid}/nodegroups", {"name": "second"},
                          status=202).json
    service.wait(ng_url, lambda r: r.status_int == 404)
    assert _gone(hc, got["stack_id"])
    second = service.wait(f"/v1/clusters/{uuid}/nodegroups/{second['uuid']}", _settled).json
    assert second["status"] == "CREATE_COMPLETE", second["status_reason"]
    c = service.wait(f"/v1/clusters/{uuid}", _settled).json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 2 and [n["name"] for n in service.get(
        f"/v1/clusters/{uuid}/nodegroups").json["nodegroups"]] == ["default-master",
                                                                   "default-worker", "second"]

    # the cluster delete deletes the nodegroup's stack first, then the cluster's
    service.delete(f"/v1/clusters/{uuid}", status=204)
    service.wait(f"/v1/clusters/{uuid}", lambda r: r.status_int == 404)
    assert _gone(hc, second["stack_id"]) and _gone(hc, stack_id)
    service.delete(f"/v1/clustertemplates/{tpl['uuid']}", status=204)


def _gone(hc: Any, stack_id: str) -> bool:
    try:
        return bool(hc.stacks.get(stack_id).stack_status == "DELETE_COMPLETE")
    except heat_exc.HTTPNotFound:
        return True
