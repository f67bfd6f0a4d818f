"""/v1/federations: parse, policy, validate, persist, render (reference §11).

Upstream casts create/update/delete to a conductor whose federation methods raise
NotImplementedError, so a created federation is never stored. Here the API stores it: there is
no backend work to do, so each operation runs its status through in the same request with two
compare-and-set writes: create inserts the row ``CREATE_IN_PROGRESS`` and then marks it
``CREATE_COMPLETE``; an update writes the change with ``UPDATE_IN_PROGRESS`` and then marks it
``UPDATE_COMPLETE`` (a backend, if one is ever added, takes over at the second write). Delete
removes the row (204): a deleted federation is gone (GET -> 404), as a cluster whose delete
completed. The answers are the reference's: 202 ``{"uuid"}`` for POST and PATCH, 204 for
DELETE.

Rows are project-scoped for non-admins; admins see every project's federations (§14). Host
and member clusters are looked up as the caller sees clusters (404 when invisible) and stored
by uuid.
"""

from __future__ import annotations

from typing import Any

import pecan
from oslo_utils import uuidutils

from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import clusters, common, names
from magnum_clone.api.types import base as t
from magnum_clone.api.types import federation as ft
from magnum_clone.api.types import patch as jp
from magnum_clone.common import exceptions as exc
from magnum_clone.common import policy
from magnum_clone.db import api as db_api


def target(row: Any) -> dict[str, Any]:
    return {"project_id": row.project_id, "user_id": row.user_id}


def get_federation(ident: str) -> Any:
    """A federation visible to the caller (an admin sees every project)."""
    return db_api.get_instance().get_federation(ident=ident,
                                                project_id=clusters.visible_project(None))


class FederationsController(routing.Resource):

    def _list(self, action: str, full: bool, path: str) -> dict[str, Any]:
        page, _ = common.page()
        policy.authorize(f"federation:{action}", common.context())
        rows = db_api.get_instance().list_federations(
            project_id=clusters.visible_project(None), limit=page.limit, marker=page.marker,
            sort_key=page.sort_key, sort_dir=page.sort_dir)
        base = common.base_url()
        items = [ft.render(r, base, full=full) for r in rows]
        return common.collection("federations", items, page, path,
                                 rows[-1].uuid if rows else None)

    @pecan.expose("json")
    def get_all(self, **kwargs: str) -> dict[str, Any]:
        """List federations (short items)."""
        return self._list("get_all", False, "federations")

    @pecan.expose("json")
    def detail(self, **kwargs: str) -> dict[str, Any]:
        """List federations with every field."""
        return self._list("detail", True, "federations/detail")

    @pecan.expose("json")
    def get_one(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Show one federation by uuid or name."""
        common.no_args(kwargs)
        row = get_federation(ident)
        policy.authorize("federation:get", common.context(), target(row))
        return ft.render(row, common.base_url(), full=True)

    @pecan.expose("json")
    def post(self, **kwargs: str) -> dict[str, Any]:
        """Create a federation of an existing host cluster (202 ``{"uuid"}``)."""
        common.no_args(kwargs)
        obj = t.parse_body(ft.FederationPOST, "federation", common.body(),
                           common.content_type())
        ctx = common.context()
        policy.authorize("federation:create", ctx)
        req = t.given(obj, ft.WRITABLE)
        if req.get("hostcluster_id") is None:
            raise exc.InvalidParameterValue(
                err="No hostcluster specified. Please specify a hostcluster_id.")
        host = clusters.get_cluster(req["hostcluster_id"])
        properties = ft.check_properties(req.get("properties"))
        members: list[str] = []
        for ident in req.get("member_ids") or []:
            uuid = clusters.get_cluster(ident).uuid
            if uuid not in members:
                members.append(uuid)
        db = db_api.get_instance()
        row = db.create_federation(values={
            "uuid": uuidutils.generate_uuid(),
            "name": req.get("name") or names.generate("federation"),
            "project_id": ctx.project_id, "user_id": ctx.user_id,
            "hostcluster_id": host.uuid, "member_ids": members, "properties": properties,
            "status": ft.CREATE_IN_PROGRESS})
        db.update_federation(uuid=row.uuid, values={"status": ft.CREATE_COMPLETE},
                             expect={"status": ft.CREATE_IN_PROGRESS})
        common.set_status(202)
        return {"uuid": row.uuid}

    @pecan.expose("json")
    def patch(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Change ``properties``, or join/unjoin members: ``add``/``remove`` on
        ``/member_ids`` with one cluster as value becomes a replace of the whole list."""
        args = common.args(("rollback",))
        t.query_bool("rollback", args.get("rollback"))  # accepted; nothing to roll back
        ops = jp.parse_patch(common.body(), common.content_type(), internal=ft.INTERNAL)
        ctx = common.context()
        row = get_federation(ident)
        policy.authorize("federation:update", ctx, target(row))
        before = ft.document(row)
        members = list(before["member_ids"])
        others = []
        for op in ops:
            if op["path"] == ft.MEMBERS or op["path"].startswith(ft.MEMBERS + "/"):
                members = _change_members(row, members, op)
            else:
                others.append(op)
        after = jp.apply_patch(before, others, internal=ft.INTERNAL, dict_attrs=ft.DICT_ATTRS)
        after["member_ids"] = members
        changed = jp.changed_fields(before, after)
        refused = sorted(changed - ft.PATCHABLE)
        if refused:
            raise exc.Invalid(f"cannot change federation property(ies) {', '.join(refused)}.")
        if "properties" in changed:
            after["properties"] = ft.check_properties(after["properties"])
        if changed:
            _update(row, {k: after[k] for k in sorted(changed)})
        common.set_status(202)
        return {"uuid": row.uuid}

    @pecan.expose("json")
    def delete(self, ident: str, **kwargs: str) -> Any:
        """Delete a federation (204; its clusters are untouched)."""
        common.no_args(kwargs)
        row = get_federation(ident)
        policy.authorize("federation:delete", common.context(), target(row))
        db_api.get_instance().destroy_federation(uuid=row.uuid)
        return common.no_content()


def _change_members(row: Any, members: list[str], op: dict[str, Any]) -> list[str]:
    """The member list after one ``add`` (join) or ``remove`` (unjoin) of a cluster."""
    if op["path"] != ft.MEMBERS or op["op"] not in ("add", "remove") or \
            op.get("value") is None:
        raise exc.Invalid("Only 'add' and 'remove' operations with a cluster uuid as value "
                          "can change /member_ids.")
    value = str(op["value"])
    if op["op"] == "add":
        uuid = clusters.get_cluster(value).uuid   # 404 unless the caller sees that cluster
        if uuid in members:
            raise exc.MemberAlreadyExists(uuid=uuid, federation=row.name)
        return [*members, uuid]
    if value not in members and not uuidutils.is_uuid_like(value):
        try:  # a member given by name
            value = clusters.get_cluster(value).uuid
        except exc.NotFound:
            pass
    if value not in members:
        raise exc.FederationMemberNotFound(member=value, federation=row.name)
    return [m for m in members if m != value]


def _update(row: Any, values: dict[str, Any]) -> None:
    """Write the change (compare-and-set against what the patch was computed from), then
    complete the update: there is no backend work (module docstring)."""
    db = db_api.get_instance()
    started = db.update_federation(
        uuid=row.uuid, values={**values, "status": ft.UPDATE_IN_PROGRESS},
        expect={"member_ids": list(row.member_ids or []),
                "properties": dict(row.properties or {})})
    if started is None:
        raise exc.Conflict(f"Federation {row.uuid} was changed by another request while this "
                           "one was applied; please retry.")
    db.update_federation(uuid=row.uuid, values={"status": ft.UPDATE_COMPLETE},
                         expect={"status": ft.UPDATE_IN_PROGRESS})
