"""/v1/clustertemplates: parse, policy, validate, persist, render (reference §3)."""

from __future__ import annotations

from typing import Any

import pecan
from oslo_utils import uuidutils

from magnum_clone.api import validation
from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import common, names
from magnum_clone.api.types import base as t
from magnum_clone.api.types import cluster_template as ct
from magnum_clone.api.types import patch as jp
from magnum_clone.common import exceptions as exc
from magnum_clone.common import policy
from magnum_clone.common.clients import cloud
from magnum_clone.db import api as db_api


class Flavour:
    """What differs between /clustertemplates and the legacy /baymodels."""

    collection = "clustertemplates"
    policy_prefix = "clustertemplate"
    argname = "cluster_template"
    post_type: type = ct.ClusterTemplatePOST
    name_suffix = "template"
    # the ``<prefix>:<op>_all_projects`` rules decide whether an admin sees every project
    all_projects_rules = True


class BayModelFlavour(Flavour):
    collection = "baymodels"
    policy_prefix = "baymodel"
    argname = "baymodel"
    post_type = ct.BayModelPOST
    name_suffix = "model"
    all_projects_rules = False  # baymodel:* has no such rules: admins see every project


# a change of any of these may change the template's driver (reference §13.6)
_DRIVER_INPUTS = ("coe", "image_id", "server_type", "driver")


def _validate(doc: dict[str, Any], lookup: cloud.CloudLookup, *, image: bool) -> Any:
    """Template rules in the reference's order; returns the driver. Fills defaults into doc."""
    validation.coe_and_server_type(doc)
    if doc.get("network_driver") is None:
        doc["network_driver"] = validation.default_network_driver(doc["coe"])
    validation.network_driver(doc)
    validation.volume_driver(doc)
    validation.devicemapper(doc.get("docker_storage_driver"), doc.get("docker_volume_size"))
    drv = validation.resolve_driver(doc, lookup.get_image(doc["image_id"])) if image else None
    return drv


class ClusterTemplatesController(routing.Resource):
    flavour: type[Flavour] = Flavour

    def _render(self, row: Any) -> dict[str, Any]:
        return ct.render(row, common.base_url(), self.flavour.collection)

    def _restricted_admin(self, op: str) -> bool:
        """An admin whom the ``<op>_all_projects`` rule does not allow: it sees the templates
        of its own project and the public ones, hidden included (reference §3.2, §14)."""
        ctx = common.context()
        return bool(ctx.is_admin) and self.flavour.all_projects_rules and not \
            policy.all_projects(f"{self.flavour.policy_prefix}:{op}_all_projects", ctx)

    def _list(self, action: str, kwargs: dict[str, str], path: str) -> dict[str, Any]:
        page, _ = common.page(kwargs)
        ctx = common.context()
        policy.authorize(f"{self.flavour.policy_prefix}:{action}", ctx)
        if self._restricted_admin(action):
            rows = self._own_and_public_page(page)
        else:
            rows = db_api.get_instance().list_cluster_templates(
                project_id=ctx.project_id, is_admin=ctx.is_admin, limit=page.limit,
                marker=page.marker, sort_key=page.sort_key, sort_dir=page.sort_dir)
        items = [self._render(r) for r in rows]
        return common.collection(self.flavour.collection, items, page, path,
                                 rows[-1].uuid if rows else None)

    @pecan.expose("json")
    def get_all(self, **kwargs: str) -> dict[str, Any]:
        """List templates visible to the caller."""
        return self._list("get_all", kwargs, self.flavour.collection)

    @pecan.expose("json")
    def detail(self, **kwargs: str) -> dict[str, Any]:
        """List templates with details (the same full representation)."""
        return self._list("detail", kwargs, f"{self.flavour.collection}/detail")

    def _own_and_public_page(self, page: common.Page) -> list[Any]:
        """A page of the own project's and the public templates, in the requested order: pages
        of every template filtered until the page is full."""
        ctx = common.context()
        db = db_api.get_instance()
        if page.marker is not None:
            self._get_restricted(page.marker)   # 404 for a marker the caller cannot see
        out: list[Any] = []
        marker = page.marker
        while len(out) < page.limit:
            rows = db.list_cluster_templates(project_id=None, is_admin=True, limit=page.limit,
                                             marker=marker, sort_key=page.sort_key,
                                             sort_dir=page.sort_dir)
            out.extend(r for r in rows if r.public or r.project_id == ctx.project_id)
            if len(rows) < page.limit:
                break
            marker = rows[-1].uuid
        return out[:page.limit]

    def _get_restricted(self, ident: str) -> Any:
        ctx = common.context()
        db = db_api.get_instance()
        try:
            return db.get_cluster_template(ident=ident, project_id=ctx.project_id,
                                           is_admin=False)
        except exc.ClusterTemplateNotFound as missing:
            try:
                row = db.get_cluster_template(ident=ident, project_id=None, is_admin=True)
            except (exc.ClusterTemplateNotFound, exc.Duplicate):
                raise missing from None
            if not row.public:
                raise missing from None
            return row

    def _get(self, ident: str, op: str = "get_one") -> Any:
        """The template ``ident`` as the caller sees it for ``op`` (get_one, update,
        delete), then ``<prefix>:get`` for a non-public one."""
        ctx = common.context()
        if self._restricted_admin(op):
            row = self._get_restricted(ident)
        else:
            row = db_api.get_instance().get_cluster_template(
                ident=ident, project_id=ctx.project_id, is_admin=ctx.is_admin)
        if not row.public:
            policy.authorize(f"{self.flavour.policy_prefix}:get", ctx, _target(row))
        return row

    @pecan.expose("json")
    def get_one(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Show one template by uuid or name."""
        common.no_args(kwargs)
        return self._render(self._get(ident))

    @pecan.expose("json")
    def post(self, **kwargs: str) -> dict[str, Any]:
        """Create a template (synchronous, 201)."""
        common.no_args(kwargs)
        obj = t.parse_body(self.flavour.post_type, self.flavour.argname, common.body(),
                           common.content_type())
        ctx = common.context()
        doc = {k: v for k, v in t.given(obj, ct.WRITABLE).items() if v is not None}
        for k, v in ct.DEFAULTS.items():
            doc.setdefault(k, v)
        lookup = cloud.get_cloud(ctx)
        drv = _validate(doc, lookup, image=True)
        policy.authorize(f"{self.flavour.policy_prefix}:create", ctx)
        validation.cloud_resources(lookup, doc)
        if (doc["public"] or doc["hidden"]) and not policy.check(
                f"{self.flavour.policy_prefix}:publish", ctx):
            raise exc.ClusterTemplatePublishDenied()
        validation.root_disk(lookup, doc["labels"], doc.get("flavor_id"),
                             doc.get("master_flavor_id"))
        validation.labels(drv, doc["labels"])
        doc["labels"] = {k: str(v) for k, v in doc["labels"].items()}
        doc.setdefault("uuid", uuidutils.generate_uuid())
        doc.setdefault("name", names.generate(self.flavour.name_suffix))
        doc.update(project_id=ctx.project_id, user_id=ctx.user_id)
        row = db_api.get_instance().create_cluster_template(values=doc)
        common.set_status(201)
        pecan.response.headers["Location"] = (
            f"{common.base_url()}/v1/{self.flavour.collection}/{row.uuid}")
        return self._render(row)

    @pecan.expose("json")
    def patch(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Update a template with JSON-patch (200 with the updated template)."""
        common.no_args(kwargs)
        ops = jp.parse_patch(common.body(), common.content_type(), mandatory=ct.MANDATORY)
        ctx = common.context()
        row = self._get(ident, "update")
        policy.authorize(f"{self.flavour.policy_prefix}:update", ctx, _target(row))
        before = ct.document(row)
        patched = jp.apply_patch(before, ops, mandatory=ct.MANDATORY, dict_attrs=ct.DICT_ATTRS)
        after = ct.typed_document(self.flavour.post_type, self.flavour.argname, patched)
        lookup = cloud.get_cloud(ctx)
        _validate(after, lookup, image=False)
        image = lookup.get_image(after["image_id"])
        if any(before.get(k) != after.get(k) for k in _DRIVER_INPUTS):
            validation.re_resolve_driver(after, image, driver_named=(
                after.get("driver") != before.get("driver")))
        validation.cloud_resources(lookup, after)
        if (before["public"], before["hidden"]) != (after["public"], after["hidden"]) and \
                not policy.check(f"{self.flavour.policy_prefix}:publish", ctx):
            raise exc.ClusterTemplatePublishDenied()
        changed_flavors = [after[f] for f in ("flavor_id", "master_flavor_id")
                           if after[f] != before[f]]
        validation.root_disk(lookup, before["labels"], *changed_flavors)
        if after["labels"] != before["labels"] or after["driver"] != before["driver"]:
            validation.labels(_driver_of(after), after["labels"])
        values = {k: v for k, v in after.items() if before.get(k) != v}
        updated = db_api.get_instance().update_cluster_template(
            uuid=row.uuid, values=values,
            refuse_if_in_use=not validation.template_in_use_change_allowed(before, after))
        return self._render(updated)

    @pecan.expose("json")
    def delete(self, ident: str, **kwargs: str) -> Any:
        """Delete a template not referenced by any cluster (204)."""
        common.no_args(kwargs)
        ctx = common.context()
        row = self._get(ident, "delete")
        policy.authorize(f"{self.flavour.policy_prefix}:delete", ctx, _target(row))
        db_api.get_instance().destroy_cluster_template(uuid=row.uuid)
        return common.no_content()


class BayModelsController(ClusterTemplatesController):
    flavour = BayModelFlavour


def _target(row: Any) -> dict[str, Any]:
    return {"project_id": row.project_id, "user_id": row.user_id}


def _driver_of(doc: dict[str, Any]) -> Any:
    from magnum_clone.common import driver_factory

    return driver_factory.for_template(doc)
