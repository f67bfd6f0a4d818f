"""/v1/clusters/{cluster_ident}/nodegroups (reference §5; >= 1.9, 406 below).

* GET list (short items; ``marker``/``limit``/``sort_key``/``sort_dir``/``role``) and GET one
  (full shape; label differences against the cluster's labels). ``.../nodegroups/detail`` is
  the nodegroup named "detail".
* PATCH changes only ``min_node_count``, ``max_node_count``, ``node_labels``, ``node_taints``
  and stores them directly (upstream's Heat drivers only save these: no stack change); count,
  label and taint rules answer 409 ``<attr> for <ng> is invalid (<explanation>).``. Improvement:
  a nodegroup whose status does not allow an update is refused synchronously with 409 (upstream
  the conductor drops it silently after the 202).
* POST checks what upstream checks (master role 400, no API address 409, name clash 409, count,
  label and taint rules 409), then whether the cluster's driver builds extra nodegroups
  (their own Heat stack; 400 "Creating nodegroups is not supported by this driver yet."
  otherwise). The API owns the row: the nodegroup is inserted CREATE_IN_PROGRESS and the
  cluster moved to UPDATE_IN_PROGRESS in one compare-and-set transaction (409 when the
  cluster's status does not allow it, checked before the cast), then the conductor builds
  the stack. 202 with the nodegroup as built (reference §5.2, Appendix A: no ``id``,
  ``status``, ``is_default``, ``stack_id``, timestamps; ``docker_volume_size`` only when
  given). Unset attributes come from the cluster (labels, merged over the cluster's with
  ``merge_labels``; flavor) or its template (image).
* DELETE of an extra nodegroup: DELETE_IN_PROGRESS (cluster UPDATE_IN_PROGRESS) by the same
  compare-and-set, cast, 204; the row goes when Heat says its stack is gone. Default ones:
  400 "Deleting a default nodegroup is not supported." (as upstream); a driver without
  extra nodegroups: 400 "Deleting nodegroups is not supported by this driver yet.".
* Below 1.9 every method answers 406 with the routing-style body; upstream's message names
  ``delete`` whatever the method, and so does ours.
"""

from __future__ import annotations

from typing import Any

import pecan

from magnum_clone.api import validation, versions
from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import cluster_actions, common
from magnum_clone.api.types import base as t
from magnum_clone.api.types import nodegroup as ngtypes
from magnum_clone.api.types import patch as jp
from magnum_clone.common import driver_factory, policy, states
from magnum_clone.common import exceptions as exc
from magnum_clone.common.clients import cloud
from magnum_clone.conductor import rpcapi
from magnum_clone.db import api as db_api


def _require_version() -> None:
    common.require_version(versions.NODEGROUPS, "delete")


def _authorize(action: str) -> None:
    policy.authorize(f"nodegroup:{action}", common.context())


def _cluster(ident: str, all_projects_rule: str | None = None) -> Any:
    """The cluster as the caller sees it: an admin sees every project when the nodegroup
    ``*_all_projects`` rule allows (as for clusters), otherwise only its own."""
    from magnum_clone.api.controllers.v1 import clusters

    return clusters.get_cluster(ident, all_projects_rule)


def _nodegroup(cluster: Any, ident: str) -> Any:
    return db_api.get_instance().get_nodegroup(cluster_uuid=cluster.uuid, ident=ident)


class NodeGroupsController(routing.Resource):
    """Bound to one cluster identifier; routed from ``ClustersController.subresource``."""

    fixed: Any = {}

    def __init__(self, cluster_ident: str) -> None:
        self.cluster_ident = cluster_ident

    def route(self, rest: list[str], request: Any) -> routing.Route:
        return self._route(rest, request)  # type: ignore[no-any-return]

    @pecan.expose("json")
    def get_all(self, **kwargs: str) -> dict[str, Any]:
        """List the cluster's nodegroups (short items), optionally of one ``role``."""
        _require_version()
        page, args = common.page(kwargs, extra=("role",))
        _authorize("get_all")
        cluster = _cluster(self.cluster_ident, "nodegroup:get_all_all_projects")
        rows = db_api.get_instance().page_nodegroups(
            cluster_uuid=cluster.uuid, limit=page.limit, marker=page.marker,
            sort_key=page.sort_key, sort_dir=page.sort_dir, role=args.get("role"))
        base = common.base_url()
        items = [ngtypes.render(r, base, full=False) for r in rows]
        return common.collection("nodegroups", items, page,
                                 f"clusters/{cluster.uuid}/nodegroups",
                                 rows[-1].uuid if rows else None)

    @pecan.expose("json")
    def get_one(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Show one nodegroup by uuid or name."""
        _require_version()
        common.no_args(kwargs)
        _authorize("get")
        cluster = _cluster(self.cluster_ident, "nodegroup:get_one_all_projects")
        row = _nodegroup(cluster, ident)
        return ngtypes.render(row, common.base_url(), full=True, cluster_labels=cluster.labels)

    @pecan.expose("json")
    def post(self, **kwargs: str) -> dict[str, Any]:
        """Add an extra nodegroup (its own stack): stored CREATE_IN_PROGRESS, then cast."""
        _require_version()
        common.no_args(kwargs)
        obj = t.parse_body(ngtypes.NodeGroupPOST, "nodegroup", common.body(),
                           common.content_type())
        req = {k: v for k, v in t.given(obj, ngtypes.WRITABLE).items() if v is not None}
        _authorize("create")
        cluster = _cluster(self.cluster_ident)
        if not cluster.api_address:
            raise exc.Conflict("Cluster API address is not available yet")
        name = req["name"]
        if any(ng.name == name for ng in cluster.nodegroups):
            raise exc.Conflict(f"A node group with name {name} already exists in the cluster "
                               f"{cluster.name}.")
        ngtypes.check_counts(name, req.get("node_count", 1), req.get("min_node_count", 0),
                             req.get("max_node_count"))
        role = req.get("role", "worker")
        if role == "master":
            raise exc.Invalid("Creating master nodegroups is currently not supported.")
        node_labels = ngtypes.check_node_labels(name, role, req.get("node_labels"))
        node_taints = ngtypes.check_node_taints(name, role, req.get("node_taints"))
        template, drv = _template_and_driver(cluster)
        if not drv.supports_nodegroups():
            raise exc.Invalid("Creating nodegroups is not supported by this driver yet.")
        values = ngtypes.new_nodegroup(req, cluster, template, node_labels=node_labels,
                                       node_taints=node_taints)
        validation.labels(drv, values["labels"])
        lookup = cloud.get_cloud(common.context())
        if req.get("flavor_id"):
            lookup.get_flavor(req["flavor_id"])
        if req.get("image_id"):
            lookup.get_image(req["image_id"])
        op = states.Op.NODEGROUP_CREATE
        row = db_api.get_instance().add_nodegroup(
            values=values, cluster_expect=[s.value for s in states.allowed_from(op)],
            cluster_values={"status": states.start_status(op), "status_reason": None})
        if row is None:
            current = db_api.get_instance().get_cluster(ident=cluster.uuid, project_id=None)
            raise exc.ClusterOperationConflict(
                msg=f'Updating a cluster when status is "{current.status}" is not '
                    "supported.")
        rpcapi.get_api().nodegroup_create(common.context(), cluster_uuid=cluster.uuid,
                                          nodegroup_uuid=row.uuid)
        common.set_status(202)
        return ngtypes.render_created(row, common.base_url(), cluster_labels=cluster.labels)

    @pecan.expose("json")
    def patch(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Change min/max_node_count, node_labels, node_taints (stored directly; 202)."""
        _require_version()
        common.no_args(kwargs)
        ops = jp.parse_patch(common.body(), common.content_type(), internal=ngtypes.INTERNAL)
        _authorize("update")
        cluster = _cluster(self.cluster_ident)
        row = _nodegroup(cluster, ident)
        before = ngtypes.document(row)
        after = jp.apply_patch(before, ops, internal=ngtypes.INTERNAL,
                               dict_attrs=ngtypes.DICT_ATTRS)
        min_count = jp.integer("min_node_count", after["min_node_count"], minimum=0)
        max_count = after["max_node_count"]
        if max_count is not None:
            max_count = jp.integer("max_node_count", max_count, minimum=0)
        ngtypes.check_counts(row.name, row.node_count, min_count, max_count)
        values = {"min_node_count": min_count, "max_node_count": max_count,
                  "node_labels": ngtypes.check_node_labels(row.name, row.role,
                                                           after["node_labels"]),
                  "node_taints": ngtypes.check_node_taints(row.name, row.role,
                                                           after["node_taints"])}
        allowed = states.allowed_from(states.Op.NODEGROUP)
        updated = db_api.get_instance().update_nodegroup(uuid=row.uuid, values=values,
                                                         expect_status=allowed)
        if updated is None:
            current = _nodegroup(cluster, row.uuid)
            raise exc.ClusterOperationConflict(
                msg=f'Updating a nodegroup when status is "{current.status}" is not '
                    "supported.")
        common.set_status(202)
        return ngtypes.render(_nodegroup(cluster, row.uuid), common.base_url(), full=True,
                              cluster_labels=cluster.labels)

    @pecan.expose("json")
    def delete(self, ident: str, **kwargs: str) -> Any:
        """Delete an extra nodegroup (204; its stack is deleted, then the row goes)."""
        _require_version()
        common.no_args(kwargs)
        _authorize("delete")
        cluster = _cluster(self.cluster_ident)
        row = _nodegroup(cluster, ident)
        if row.is_default:
            raise exc.Invalid("Deleting a default nodegroup is not supported.")
        _template, drv = _template_and_driver(cluster)
        if not drv.supports_nodegroups():
            raise exc.Invalid("Deleting nodegroups is not supported by this driver yet.")
        op = states.Op.NODEGROUP_DELETE
        outcome = db_api.get_instance().start_nodegroup_operation(
            cluster_uuid=cluster.uuid, nodegroup_uuid=row.uuid,
            cluster_expect=[s.value for s in states.allowed_from(op)],
            cluster_values={"status": states.start_status(op), "status_reason": None},
            nodegroup_expect=[s.value for s in states.nodegroup_allowed_from(op)],
            nodegroup_values={"status": states.nodegroup_start_status(op),
                              "status_reason": None, "operation_started_at": None,
                              "operation_deadline": None})
        cluster_actions.refused_nodegroup(cluster, row, outcome, op)
        rpcapi.get_api().nodegroup_delete(common.context(), cluster_uuid=cluster.uuid,
                                          nodegroup_uuid=row.uuid)
        return common.no_content()


def _template_and_driver(cluster: Any) -> tuple[Any, Any]:
    tpl = db_api.get_instance().get_cluster_templates(uuids=[cluster.cluster_template_id])[
        cluster.cluster_template_id]
    return tpl, driver_factory.for_template(
        {c: getattr(tpl, c) for c in ("driver", "server_type", "cluster_distro", "coe")})
