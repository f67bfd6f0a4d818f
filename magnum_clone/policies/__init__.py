"""Policy in code: base rules here, one module per resource with its operation rules.

``list_rules()`` is the ``oslo.policy.policies`` entry point, so
``oslopolicy-sample-generator --namespace magnum_clone`` writes etc/policy.yaml.sample.
"""

from __future__ import annotations

import itertools

from oslo_policy import policy

from magnum_clone.policies import cluster, cluster_template, federation, misc

ROLE_ADMIN = "role:admin"

base_rules = [
    policy.RuleDefault("context_is_admin", ROLE_ADMIN, description="Administrator."),
    policy.RuleDefault("admin_or_owner", "is_admin:True or project_id:%(project_id)s"),
    policy.RuleDefault("admin_or_user", "is_admin:True or user_id:%(user_id)s"),
    policy.RuleDefault("is_user", "user_id:%(user_id)s"),
    policy.RuleDefault("project_member", "role:member and project_id:%(project_id)s"),
    policy.RuleDefault("project_reader", "role:reader and project_id:%(project_id)s"),
    policy.RuleDefault("admin_or_project_reader", "rule:context_is_admin or rule:project_reader"),
    policy.RuleDefault("admin_or_project_member", "rule:context_is_admin or rule:project_member"),
    policy.RuleDefault("admin_or_project_member_user",
                       "rule:context_is_admin or (rule:project_member and rule:is_user)"),
    policy.RuleDefault("admin_or_project_member_user_or_cluster_user",
                       "rule:context_is_admin or (rule:project_member and rule:is_user)"),
    policy.RuleDefault("project_member_deny_cluster_user", "rule:project_member"),
    policy.RuleDefault("admin_or_project_member_deny_cluster_user",
                       "rule:context_is_admin or rule:project_member"),
    policy.RuleDefault("project_reader_deny_cluster_user", "rule:project_reader"),
    policy.RuleDefault("admin_or_project_reader_deny_cluster_user",
                       "rule:context_is_admin or rule:project_reader"),
    policy.RuleDefault("admin_or_project_reader_user",
                       "rule:context_is_admin or (rule:project_reader and rule:is_user)"),
    policy.RuleDefault("admin_api", ROLE_ADMIN),
    policy.RuleDefault("deny_cluster_user", "@"),
]


def list_rules() -> list[policy.RuleDefault]:
    return list(itertools.chain(base_rules, cluster.rules, cluster_template.rules,
                                federation.rules, misc.rules))
