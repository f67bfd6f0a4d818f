"""Policies of /v1/clusters (and the legacy /v1/bays)."""

from __future__ import annotations

from oslo_policy import policy

_C = "/v1/clusters"
MEMBER = "rule:admin_or_project_member_deny_cluster_user"
READER = "rule:admin_or_project_reader_deny_cluster_user"
ADMIN = "rule:context_is_admin"


def _r(name: str, check: str, desc: str, method: str, path: str) -> policy.DocumentedRuleDefault:
    return policy.DocumentedRuleDefault(name=name, check_str=check, description=desc,
                                        operations=[{"method": method, "path": path}])


rules = [
    _r("cluster:create", MEMBER, "Create a cluster.", "POST", _C),
    _r("cluster:delete", MEMBER, "Delete a cluster.", "DELETE", _C + "/{cluster_ident}"),
    _r("cluster:delete_all_projects", ADMIN, "Delete a cluster of any project.", "DELETE",
       _C + "/{cluster_ident}"),
    _r("cluster:detail", READER, "List clusters with details.", "GET", _C + "/detail"),
    _r("cluster:detail_all_projects", ADMIN, "List clusters of all projects with details.",
       "GET", _C + "/detail"),
    _r("cluster:get", READER, "Show a cluster.", "GET", _C + "/{cluster_ident}"),
    _r("cluster:get_one_all_projects", ADMIN, "Show a cluster of any project.", "GET",
       _C + "/{cluster_ident}"),
    _r("cluster:get_all", READER, "List clusters.", "GET", _C),
    _r("cluster:get_all_all_projects", ADMIN, "List clusters of all projects.", "GET", _C),
    _r("cluster:update", MEMBER, "Update a cluster.", "PATCH", _C + "/{cluster_ident}"),
    _r("cluster:update_health_status", "rule:admin_or_project_member_user_or_cluster_user",
       "Update the health status of a cluster.", "PATCH", _C + "/{cluster_ident}"),
    _r("cluster:update_all_projects", ADMIN, "Update a cluster of any project.", "PATCH",
       _C + "/{cluster_ident}"),
    _r("cluster:resize", MEMBER, "Resize a cluster.", "POST",
       _C + "/{cluster_ident}/actions/resize"),
    _r("cluster:upgrade", MEMBER, "Upgrade a cluster.", "POST",
       _C + "/{cluster_ident}/actions/upgrade"),
    _r("cluster:upgrade_all_projects", ADMIN, "Upgrade a cluster of any project.", "POST",
       _C + "/{cluster_ident}/actions/upgrade"),
    _r("bay:create", MEMBER, "Create a bay.", "POST", "/v1/bays"),
    _r("bay:delete", MEMBER, "Delete a bay.", "DELETE", "/v1/bays/{bay_ident}"),
    _r("bay:detail", READER, "List bays with details.", "GET", "/v1/bays/detail"),
    _r("bay:get", READER, "Show a bay.", "GET", "/v1/bays/{bay_ident}"),
    _r("bay:get_all", READER, "List bays.", "GET", "/v1/bays"),
    _r("bay:update", MEMBER, "Update a bay.", "PATCH", "/v1/bays/{bay_ident}"),
]
