"""The k8s_fedora_coreos_v1 cluster template on a real Heat with the simulated cloud.

Proves that the HOT is accepted by Heat and behaves the way the driver relies
on: validation without parameters, create with address outputs, PATCH scale up
and down (removing named members), lookup by tag, delete, and a simulated boot
failure that Heat reports with the failing resource's path.

The healthy and the failing cluster are created together up front (Heat works
on both at once), the remaining steps run on the healthy one in order.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

import pytest
from heatclient import exc as heat_exc

from .conftest import outputs, stack_args, wait_gone, wait_stack

pytestmark = pytest.mark.heat

CLUSTER_PARAMS = {"is_cluster_stack": True, "number_of_masters": 1, "number_of_minions": 1}


def _ipv4(value: Any) -> str:
    assert isinstance(value, str), value
    ipaddress.IPv4Address(value)
    return value


@pytest.fixture(scope="module")
def stacks(hc: Any, kubecluster: Any) -> dict[str, Any]:
    """Start a healthy cluster and one whose masters fail to boot; wait for both."""
    suffix = uuid.uuid4().hex[:8]
    tag = f"magnum_clone_cluster={uuid.uuid4()}"
    ok = hc.stacks.create(stack_name=f"k8s-ok-{suffix}", parameters=CLUSTER_PARAMS,
                          tags=tag, timeout_mins=5, disable_rollback=True,
                          **stack_args(kubecluster))
    failing = hc.stacks.create(stack_name=f"k8s-fail-{suffix}", parameters=CLUSTER_PARAMS,
                               timeout_mins=5, disable_rollback=True,
                               **stack_args(kubecluster, {"sim_fail": "master"}))
    return {
        "tag": tag,
        "ok": wait_stack(hc, ok["stack"]["id"]),
        "failing": wait_stack(hc, failing["stack"]["id"]),
    }


def test_validate_without_parameters(hc: Any, kubecluster: Any) -> None:
    result = hc.stacks.validate(**stack_args(kubecluster))
    params = result["Parameters"]
    assert {"number_of_minions", "minions_to_remove", "kube_tag", "master_lb_enabled"} <= set(
        params)
    assert all("Default" in p for p in params.values()), [
        n for n, p in params.items() if "Default" not in p]


@pytest.mark.parametrize("params, message", [
    ({"flannel_backend": "bogus"}, "flannel_backend must be one of"),
    ({"docker_storage_driver": "devicemapper"}, "devicemapper is not supported"),
    ({"container_infra_prefix": "registry.example.com/k8s"}, "must be empty or end with a /"),
    ({"use_podman": False}, "use_podman must be true"),
    ({"nodes_affinity_policy": "spread"}, "nodes_affinity_policy"),
])
def test_create_rejects_constraint_violations(hc: Any, kubecluster: Any,
                                              params: dict[str, Any], message: str) -> None:
    # Heat checks parameter constraints before it creates anything: a 400, no stack.
    with pytest.raises(heat_exc.HTTPBadRequest, match=message):
        hc.stacks.create(stack_name=f"k8s-bad-{uuid.uuid4().hex[:8]}", parameters=params,
                         **stack_args(kubecluster))


def test_create_gives_addresses(stacks: dict[str, Any]) -> None:
    stack = stacks["ok"]
    assert stack.stack_status == "CREATE_COMPLETE", stack.stack_status_reason
    out = outputs(stack)
    masters_private = [_ipv4(a) for a in out["kube_masters_private"]]
    minions_private = [_ipv4(a) for a in out["kube_minions_private"]]
    masters = [_ipv4(a) for a in out["kube_masters"]]
    minions = [_ipv4(a) for a in out["kube_minions"]]
    assert len(masters_private) == len(masters) == 1
    assert len(minions_private) == len(minions) == 1
    assert len(set(masters_private + minions_private)) == 2
    assert all(ipaddress.IPv4Address(a) in ipaddress.IPv4Network("10.0.0.0/24")
               for a in masters_private + minions_private)
    # floating IPs are enabled by default, so the API is the master's floating address
    assert _ipv4(out["api_address"]) == masters[0]
    assert out["api_address"].startswith("172.24.")
    assert out["registry_address"] == "localhost:5000"


def test_list_by_tag(hc: Any, stacks: dict[str, Any]) -> None:
    found = list(hc.stacks.list(tags=stacks["tag"]))
    assert [s.id for s in found] == [stacks["ok"].id]


def test_simulated_master_failure(stacks: dict[str, Any]) -> None:
    stack = stacks["failing"]
    assert stack.stack_status == "CREATE_FAILED"
    reason = stack.stack_status_reason
    assert "kube_masters" in reason and "kube-master" in reason, reason
    assert "SIMULATED" in reason, reason


def test_scale_up_then_down(hc: Any, stacks: dict[str, Any]) -> None:
    stack_id = stacks["ok"].id
    hc.stacks.update(stack_id, existing=True, parameters={"number_of_minions": 3})
    stack = wait_stack(hc, stack_id)
    assert stack.stack_status == "UPDATE_COMPLETE", stack.stack_status_reason
    out = outputs(stack)
    minions = [_ipv4(a) for a in out["kube_minions_private"]]
    assert len(minions) == len(set(minions)) == 3
    assert len(out["kube_minions"]) == 3
    assert stack.parameters["number_of_minions"] == "3"
    # PATCH keeps the environment and the tags
    assert stack.tags == [stacks["tag"]]

    group = hc.resources.get(stack_id, "kube_minions").physical_resource_id
    members = {m.resource_name: m.physical_resource_id for m in hc.resources.list(group)}
    assert set(members) == {"0", "1", "2"}
    # remove one member by group name and one by server id (both are accepted)
    hc.stacks.update(stack_id, existing=True,
                     parameters={"number_of_minions": 1,
                                 "minions_to_remove": ["0", members["2"]]})
    stack = wait_stack(hc, stack_id)
    assert stack.stack_status == "UPDATE_COMPLETE", stack.stack_status_reason
    remaining = {m.resource_name for m in hc.resources.list(group)}
    assert remaining == {"1"}
    assert len(outputs(stack)["kube_minions_private"]) == 1


def test_delete(hc: Any, stacks: dict[str, Any]) -> None:
    for key in ("ok", "failing"):
        hc.stacks.delete(stacks[key].id)
    for key in ("ok", "failing"):
        assert wait_gone(hc, stacks[key].id) in ("NOT_FOUND", "DELETE_COMPLETE")
    assert list(hc.stacks.list(tags=stacks["tag"])) == []
