"""Policies of the smaller resources: services, stats, quotas, certificates, credentials,
nodegroups. (Federations have their own module, federation.py.)"""

from __future__ import annotations

from magnum_clone.policies.base import ADMIN, ADMIN_OR_OWNER, ADMIN_OR_USER, rule

_NG = "/v1/clusters/{cluster_ident}/nodegroups"
_NG_ONE = _NG + "/{nodegroup}"
_Q = "/v1/quotas"
_Q_ONE = _Q + "/{project_id}/{resource}"
READER = "rule:admin_or_project_reader"
MEMBER = "rule:admin_or_project_member"

rules = [
    rule("magnum-service:get_all", ADMIN, "List conductor services.", "GET", "/v1/mservices"),
    rule("stats:get_all", READER, "Show statistics.", "GET", "/v1/stats",
         deprecated=ADMIN_OR_OWNER),
    rule("quota:create", ADMIN, "Create a quota.", "POST", _Q),
    rule("quota:delete", ADMIN, "Delete a quota.", "DELETE", _Q_ONE),
    rule("quota:update", ADMIN, "Update a quota.", "PATCH", _Q_ONE),
    rule("quota:get_all", ADMIN, "List quotas.", "GET", _Q),
    rule("quota:get", READER, "Show a quota.", "GET", _Q_ONE, deprecated=ADMIN_OR_OWNER),
    rule("certificate:create", "rule:admin_or_project_member_user", "Sign a CSR.", "POST",
         "/v1/certificates", deprecated=ADMIN_OR_USER),
    rule("certificate:get", "rule:admin_or_project_reader_user", "Show a cluster CA.", "GET",
         "/v1/certificates/{cluster_ident}", deprecated=ADMIN_OR_USER),
    rule("certificate:rotate_ca", MEMBER, "Rotate a cluster CA.", "PATCH",
         "/v1/certificates/{cluster_ident}", deprecated=ADMIN_OR_OWNER),
    rule("credential:rotate", "rule:project_member_deny_cluster_user",
         "Rotate the credential of a cluster (admins are not included).", "PATCH",
         "/v1/credentials/{cluster_ident}"),  # born (21.0) after the new defaults: no alias
    rule("nodegroup:get", READER, "Show a nodegroup.", "GET", _NG_ONE,
         deprecated=ADMIN_OR_OWNER),
    rule("nodegroup:get_all", READER, "List nodegroups.", "GET", _NG,
         deprecated=ADMIN_OR_OWNER),
    rule("nodegroup:get_all_all_projects", ADMIN, "List nodegroups of all projects.", "GET",
         _NG),
    rule("nodegroup:get_one_all_projects", ADMIN, "Show a nodegroup of any project.", "GET",
         _NG_ONE),
    rule("nodegroup:create", MEMBER, "Create a nodegroup.", "POST", _NG,
         deprecated=ADMIN_OR_OWNER),
    rule("nodegroup:update", MEMBER, "Update a nodegroup.", "PATCH", _NG_ONE,
         deprecated=ADMIN_OR_OWNER),
    rule("nodegroup:delete", MEMBER, "Delete a nodegroup.", "DELETE", _NG_ONE,
         deprecated=ADMIN_OR_OWNER),
]
