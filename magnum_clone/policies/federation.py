"""Policies of /v1/federations (reference §14: ``federation:*``)."""

from __future__ import annotations

from magnum_clone.policies.base import ADMIN_OR_OWNER, rule

_F = "/v1/federations"
_ONE = _F + "/{federation_ident}"
MEMBER = "rule:admin_or_project_member_deny_cluster_user"
READER = "rule:admin_or_project_reader_deny_cluster_user"

rules = [
    rule("federation:create", MEMBER, "Create a federation.", "POST", _F,
         deprecated=ADMIN_OR_OWNER),
    rule("federation:delete", MEMBER, "Delete a federation.", "DELETE", _ONE,
         deprecated=ADMIN_OR_OWNER),
    rule("federation:detail", READER, "List federations with details.", "GET",
         _F + "/detail", deprecated=ADMIN_OR_OWNER),
    rule("federation:get", READER, "Show a federation.", "GET", _ONE,
         deprecated=ADMIN_OR_OWNER),
    rule("federation:get_all", READER, "List federations.", "GET", _F,
         deprecated=ADMIN_OR_OWNER),
    rule("federation:update", MEMBER, "Update a federation (join or unjoin members, change "
         "its properties).", "PATCH", _ONE, deprecated=ADMIN_OR_OWNER),
]
