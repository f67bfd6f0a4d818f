"""/v1/quotas: per-project cluster limits (reference §9).

Only the ``Cluster`` resource exists; cluster creation reads the row (or
``[quotas] max_clusters_per_project``) and enforces it in the insert transaction.
"""

from __future__ import annotations

from typing import Any

import pecan

from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import common
from magnum_clone.api.types import base as t
from magnum_clone.api.types import quota as qtypes
from magnum_clone.common import exceptions as exc
from magnum_clone.common import policy
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api

ONE: routing.Table = {"GET": "get_one", "PATCH": "patch", "DELETE": "delete"}


def check_project_exists(context: Any, project_id: str) -> None:
    """404 ``The project_id <p> could not be found.`` for a project Keystone does not know.

    A request not authenticated by keystonemiddleware (``auth_strategy = noauth``) has no
    Keystone to ask: any project id is accepted.
    """
    if not getattr(context, "keystone_authenticated", False):
        return
    from magnum_clone.common.clients import keystone

    if not keystone.project_exists(context, project_id):
        raise exc.NotFound(f"The project_id {project_id} could not be found.")


def _page() -> tuple[common.Page, int | None, bool]:
    """marker (an integer quota id), limit, sort_key, sort_dir, all_tenants."""
    args = common.args((*common.PAGE_ARGS, "all_tenants"))
    limit = t.query_int("limit", args.get("limit"))
    if limit is not None and limit <= 0:
        raise exc.Invalid("Limit must be positive")
    limit = min(limit or CONF.api.max_limit, CONF.api.max_limit)
    marker = t.query_int("marker", args.get("marker"))
    sort_dir = args.get("sort_dir", "asc")
    if sort_dir not in ("asc", "desc"):
        raise exc.Invalid(f"Invalid sort direction: {sort_dir}. "
                          "Acceptable values are 'asc' or 'desc'")
    all_tenants = bool(t.query_bool("all_tenants", args.get("all_tenants")))
    page = common.Page(limit, None if marker is None else str(marker),
                       args.get("sort_key", "id"), sort_dir)
    return page, marker, all_tenants


class QuotasController(routing.Resource):
    collection = {"GET": "get_all", "POST": "post"}
    fixed: dict[str, routing.Table] = {}
    member: routing.Table = {}  # /v1/quotas/<project_id> alone is not a route

    def subresource(self, ident: str, name: str, rest: list[str], request: Any
                    ) -> routing.Route:
        """``/v1/quotas/<project_id>/<resource>``."""
        if rest:
            routing.abort(404)
        return routing.dispatch(self, ONE, request, [ident, name])

    @pecan.expose("json")
    def get_all(self, **kwargs: str) -> dict[str, Any]:
        """List quotas: the caller's project, or every project for an admin with
        ``all_tenants=True``. The ``next`` link does not carry ``all_tenants`` (upstream)."""
        page, marker, all_tenants = _page()
        ctx = common.context()
        policy.authorize("quota:get_all", ctx)
        project_id = None if (ctx.is_admin and all_tenants) else ctx.project_id
        rows = db_api.get_instance().list_quotas(
            project_id=project_id, limit=page.limit, marker=marker, sort_key=page.sort_key,
            sort_dir=page.sort_dir)
        return common.collection("quotas", [qtypes.render(r) for r in rows], page, "quotas",
                                 str(rows[-1].id) if rows else None)

    @pecan.expose("json")
    def get_one(self, project_id: str, resource: str, **kwargs: str) -> dict[str, Any]:
        """One project's quota; without a row, the configured default."""
        common.no_args(kwargs)
        ctx = common.context()
        policy.authorize("quota:get", ctx)
        if not ctx.is_admin and project_id != ctx.project_id:
            raise exc.NotAuthorized()
        try:
            return qtypes.render(db_api.get_instance().get_quota(project_id=project_id,
                                                                 resource=resource))
        except exc.QuotaNotFound:
            return qtypes.default(project_id, CONF.quotas.max_clusters_per_project)

    @pecan.expose("json")
    def post(self, **kwargs: str) -> dict[str, Any]:
        """Create a project's quota (201)."""
        common.no_args(kwargs)
        obj = t.parse_body(qtypes.QuotaPOST, "quota", common.body(), common.content_type())
        given = {k: v for k, v in t.given(obj, qtypes.FIELDS).items() if v is not None}
        ctx = common.context()
        policy.authorize("quota:create", ctx)
        check_project_exists(ctx, given["project_id"])
        row = db_api.get_instance().create_quota(values={
            "project_id": given["project_id"],
            "resource": given.get("resource", qtypes.DEFAULT_RESOURCE),
            "hard_limit": given.get("hard_limit", qtypes.DEFAULT_HARD_LIMIT)})
        common.set_status(201)
        return qtypes.render(row)

    @pecan.expose("json")
    def patch(self, project_id: str, resource: str, **kwargs: str) -> dict[str, Any]:
        """Change a quota's ``hard_limit`` (202)."""
        common.no_args(kwargs)
        obj = t.parse_body(qtypes.QuotaPATCH, "quota", common.body(), common.content_type())
        given = {k: v for k, v in t.given(obj, ("hard_limit",)).items() if v is not None}
        ctx = common.context()
        policy.authorize("quota:update", ctx)
        db = db_api.get_instance()
        row = (db.update_quota(project_id=project_id, resource=resource, values=given)
               if given else db.get_quota(project_id=project_id, resource=resource))
        common.set_status(202)
        return qtypes.render(row)

    @pecan.expose("json")
    def delete(self, project_id: str, resource: str, **kwargs: str) -> Any:
        """Delete a quota (204)."""
        common.no_args(kwargs)
        policy.authorize("quota:delete", common.context())
        db_api.get_instance().destroy_quota(project_id=project_id, resource=resource)
        return common.no_content()
