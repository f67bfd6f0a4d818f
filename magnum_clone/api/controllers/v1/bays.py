"""/v1/bays: the seeds' legacy name for clusters (same storage; reference §4.8).

At 1.1 create and update answer with the full bay (201 / 200); from 1.2 with 202 {"uuid"}.
"""

from __future__ import annotations

from typing import Any

import pecan

from magnum_clone.api import cluster_build, versions
from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import cluster_actions, common
from magnum_clone.api.controllers.v1.clusters import get_cluster, target
from magnum_clone.api.types import base as t
from magnum_clone.api.types import cluster as ctypes
from magnum_clone.api.types import patch as jp
from magnum_clone.common import exceptions as exc
from magnum_clone.common import policy
from magnum_clone.conductor import rpcapi
from magnum_clone.db import api as db_api

BAY_WRITABLE = ("name", "baymodel_id", "node_count", "master_count", "docker_volume_size",
                "labels", "master_flavor_id", "flavor_id", "bay_create_timeout",
                "discovery_url")


class BaysController(routing.Resource):

    def _list(self, action: str, kwargs: dict[str, str], full: bool, path: str
              ) -> dict[str, Any]:
        page, _ = common.page(kwargs)
        ctx = common.context()
        policy.authorize(f"bay:{action}", ctx)
        rows = db_api.get_instance().list_clusters(
            project_id=None if ctx.is_admin else ctx.project_id, limit=page.limit,
            marker=page.marker, sort_key=page.sort_key, sort_dir=page.sort_dir)
        items = [ctypes.render_bay(r, common.base_url(), full=full) for r in rows]
        return common.collection("bays", items, page, path, rows[-1].uuid if rows else None)

    @pecan.expose("json")
    def get_all(self, **kwargs: str) -> dict[str, Any]:
        """List bays."""
        return self._list("get_all", kwargs, False, "bays")

    @pecan.expose("json")
    def detail(self, **kwargs: str) -> dict[str, Any]:
        """List bays with every field."""
        return self._list("detail", kwargs, True, "bays/detail")

    @pecan.expose("json")
    def get_one(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Show one bay."""
        common.no_args(kwargs)
        row = get_cluster(ident)
        policy.authorize("bay:get", common.context(), target(row))
        return ctypes.render_bay(row, common.base_url(), full=True)

    @pecan.expose("json")
    def post(self, **kwargs: str) -> dict[str, Any]:
        """Create a bay."""
        common.no_args(kwargs)
        obj = t.parse_body(ctypes.BayPOST, "bay", common.body(), common.content_type())
        given = {k: v for k, v in t.given(obj, BAY_WRITABLE).items() if v is not None}
        ctx, version = common.context(), common.version()
        try:
            template = db_api.get_instance().get_cluster_template(
                ident=given.pop("baymodel_id"), project_id=ctx.project_id,
                is_admin=ctx.is_admin)
        except exc.ClusterTemplateNotFound as e:
            raise exc.Invalid(str(e)) from None
        if "bay_create_timeout" in given:
            given["create_timeout"] = given.pop("bay_create_timeout")
        policy.authorize("bay:create", ctx)
        values, nodegroups, limit = cluster_build.build(ctx, given, template, version)
        row = db_api.get_instance().create_cluster(values=values, nodegroups=nodegroups,
                                                   quota_limit=limit)
        rpcapi.get_api().cluster_create(ctx, cluster_uuid=row.uuid)
        if versions.bays_async(version):
            common.set_status(202)
            return {"uuid": row.uuid}
        common.set_status(201)
        pecan.response.headers["Location"] = f"{common.base_url()}/v1/bays/{row.uuid}"
        return ctypes.render_bay(row, common.base_url(), full=True)

    @pecan.expose("json")
    def patch(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Change a bay's node_count."""
        version = common.version()
        args = common.args(("rollback",) if versions.allow_rollback(version) else ())
        rollback = bool(t.query_bool("rollback", args.get("rollback")))
        ops = jp.parse_patch(common.body(), common.content_type(), internal=ctypes.INTERNAL,
                             mandatory=ctypes.MANDATORY)
        ctx = common.context()
        row = get_cluster(ident)
        policy.authorize("bay:update", ctx, target(row))
        before = ctypes.document(row)
        after = jp.apply_patch(before, ops, internal=ctypes.INTERNAL,
                               dict_attrs=ctypes.DICT_ATTRS)
        after["node_count"] = jp.integer("node_count", after["node_count"], minimum=1)
        changed = sorted(k for k in after if before.get(k) != after.get(k))
        refused = [k for k in changed if k != "node_count"]
        if refused:
            raise exc.Invalid(f"cannot change bay property(ies) {', '.join(refused)}.")
        cluster_actions.update(row, after["node_count"], rollback, health={})
        if versions.bays_async(version):
            common.set_status(202)
            return {"uuid": row.uuid}
        return ctypes.render_bay(get_cluster(row.uuid), common.base_url(), full=True)

    @pecan.expose("json")
    def delete(self, ident: str, **kwargs: str) -> Any:
        """Delete a bay."""
        common.no_args(kwargs)
        row = get_cluster(ident)
        policy.authorize("bay:delete", common.context(), target(row))
        cluster_actions.delete(row)
        return common.no_content()
