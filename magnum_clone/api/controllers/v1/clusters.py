"""/v1/clusters: parse, policy, validate, persist or cast, render (reference §4)."""

from __future__ import annotations

from typing import Any

import pecan

from magnum_clone.api import cluster_build, versions
from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import cluster_actions, common, nodegroups
from magnum_clone.api.types import base as t
from magnum_clone.api.types import cluster as ctypes
from magnum_clone.api.types import patch as jp
from magnum_clone.common import exceptions as exc
from magnum_clone.common import policy
from magnum_clone.conductor import rpcapi
from magnum_clone.db import api as db_api


def target(row: Any) -> dict[str, Any]:
    return {"project_id": row.project_id, "user_id": row.user_id}


def visible_project(all_projects_rule: str | None) -> str | None:
    """The project whose clusters the caller sees: None (every project) for an admin the
    ``*_all_projects`` rule allows, else the caller's own. Without a rule (routes that have
    none: resize, the legacy bays) every admin sees every project."""
    ctx = common.context()
    if all_projects_rule is None:
        return None if ctx.is_admin else ctx.project_id  # type: ignore[no-any-return]
    return None if policy.all_projects(all_projects_rule, ctx) else ctx.project_id


def get_cluster(ident: str, all_projects_rule: str | None = None) -> Any:
    """A cluster visible to the caller (see :func:`visible_project`)."""
    return db_api.get_instance().get_cluster(ident=ident,
                                             project_id=visible_project(all_projects_rule))


class ClustersController(routing.Resource):

    def _list(self, action: str, kwargs: dict[str, str], full: bool, path: str
              ) -> dict[str, Any]:
        page, _ = common.page(kwargs)
        ctx = common.context()
        policy.authorize(f"cluster:{action}", ctx)
        rows = db_api.get_instance().list_clusters(
            project_id=visible_project(f"cluster:{action}_all_projects"), limit=page.limit,
            marker=page.marker, sort_key=page.sort_key, sort_dir=page.sort_dir)
        templates = (db_api.get_instance().get_cluster_templates(
            uuids=[r.cluster_template_id for r in rows]) if full else {})
        base, version = common.base_url(), common.version()
        items = [ctypes.render(r, base, version, full=full, template_labels=_labels_of(
            templates.get(r.cluster_template_id))) for r in rows]
        return common.collection("clusters", items, page, path, rows[-1].uuid if rows else None)

    @pecan.expose("json")
    def get_all(self, **kwargs: str) -> dict[str, Any]:
        """List clusters (short items)."""
        return self._list("get_all", kwargs, False, "clusters")

    @pecan.expose("json")
    def detail(self, **kwargs: str) -> dict[str, Any]:
        """List clusters with every field."""
        return self._list("detail", kwargs, True, "clusters/detail")

    @pecan.expose("json")
    def get_one(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Show one cluster by uuid or name."""
        common.no_args(kwargs)
        row = get_cluster(ident, "cluster:get_one_all_projects")
        policy.authorize("cluster:get", common.context(), target(row))
        tpl = db_api.get_instance().get_cluster_templates(uuids=[row.cluster_template_id])
        return ctypes.render(row, common.base_url(), common.version(), full=True,
                             template_labels=_labels_of(tpl.get(row.cluster_template_id)))

    @pecan.expose("json")
    def post(self, **kwargs: str) -> dict[str, Any]:
        """Create a cluster: the row is stored CREATE_IN_PROGRESS, then the conductor works."""
        common.no_args(kwargs)
        obj = t.parse_body(ctypes.ClusterPOST, "cluster", common.body(), common.content_type())
        req = {k: v for k, v in t.given(obj, ctypes.WRITABLE).items() if v is not None}
        ctx, version = common.context(), common.version()
        template = cluster_build.lookup_template(ctx, req["cluster_template_id"], version)
        values, nodegroups, limit = cluster_build.build(ctx, req, template, version)
        row = db_api.get_instance().create_cluster(values=values, nodegroups=nodegroups,
                                                   quota_limit=limit)
        rpcapi.get_api().cluster_create(ctx, cluster_uuid=row.uuid)
        common.set_status(202)
        return {"uuid": row.uuid}

    @pecan.expose("json")
    def patch(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Change node_count (scales the default worker nodegroup) or the health fields."""
        version = common.version()
        allowed = ("rollback",) if versions.allow_rollback(version) else ()
        args = common.args(allowed)
        rollback = bool(t.query_bool("rollback", args.get("rollback")))
        ops = jp.parse_patch(common.body(), common.content_type(), internal=ctypes.INTERNAL,
                             mandatory=ctypes.MANDATORY)
        ctx = common.context()
        row = get_cluster(ident, "cluster:update_all_projects")
        policy.authorize("cluster:update", ctx, target(row))
        policy.authorize("cluster:update_health_status", ctx, target(row))
        before = ctypes.document(row)
        after = jp.apply_patch(before, ops, internal=ctypes.INTERNAL,
                               dict_attrs=ctypes.DICT_ATTRS)
        after["node_count"] = jp.integer("node_count", after["node_count"], minimum=0)
        changed = sorted(k for k in after if before.get(k) != after.get(k))
        refused = [k for k in changed if k not in ctypes.PATCHABLE]
        if refused:
            raise exc.Invalid(f"cannot change cluster property(ies) {', '.join(refused)}.")
        cluster_actions.update(row, after["node_count"], rollback,
                               health=_health(after, changed))
        common.set_status(202)
        return {"uuid": row.uuid}

    @pecan.expose("json")
    def delete(self, ident: str, **kwargs: str) -> Any:
        """Delete a cluster (204; the conductor deletes the stack, then the row goes)."""
        common.no_args(kwargs)
        ctx = common.context()
        row = get_cluster(ident, "cluster:delete_all_projects")
        policy.authorize("cluster:delete", ctx, target(row))
        cluster_actions.delete(row)
        return common.no_content()

    def subresource(self, ident: str, name: str, rest: list[str], request: Any
                    ) -> routing.Route:
        """``/v1/clusters/<ident>/actions/{resize,upgrade}`` and ``.../nodegroups[/<ng>]``."""
        if name == "actions":
            return cluster_actions.ActionsController(ident).route(rest, request)
        if name == "nodegroups":
            return nodegroups.NodeGroupsController(ident).route(rest, request)
        return super().subresource(ident, name, rest, request)


def _health(after: dict[str, Any], changed: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "health_status" in changed:
        value = after["health_status"]
        if value is not None and value not in ("HEALTHY", "UNHEALTHY", "UNKNOWN"):
            raise exc.Invalid(f"Invalid input for field/attribute health_status. Value: "
                              f"'{value}'. Value should be one of: HEALTHY, UNHEALTHY, UNKNOWN")
        out["health_status"] = value
    if "health_status_reason" in changed:
        reason = after["health_status_reason"]
        if reason is not None and not isinstance(reason, dict):
            raise exc.Invalid("health_status_reason must be a dict")
        out["health_status_reason"] = {str(k): str(v) for k, v in (reason or {}).items()}
    return out


def _labels_of(template: Any) -> dict[str, Any]:
    return dict(template.labels or {}) if template is not None else {}
