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


def authorize(action: str, context: Any, target: dict[str, Any] | None = None) -> None:
    """Raise 403 ``Policy doesn't allow <action> to be performed.`` unless allowed."""
    creds = context.to_policy_values()
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
