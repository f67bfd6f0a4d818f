"""/v1/stats: cluster and node counts of a project or of the whole cloud (reference §10)."""

from __future__ import annotations

from typing import Any

import pecan

from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import common
from magnum_clone.common import exceptions as exc
from magnum_clone.common import policy
from magnum_clone.db import api as db_api

ALLOWED_TYPES = ("cluster",)


class StatsController(routing.Resource):
    collection = {"GET": "get_all"}
    fixed: dict[str, routing.Table] = {}
    member: routing.Table = {}

    @pecan.expose("json")
    def get_all(self, **kwargs: str) -> dict[str, Any]:
        """``{"clusters": n, "nodes": m}``; nodes sums node_count over every nodegroup."""
        args = common.args(("project_id", "type"))
        ctx = common.context()
        policy.authorize("stats:get_all", ctx)
        if args.get("type", "cluster").lower() not in ALLOWED_TYPES:
            raise exc.InvalidParameterValue(
                err=f"Invalid stats type. Allowed values are '{','.join(ALLOWED_TYPES)}'")
        project_id = args.get("project_id") or None
        if not ctx.is_admin:
            if project_id and project_id != ctx.project_id:
                raise exc.NotAuthorized()
            project_id = ctx.project_id
        clusters, nodes = db_api.get_instance().cluster_stats(project_id=project_id)
        return {"clusters": clusters, "nodes": nodes}
