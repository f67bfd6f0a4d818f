"""Policies of /v1/clustertemplates (and the legacy /v1/baymodels)."""

from __future__ import annotations

from magnum_clone.policies.base import ADMIN, ADMIN_OR_OWNER, rule

_T = "/v1/clustertemplates"
_ONE = _T + "/{clustertemplate_ident}"
_B = "/v1/baymodels"
MEMBER_DENY = "rule:admin_or_project_member_deny_cluster_user"
MEMBER = "rule:admin_or_project_member"
READER = "rule:admin_or_project_reader_deny_cluster_user"

rules = [
    rule("clustertemplate:create", MEMBER_DENY, "Create a cluster template.", "POST", _T,
         deprecated=ADMIN_OR_OWNER),
    rule("clustertemplate:delete", MEMBER, "Delete a cluster template.", "DELETE", _ONE,
         deprecated=ADMIN_OR_OWNER),
    rule("clustertemplate:delete_all_projects", ADMIN, "Delete a template of any project.",
         "DELETE", _ONE),
    rule("clustertemplate:detail", READER, "List templates with details.", "GET",
         _T + "/detail", deprecated=ADMIN_OR_OWNER),
    rule("clustertemplate:detail_all_projects", ADMIN, "List templates of all projects.",
         "GET", _T + "/detail"),
    rule("clustertemplate:get", READER, "Show a (non-public) template.", "GET", _ONE,
         deprecated=ADMIN_OR_OWNER),
    rule("clustertemplate:get_one_all_projects", ADMIN, "Show a template of any project.",
         "GET", _ONE),
    rule("clustertemplate:get_all", READER, "List templates.", "GET", _T,
         deprecated=ADMIN_OR_OWNER),
    rule("clustertemplate:get_all_all_projects", ADMIN, "List templates of all projects.",
         "GET", _T),
    rule("clustertemplate:update", MEMBER, "Update a template.", "PATCH", _ONE,
         deprecated=ADMIN_OR_OWNER),
    rule("clustertemplate:update_all_projects", ADMIN, "Update a template of any project.",
         "PATCH", _ONE),
    rule("clustertemplate:publish", ADMIN, "Set the public or hidden flag of a template.",
         "POST", _T, scoped=False),
    # legacy (<= 16.x): no all-projects variants, no deprecated aliases
    rule("baymodel:create", MEMBER_DENY, "Create a baymodel.", "POST", _B),
    rule("baymodel:delete", MEMBER_DENY, "Delete a baymodel.", "DELETE",
         _B + "/{baymodel_ident}"),
    rule("baymodel:detail", READER, "List baymodels with details.", "GET", _B + "/detail"),
    rule("baymodel:get", READER, "Show a baymodel.", "GET", _B + "/{baymodel_ident}"),
    rule("baymodel:get_all", READER, "List baymodels.", "GET", _B),
    rule("baymodel:update", MEMBER_DENY, "Update a baymodel.", "PATCH",
         _B + "/{baymodel_ident}"),
    rule("baymodel:publish", ADMIN, "Publish a baymodel.", "POST", _B, scoped=False),
]
