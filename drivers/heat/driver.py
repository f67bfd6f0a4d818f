"""A driver whose clusters are Heat stacks: create, PATCH-scale, delete, batched observation.

Subclasses provide :meth:`HeatDriver.definition` (parameters) and :attr:`HeatDriver.outputs`
(how stack outputs map back to the cluster). Heat stack states become cluster states here, at
the driver edge (:func:`magnum_clone.common.states.from_stack_status`). Drivers that set
:attr:`HeatDriver.nodegroup_links` also build extra nodegroups, a stack each
(:mod:`magnum_clone_drivers.heat.nodegroup`), observed in the same batched stack list.
"""

from __future__ import annotations

import abc
import datetime
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from heatclient import exc as heat_exc

from magnum_clone.common import exceptions as exc
from magnum_clone.common import states
from magnum_clone.common.clients import heat
from magnum_clone.conf import CONF
from magnum_clone_drivers.base import ClusterView, Driver, Observation
from magnum_clone_drivers.heat import nodegroup as ng_stack
from magnum_clone_drivers.heat import scale
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.coe_query import CoeQuery
from magnum_clone_drivers.heat.template_def import RenderInput, StackSpec, TemplateDefinition

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutputMap:
    """Which stack outputs hold the addresses, and how the API address is written."""

    api_address: str
    masters: str
    masters_private: str
    minions: str
    minions_private: str
    format_api: Callable[[str, ClusterView], str]
    node_count_param: str = "number_of_minions"
    master_count_param: str = "number_of_masters"
    coe_version_param: str | None = None
    # None: the template cannot choose which nodes go (Heat removes the newest members).
    nodes_to_remove_param: str | None = "minions_to_remove"
    # The worker ResourceGroup: when set, a scale-down with no nodes named chooses the members
    # to remove itself (idle nodes first when the driver's COE can be asked, then highest
    # index, see heat/scale.py), logs the choice and passes it to Heat.
    worker_group: str | None = None


def service_account_keypair(key_size: int = 2048) -> tuple[str, str]:
    """A new RSA key pair for signing Kubernetes service-account tokens: (public PEM,
    private PEM, unencrypted PKCS#8)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode("ascii")
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    return public, private


def _outputs(stack: Any) -> dict[str, Any]:
    return {o["output_key"]: o.get("output_value") for o in (stack.outputs or [])}


def _addr_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value if v]


class HeatDriver(Driver):
    outputs: OutputMap
    # the scale-manager hook: how to ask the COE which nodes run containers (None: cannot)
    coe_query: ClassVar[CoeQuery | None] = None
    # the template parameters of the service-account key pair (CA rotation replaces it)
    service_account_key_params: tuple[str, str] = ("kube_service_account_key",
                                                   "kube_service_account_private_key")

    @abc.abstractmethod
    def definition(self) -> TemplateDefinition:
        """The driver's template path and parameter table."""

    def lookups(self, context: Any, view: ClusterView) -> dict[str, Any]:
        """Values rendering needs that come from outside the cluster row (before render)."""
        return {}

    # ---- rendering ---------------------------------------------------------------------
    def render(self, view: ClusterView, lookups: Mapping[str, Any], timeout_mins: int
               ) -> StackSpec:
        return self.definition().render(RenderInput(view, lookups),
                                        name_suffix=secrets.token_hex(4),
                                        timeout_mins=timeout_mins)

    # ---- operations --------------------------------------------------------------------
    def create_cluster(self, context: Any, view: ClusterView, timeout_minutes: int) -> str:
        spec = self.render(view, self.lookups(context, view), timeout_minutes)
        return _create_stack(heat.client(view.cluster["project_id"]), spec, spec.parameters)

    def scale_cluster(self, context: Any, view: ClusterView, *, nodegroup: Mapping[str, Any],
                      node_count: int, nodes_to_remove: Sequence[str], rollback: bool) -> None:
        """Scale the default worker nodegroup (the cluster's stack) or, for an extra
        nodegroup, its own stack."""
        stack_id = _stack_of(view, nodegroup.get("uuid"))
        m = self.outputs
        params: dict[str, Any] = {m.node_count_param: node_count}
        if nodes_to_remove and m.nodes_to_remove_param:
            params[m.nodes_to_remove_param] = list(nodes_to_remove)
        elif nodes_to_remove:
            LOG.warning("Cluster %s: driver %s cannot choose nodes to remove; ignoring %s",
                        view.cluster["uuid"], self.name, ", ".join(nodes_to_remove))
        hc = heat.client(view.cluster["project_id"])
        if not nodes_to_remove and m.nodes_to_remove_param and m.worker_group:
            choice = self.removal_choice(context, hc, view, node_count, stack_id=stack_id)
            if choice.remove:
                params[m.nodes_to_remove_param] = choice.remove
            if choice.remove or choice.warn:
                scale.log_choice(view, node_count, choice, m.nodes_to_remove_param)
        try:
            hc.stacks.update(stack_id, existing=True, parameters=params,
                             disable_rollback=not rollback)
        except heat_exc.HTTPNotFound:
            raise exc.StackNotFound(stack_id=stack_id) from None
        except heat_exc.HTTPBadRequest as e:
            raise exc.InvalidParameterValue(err=_heat_message(e)) from e

    def removal_choice(self, context: Any, hc: Any, view: ClusterView, node_count: int,
                       stack_id: str | None = None) -> scale.Choice:
        """Which worker-group members a scale-down to ``node_count`` removes: nodes the COE
        reports without containers first (:attr:`coe_query`), then the highest indexes.
        ``stack_id``: the stack holding the group (default: the cluster's)."""
        m = self.outputs
        assert m.worker_group is not None
        return scale.removal_choice(hc, view, group=m.worker_group,
                                    address_outputs=(m.minions_private, m.minions),
                                    node_count=node_count, query=self.coe_query,
                                    simulated=bool(CONF.heat.simulated_cloud),
                                    context=context, stack_id=stack_id)

    def _update_stack(self, view: ClusterView, params: Mapping[str, Any], rollback: bool
                      ) -> None:
        """PATCH the cluster's stack (existing template, only ``params`` change)."""
        stack_id = view.cluster.get("stack_id")
        if not stack_id:
            raise exc.Conflict(f"Cluster {view.cluster['uuid']} has no stack yet.")
        try:
            heat.client(view.cluster["project_id"]).stacks.update(
                stack_id, existing=True, parameters=dict(params), disable_rollback=not rollback)
        except heat_exc.HTTPNotFound:
            raise exc.StackNotFound(stack_id=stack_id) from None
        except heat_exc.HTTPBadRequest as e:
            raise exc.InvalidParameterValue(err=_heat_message(e)) from e
        except heat_exc.HTTPConflict as e:
            raise exc.Conflict(_heat_message(e)) from e

    def rotate_ca_certificate(self, context: Any, view: ClusterView) -> None:
        """Drivers declaring ``supports_ca_rotation``: a stack update (rollback enabled) with a
        new service-account key pair, as upstream's Fedora CoreOS driver does. The nodes fetch
        the new CAs (already stored) from the API when they are reconfigured."""
        if not self.supports_ca_rotation:
            super().rotate_ca_certificate(context, view)
            return
        public, private = service_account_keypair(CONF.x509.rsa_key_size)
        pub_param, priv_param = self.service_account_key_params
        self._update_stack(view, {pub_param: public, priv_param: private}, rollback=True)
        LOG.info("Cluster %s: stack update with a new service-account key pair started (CA "
                 "rotation)", view.cluster["uuid"])

    def rotate_credential(self, context: Any, view: ClusterView) -> None:
        """Drivers declaring ``supports_credential_rotation``: a stack update giving the nodes
        the cluster's new trustee (already stored on the row). Never logs the values."""
        if not self.supports_credential_rotation:
            super().rotate_credential(context, view)
            return
        from magnum_clone.common.clients import keystone

        params = keystone.trustee_parameters(view.cluster)
        if not params:
            raise exc.Invalid(f"Cluster {view.cluster['uuid']} has no trustee credential.")
        self._update_stack(view, params, rollback=True)
        LOG.info("Cluster %s: stack update with the new trustee started", view.cluster["uuid"])

    def delete_cluster(self, context: Any, view: ClusterView) -> None:
        stack_id = view.cluster.get("stack_id")
        if not stack_id:
            return
        try:
            heat.client(view.cluster["project_id"]).stacks.delete(stack_id)
        except heat_exc.HTTPNotFound:
            LOG.info("Stack %s of cluster %s is already gone", stack_id, view.cluster["uuid"])

    def find_backend_id(self, context: Any, view: ClusterView) -> str | None:
        """The cluster's stack by tag (never one of its nodegroups' stacks)."""
        tag = f"magnum_clone_cluster={view.cluster['uuid']}"
        stacks = [s for s in heat.client(view.cluster["project_id"]).stacks.list(
            tags=tag, not_tags=td.NODEGROUP_KIND_TAG)
            if td.NODEGROUP_KIND_TAG not in (getattr(s, "tags", None) or [])]
        return str(stacks[0].id) if stacks else None

    # ---- extra nodegroups: a stack each (drivers/heat/nodegroup.py) ---------------------
    #: set by drivers whose template builds nodegroup stacks (``is_cluster_stack=false``)
    nodegroup_links: ClassVar[ng_stack.NodegroupLinks | None] = None

    def supports_nodegroups(self) -> bool:
        return self.nodegroup_links is not None

    def create_nodegroup(self, context: Any, view: ClusterView, nodegroup_uuid: str,
                         timeout_minutes: int) -> str:
        if self.nodegroup_links is None:
            return super().create_nodegroup(context, view, nodegroup_uuid, timeout_minutes)
        if not view.cluster.get("stack_id"):
            raise exc.Conflict(f"Cluster {view.cluster['uuid']} has no stack yet.")
        hc = heat.client(view.cluster["project_id"])
        linked = ng_stack.cluster_links(hc, view.cluster["stack_id"], self.nodegroup_links)
        ngview = view.for_nodegroup(nodegroup_uuid)
        spec = self.render(ngview, self.lookups(context, ngview), timeout_minutes)
        return _create_stack(hc, spec, ng_stack.stack_parameters(spec.parameters, ngview,
                                                                 linked))

    def delete_nodegroup(self, context: Any, view: ClusterView, nodegroup_uuid: str) -> bool:
        if self.nodegroup_links is None:
            return super().delete_nodegroup(context, view, nodegroup_uuid)
        ng = view.by_uuid(nodegroup_uuid)
        stack_id = ng.get("stack_id") or self.find_nodegroup_backend_id(context, view,
                                                                        nodegroup_uuid)
        if not stack_id:
            return False
        try:
            heat.client(view.cluster["project_id"]).stacks.delete(stack_id)
        except heat_exc.HTTPNotFound:
            LOG.info("Stack %s of nodegroup %s is already gone", stack_id, ng["name"])
            return False
        return True

    def find_nodegroup_backend_id(self, context: Any, view: ClusterView,
                                  nodegroup_uuid: str) -> str | None:
        tag = f"{td.NODEGROUP_TAG}{nodegroup_uuid}"
        stacks = list(heat.client(view.cluster["project_id"]).stacks.list(tags=tag))
        return str(stacks[0].id) if stacks else None

    # ---- observation -------------------------------------------------------------------
    def observe(self, context: Any, views: Sequence[ClusterView]) -> dict[str, Observation]:
        """One stack list per project and page of stacks (the clusters' and their busy
        extra nodegroups'); outputs only for finished stacks."""
        by_project: dict[str, list[ClusterView]] = defaultdict(list)
        for v in views:
            if _main(v) or ng_stack.busy(v):
                by_project[v.cluster["project_id"]].append(v)
        result: dict[str, Observation] = {}
        for project, group in by_project.items():
            hc = heat.client(project)
            ids = [v.cluster["stack_id"] for v in group if _main(v)]
            ids += [ng["stack_id"] for v in group for ng in ng_stack.busy(v)]
            stacks = {}
            page = CONF.heat.list_page_size
            for i in range(0, len(ids), page):
                for s in hc.stacks.list(filters={"id": ids[i:i + page]}):
                    stacks[s.id] = s
            for v in group:
                obs = Observation()
                if _main(v):
                    s = stacks.get(v.cluster["stack_id"])
                    obs = Observation(missing=True) if s is None else self._observe_one(hc, v, s)
                for ng in ng_stack.busy(v):
                    s = stacks.get(ng["stack_id"])
                    obs.nodegroups[ng["uuid"]] = (Observation(missing=True) if s is None
                                                  else self._observe_nodegroup(hc, v, s))
                result[v.cluster["uuid"]] = obs
        return result

    def _observe_nodegroup(self, hc: Any, view: ClusterView, stack: Any) -> Observation:
        m = self.outputs
        return ng_stack.observe_stack(
            hc, view, stack, status=states.from_stack_status(stack.stack_status),
            changed_at=_heat_time(getattr(stack, "updated_time", None)
                                  or getattr(stack, "creation_time", None)),
            minions=m.minions, minions_private=m.minions_private,
            count_param=m.node_count_param, failure_reason=self._failure_reason)

    def _observe_one(self, hc: Any, view: ClusterView, stack: Any) -> Observation:
        status = states.from_stack_status(stack.stack_status)
        obs = Observation(status=status, reason=stack.stack_status_reason,
                          changed_at=_heat_time(getattr(stack, "updated_time", None)
                                                or getattr(stack, "creation_time", None)))
        if status in states.IN_PROGRESS:
            return obs
        full = hc.stacks.get(f"{stack.stack_name}/{stack.id}")
        outs = _outputs(full)
        m = self.outputs
        fip = bool(view.cluster.get("floating_ip_enabled", True))
        api = outs.get(m.api_address)
        obs.api_address = m.format_api(str(api), view) if api else None
        obs.master_addresses = _addr_list(outs.get(m.masters if fip else m.masters_private))
        obs.node_addresses = _addr_list(outs.get(m.minions if fip else m.minions_private))
        params = full.parameters or {}
        for attr, key in (("node_count", m.node_count_param),
                          ("master_count", m.master_count_param)):
            try:
                setattr(obs, attr, int(params[key]))
            except (KeyError, TypeError, ValueError):
                pass
        if m.coe_version_param:
            obs.coe_version = params.get(m.coe_version_param)
        obs.container_version = self.container_version
        if status in states.FAILED:
            obs.reason = self._failure_reason(hc, stack) or stack.stack_status_reason
        else:
            obs.reason = stack.stack_status_reason
        return obs

    @staticmethod
    def _failure_reason(hc: Any, stack: Any) -> str | None:
        """The reason of the deepest failed resource (names the resource that failed)."""
        try:
            resources = hc.resources.list(f"{stack.stack_name}/{stack.id}", nested_depth=10)
        except heat_exc.HTTPException:
            return None
        failed = [r for r in resources if str(r.resource_status).endswith("_FAILED")]
        if not failed:
            return None
        leaf = [r for r in failed
                if not str(r.resource_status_reason or "").startswith(("Error: resources.",
                                                                       "resources."))]
        best = (leaf or failed)[-1]
        top = [r for r in failed if not getattr(r, "parent_resource", None)]
        where = f"{top[0].resource_name}: " if top and top[0] is not best else ""
        return (f"{where}{best.resource_name} ({best.resource_type}): "
                f"{best.resource_status_reason}")


def _main(view: ClusterView) -> bool:
    """Whether the cluster's own stack is to be observed."""
    return bool(view.observe_main and view.cluster.get("stack_id"))


def _stack_of(view: ClusterView, nodegroup_uuid: str | None) -> str:
    """The stack holding a nodegroup: its own for an extra one, else the cluster's."""
    for ng in view.nodegroups:
        if nodegroup_uuid and ng["uuid"] == nodegroup_uuid and not ng["is_default"]:
            if not ng.get("stack_id"):
                raise exc.Conflict(f"Nodegroup {ng['name']} has no stack yet.")
            return str(ng["stack_id"])
    return str(view.cluster["stack_id"])


def _create_stack(hc: Any, spec: StackSpec, parameters: Mapping[str, Any]) -> str:
    try:
        resp = hc.stacks.create(stack_name=spec.stack_name, template=spec.template,
                                files=spec.files, environment=spec.environment,
                                parameters=dict(parameters), tags=",".join(spec.tags),
                                timeout_mins=spec.timeout_mins, disable_rollback=True)
    except heat_exc.HTTPBadRequest as e:
        raise exc.InvalidParameterValue(err=_heat_message(e)) from e
    return str(resp["stack"]["id"])


def _heat_time(value: Any) -> datetime.datetime | None:
    """Heat's ISO 8601 times ("2026-11-22T05:20:00Z") as naive UTC."""
    if not value:
        return None
    try:
        t = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is not None:
        t = t.astimezone(datetime.UTC).replace(tzinfo=None)
    return t


def _heat_message(e: Exception) -> str:
    msg = getattr(e, "error", None)
    if isinstance(msg, dict):
        return str(msg.get("error", {}).get("message") or e)
    return str(e)
