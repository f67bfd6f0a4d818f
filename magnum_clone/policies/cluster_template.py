"""Policies of /v1/clustertemplates (and the legacy /v1/baymodels)."""

from __future__ import annotations

from oslo_policy import policy

_T = "/v1/clustertemplates"
_B = "/v1/baymodels"
MEMBER_DENY = "rule:admin_or_project_member_deny_cluster_user"
MEMBER = "rule:admin_or_project_member"
READER = "rule:admin_or_project_reader_deny_cluster_user"
ADMIN = "rule:context_is_admin"


def _r(name: str, check: str, desc: str, method: str, path: str) -> policy.DocumentedRuleDefault:
    return policy.DocumentedRuleDefault(name=name, check_str=check, description=desc,
                                        operations=[{"method": method, "path": path}])


rules = [
    _r("clustertemplate:create", MEMBER_DENY, "Create a cluster template.", "POST", _T),
    _r("clustertemplate:delete", MEMBER, "Delete a cluster template.", "DELETE",
       _T + "/{clustertemplate_ident}"),
    _r("clustertemplate:delete_all_projects", ADMIN, "Delete a template of any project.",
       "DELETE", _T + "/{clustertemplate_ident}"),
    _r("clustertemplate:detail", READER, "List templates with details.", "GET", _T + "/detail"),
    _r("clustertemplate:detail_all_projects", ADMIN, "List templates of all projects.", "GET",
       _T + "/detail"),
    _r("clustertemplate:get", READER, "Show a (non-public) template.", "GET",
       _T + "/{clustertemplate_ident}"),
    _r("clustertemplate:get_one_all_projects", ADMIN, "Show a template of any project.", "GET",
       _T + "/{clustertemplate_ident}"),
    _r("clustertemplate:get_all", READER, "List templates.", "GET", _T),
    _r("clustertemplate:get_all_all_projects", ADMIN, "List templates of all projects.", "GET",
       _T),
    _r("clustertemplate:update", MEMBER, "Update a template.", "PATCH",
       _T + "/{clustertemplate_ident}"),
    _r("clustertemplate:update_all_projects", ADMIN, "Update a template of any project.",
       "PATCH", _T + "/{clustertemplate_ident}"),
    _r("clustertemplate:publish", ADMIN, "Set the public or hidden flag of a template.", "POST",
       _T),
    _r("baymodel:create", MEMBER_DENY, "Create a baymodel.", "POST", _B),
    _r("baymodel:delete", MEMBER_DENY, "Delete a baymodel.", "DELETE", _B + "/{baymodel_ident}"),
    _r("baymodel:detail", READER, "List baymodels with details.", "GET", _B + "/detail"),
    _r("baymodel:get", READER, "Show a baymodel.", "GET", _B + "/{baymodel_ident}"),
    _r("baymodel:get_all", READER, "List baymodels.", "GET", _B),
    _r("baymodel:update", MEMBER_DENY, "Update a baymodel.", "PATCH", _B + "/{baymodel_ident}"),
    _r("baymodel:publish", ADMIN, "Publish a baymodel.", "POST", _B),
]
