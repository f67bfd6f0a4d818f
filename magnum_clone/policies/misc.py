"""Policies of the smaller resources: services, stats, quotas, certificates, credentials,
nodegroups."""

from __future__ import annotations

from oslo_policy import policy


def _r(name: str, check: str, desc: str, method: str, path: str) -> policy.DocumentedRuleDefault:
    return policy.DocumentedRuleDefault(name=name, check_str=check, description=desc,
                                        operations=[{"method": method, "path": path}])


ADMIN = "rule:context_is_admin"
_NG = "/v1/clusters/{cluster_ident}/nodegroups"

rules = [
    _r("magnum-service:get_all", ADMIN, "List conductor services.", "GET", "/v1/mservices"),
    _r("stats:get_all", "rule:admin_or_project_reader", "Show statistics.", "GET", "/v1/stats"),
    _r("quota:create", ADMIN, "Create a quota.", "POST", "/v1/quotas"),
    _r("quota:delete", ADMIN, "Delete a quota.", "DELETE", "/v1/quotas/{project_id}/{resource}"),
    _r("quota:update", ADMIN, "Update a quota.", "PATCH", "/v1/quotas/{project_id}/{resource}"),
    _r("quota:get_all", ADMIN, "List quotas.", "GET", "/v1/quotas"),
    _r("quota:get", "rule:admin_or_project_reader", "Show a quota.", "GET",
       "/v1/quotas/{project_id}/{resource}"),
    _r("certificate:create", "rule:admin_or_project_member_user", "Sign a CSR.", "POST",
       "/v1/certificates"),
    _r("certificate:get", "rule:admin_or_project_reader_user", "Show a cluster CA.", "GET",
       "/v1/certificates/{cluster_ident}"),
    _r("certificate:rotate_ca", "rule:admin_or_project_member", "Rotate a cluster CA.", "PATCH",
       "/v1/certificates/{cluster_ident}"),
    _r("credential:rotate", "rule:project_member_deny_cluster_user",
       "Rotate the credential of a cluster.", "PATCH", "/v1/credentials/{cluster_ident}"),
    _r("nodegroup:get", "rule:admin_or_project_reader", "Show a nodegroup.", "GET",
       _NG + "/{nodegroup}"),
    _r("nodegroup:get_all", "rule:admin_or_project_reader", "List nodegroups.", "GET", _NG),
    _r("nodegroup:get_all_all_projects", ADMIN, "List nodegroups of all projects.", "GET", _NG),
    _r("nodegroup:get_one_all_projects", ADMIN, "Show a nodegroup of any project.", "GET",
       _NG + "/{nodegroup}"),
    _r("nodegroup:create", "rule:admin_or_project_member", "Create a nodegroup.", "POST", _NG),
    _r("nodegroup:update", "rule:admin_or_project_member", "Update a nodegroup.", "PATCH",
       _NG + "/{nodegroup}"),
    _r("nodegroup:delete", "rule:admin_or_project_member", "Delete a nodegroup.", "DELETE",
       _NG + "/{nodegroup}"),
]
