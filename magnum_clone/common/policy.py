"""The oslo.policy enforcer of the service."""

from __future__ import annotations

from typing import Any

from oslo_policy import policy

from magnum_clone.common import exceptions as exc
from magnum_clone.conf import CONF
from magnum_clone.policies import list_rules

_ENFORCER: policy.Enforcer | None = None


def get_enforcer() -> policy.Enforcer:
    """Also the ``oslo.policy.enforcer`` entry point (oslopolicy-policy-generator)."""
    global _ENFORCER
    if _ENFORCER is None:
        _ENFORCER = policy.Enforcer(CONF)
        _ENFORCER.register_defaults(list_rules())
    return _ENFORCER


def reset() -> None:
    global _ENFORCER
    _ENFORCER = None


def is_admin(creds: dict[str, Any]) -> bool:
    return bool(get_enforcer().enforce("context_is_admin", {}, creds, do_raise=False))


def credentials(context: Any) -> dict[str, Any]:
    """The policy credentials of a request context (its scope comes from the token: the
    context hook sets ``domain_id`` only for a domain-scoped token)."""
    return dict(context.to_policy_values())


def authorize(action: str, context: Any, target: dict[str, Any] | None = None) -> None:
    """Raise 403 ``Policy doesn't allow <action> to be performed.`` unless allowed.

    Without a target the check is made against the caller's own project and user (so it is a
    role check); an invalid token scope is the same 403 (reference §14).
    """
    creds = credentials(context)
    if target is None:
        target = {"project_id": context.project_id, "user_id": context.user_id}
    try:
        ok = get_enforcer().enforce(action, target, creds, do_raise=False)
    except policy.InvalidScope:
        ok = False
    if not ok:
        raise exc.PolicyNotAuthorized(action=action)


def check(action: str, context: Any, target: dict[str, Any] | None = None) -> bool:
    try:
        authorize(action, context, target)
    except exc.PolicyNotAuthorized:
        return False
    return True


def all_projects(action: str, context: Any) -> bool:
    """Whether the caller may act on every project for this operation: an admin
    (``context_is_admin``) whom the ``*_all_projects`` rule ``action`` allows. An admin denied
    by that rule (a policy file override) is restricted to its own project's resources."""
    return bool(getattr(context, "is_admin", False)) and check(action, context)
