"""What every operation rule shares: scope types and the deprecated aliases (reference §14).

Operation rules are ``scope_types=["project"]`` unless the reference marks them "no scope"
(``scoped=False``). Rules whose default changed from the old aliases carry a
``DeprecatedRule`` with the old string: ``rule:admin_or_owner`` for project rules,
``rule:admin_or_user`` for the rules that check the creator user. With
``[oslo_policy] enforce_new_defaults = false`` oslo.policy accepts either (old OR new); with
the default (true) only the new one counts. Admin-only rules (``context_is_admin``) never
changed and have none.
"""

from __future__ import annotations

from oslo_policy import policy

PROJECT_SCOPE = ["project"]

ADMIN = "rule:context_is_admin"
ADMIN_OR_OWNER = "rule:admin_or_owner"
ADMIN_OR_USER = "rule:admin_or_user"

DEPRECATED_REASON = ("The API now uses the default roles admin, member and reader with project "
                     "scope; the old owner/user based defaults are kept while "
                     "[oslo_policy] enforce_new_defaults is false")
DEPRECATED_SINCE = "0.1.0"


def rule(name: str, check: str, description: str, method: str, path: str, *,
         scoped: bool = True, deprecated: str | None = None) -> policy.DocumentedRuleDefault:
    """One documented operation rule; ``deprecated`` is the old check string, if any."""
    old = None
    if deprecated is not None:
        old = policy.DeprecatedRule(name=name, check_str=deprecated,
                                    deprecated_reason=DEPRECATED_REASON,
                                    deprecated_since=DEPRECATED_SINCE)
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{"method": method, "path": path}],
        scope_types=PROJECT_SCOPE if scoped else None, deprecated_rule=old)
