"""Request context: who is calling, built from keystonemiddleware's headers (or noauth)."""

from __future__ import annotations

from typing import Any

from oslo_context import context


class RequestContext(context.RequestContext):
    """oslo.context's context plus the admin flag as our policy computes it."""

    def __init__(self, is_admin: bool | None = None, **kwargs: Any) -> None:
        super().__init__(is_admin=bool(is_admin), **kwargs)
        # True when keystonemiddleware validated a token for this request (not noauth)
        self.keystone_authenticated = False

    def to_policy_values(self) -> Any:
        values = super().to_policy_values()
        values["is_admin"] = self.is_admin
        return values

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["is_admin"] = self.is_admin
        return d

    @classmethod
    def from_dict(cls, values: dict[str, Any], **kwargs: Any) -> RequestContext:
        kwargs.setdefault("is_admin", values.get("is_admin", False))
        return super().from_dict(values, **kwargs)  # type: ignore[return-value]


def admin_context() -> RequestContext:
    """Context of the service itself (conductor periodic work)."""
    return RequestContext(is_admin=True, roles=["admin"], overwrite=False)
