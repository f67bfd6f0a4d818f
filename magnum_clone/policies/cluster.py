"""Policies of /v1/clusters (and the legacy /v1/bays)."""

from __future__ import annotations

from magnum_clone.policies.base import ADMIN, ADMIN_OR_OWNER, ADMIN_OR_USER, rule

_C = "/v1/clusters"
_ONE = _C + "/{cluster_ident}"
MEMBER = "rule:admin_or_project_member_deny_cluster_user"
READER = "rule:admin_or_project_reader_deny_cluster_user"

rules = [
    rule("cluster:create", MEMBER, "Create a cluster.", "POST", _C, deprecated=ADMIN_OR_OWNER),
    rule("cluster:delete", MEMBER, "Delete a cluster.", "DELETE", _ONE,
         deprecated=ADMIN_OR_OWNER),
    rule("cluster:delete_all_projects", ADMIN, "Delete a cluster of any project.", "DELETE",
         _ONE, scoped=False),
    rule("cluster:detail", READER, "List clusters with details.", "GET", _C + "/detail",
         deprecated=ADMIN_OR_OWNER),
    rule("cluster:detail_all_projects", ADMIN, "List clusters of all projects with details.",
         "GET", _C + "/detail"),
    rule("cluster:get", READER, "Show a cluster.", "GET", _ONE, deprecated=ADMIN_OR_OWNER),
    rule("cluster:get_one_all_projects", ADMIN, "Show a cluster of any project.", "GET", _ONE),
    rule("cluster:get_all", READER, "List clusters.", "GET", _C, deprecated=ADMIN_OR_OWNER),
    rule("cluster:get_all_all_projects", ADMIN, "List clusters of all projects.", "GET", _C),
    rule("cluster:update", MEMBER, "Update a cluster.", "PATCH", _ONE,
         deprecated=ADMIN_OR_OWNER),
    rule("cluster:update_health_status", "rule:admin_or_project_member_user_or_cluster_user",
         "Update the health status of a cluster.", "PATCH", _ONE, deprecated=ADMIN_OR_USER),
    rule("cluster:update_all_projects", ADMIN, "Update a cluster of any project.", "PATCH",
         _ONE),
    rule("cluster:resize", MEMBER, "Resize a cluster.", "POST", _ONE + "/actions/resize",
         deprecated=ADMIN_OR_OWNER),
    rule("cluster:upgrade", MEMBER, "Upgrade a cluster.", "POST", _ONE + "/actions/upgrade",
         deprecated=ADMIN_OR_OWNER),
    rule("cluster:upgrade_all_projects", ADMIN, "Upgrade a cluster of any project.", "POST",
         _ONE + "/actions/upgrade"),
    # legacy (<= 16.x): no all-projects variants, no deprecated aliases
    rule("bay:create", MEMBER, "Create a bay.", "POST", "/v1/bays"),
    rule("bay:delete", MEMBER, "Delete a bay.", "DELETE", "/v1/bays/{bay_ident}"),
    rule("bay:detail", READER, "List bays with details.", "GET", "/v1/bays/detail"),
    rule("bay:get", READER, "Show a bay.", "GET", "/v1/bays/{bay_ident}"),
    rule("bay:get_all", READER, "List bays.", "GET", "/v1/bays"),
    rule("bay:update", MEMBER, "Update a bay.", "PATCH", "/v1/bays/{bay_ident}"),
]
