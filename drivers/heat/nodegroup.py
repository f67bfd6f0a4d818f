"""Extra nodegroups of a Heat cluster (reference §3.2 "Nodegroup create"): each is a stack of
its own, rendered from the cluster's template with ``is_cluster_stack=false`` so that only
the worker part is built, for the view of that one nodegroup (its flavor, image, count and
labels stand in for the worker role's).

Its workers join the cluster through what the cluster stack already has, read from the
cluster stack when the nodegroup stack is created (:func:`cluster_links`): the address
their kubelets reach the API at (the cluster stack's ``api_address`` output, as upstream),
the workers' security group, and the private network and subnet.

Observation: the stacks of busy extra nodegroups come in the same batched stack list as
the clusters' stacks (:meth:`HeatDriver.observe`); :func:`observe_stack` reads one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heatclient import exc as heat_exc

from magnum_clone.common import exceptions as exc
from magnum_clone.common import states
from magnum_clone_drivers.base import ClusterView, Observation


@dataclass(frozen=True)
class NodegroupLinks:
    """Where a driver's cluster stack keeps what the workers of a nodegroup stack need; a
    None resource means the template takes no such parameter (e.g. Ironic: no security
    group and a given network)."""

    api_address_output: str = "api_address"
    #: resource whose physical id is sent as ``existing_security_group``
    security_group_resource: str | None = "secgroup_kube_minion"
    #: nested-stack resource whose ``fixed_network``/``fixed_subnet`` outputs are sent as
    #: ``fixed_network``/``fixed_subnet``
    network_resource: str | None = "network"


def _outputs(stack: Any) -> dict[str, Any]:
    return {o["output_key"]: o.get("output_value") for o in (stack.outputs or [])}


def cluster_links(hc: Any, stack_id: str, links: NodegroupLinks) -> dict[str, Any]:
    """The nodegroup stack's parameters read from the cluster stack ``stack_id``."""
    try:
        cluster_stack = hc.stacks.get(stack_id)
        api = _outputs(cluster_stack).get(links.api_address_output)
        if not api:
            raise exc.Conflict(f"The cluster stack {stack_id} has no "
                               f"{links.api_address_output} output yet.")
        params: dict[str, Any] = {"existing_master_private_ip": str(api)}
        if links.security_group_resource:
            res = hc.resources.get(stack_id, links.security_group_resource)
            params["existing_security_group"] = str(res.physical_resource_id)
        if links.network_resource:
            res = hc.resources.get(stack_id, links.network_resource)
            net = _outputs(hc.stacks.get(res.physical_resource_id))
            for key in ("fixed_network", "fixed_subnet"):
                if not net.get(key):
                    raise exc.Conflict(f"The cluster stack {stack_id} has no {key} yet.")
                params[key] = str(net[key])
    except heat_exc.HTTPNotFound as e:
        raise exc.Conflict(f"Reading the cluster stack {stack_id} for the nodegroup's "
                           f"stack failed: {e}") from None
    return params


#: rendered for a cluster stack, but only its masters use them: not sent to a worker-only
#: stack (the role makes the template build no master; keys stay with the masters)
MASTER_ONLY_PARAMS = ("master_role", "ca_key", "kube_service_account_key",
                      "kube_service_account_private_key")


def stack_parameters(rendered: Mapping[str, Any], ngview: ClusterView,
                     linked: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of a nodegroup stack: the template's rendering for the nodegroup's
    view, as a nodegroup stack (workers only, of the nodegroup's role) joined to the
    cluster (``linked``, from :func:`cluster_links`)."""
    assert ngview.worker is not None
    params = {k: v for k, v in rendered.items() if k not in MASTER_ONLY_PARAMS}
    params.update(linked)
    params["is_cluster_stack"] = False
    params["worker_role"] = ngview.worker["role"]
    return params


def busy(view: ClusterView) -> list[Mapping[str, Any]]:
    """The extra nodegroups whose stacks are to be observed: running an operation, with a
    stack."""
    running = {s.value for s in states.IN_PROGRESS}
    return [ng for ng in view.extra_nodegroups
            if ng.get("stack_id") and ng.get("status") in running]


def observe_stack(hc: Any, view: ClusterView, stack: Any, *, status: states.Status,
                  changed_at: Any, minions: str, minions_private: str, count_param: str,
                  failure_reason: Any) -> Observation:
    """One nodegroup stack's state; outputs (addresses, count) only once it finished."""
    obs = Observation(status=status, reason=stack.stack_status_reason, changed_at=changed_at)
    if status in states.IN_PROGRESS:
        return obs
    full = hc.stacks.get(f"{stack.stack_name}/{stack.id}")
    outs = _outputs(full)
    fip = bool(view.cluster.get("floating_ip_enabled", True))
    value = outs.get(minions if fip else minions_private)
    if isinstance(value, str):
        value = [value]
    obs.node_addresses = [str(v) for v in value or [] if v]
    try:
        obs.node_count = int((full.parameters or {})[count_param])
    except (KeyError, TypeError, ValueError):
        pass
    if status in states.FAILED:
        obs.reason = failure_reason(hc, stack) or stack.stack_status_reason
    return obs
