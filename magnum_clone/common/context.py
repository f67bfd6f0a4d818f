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


class ServiceContext(RequestContext):
    """The service acting as its own Keystone user, for clients that need a credential
    where no user token exists (periodic work, a create resumed after a restart).

    castellan's Barbican driver authenticates an oslo.context through its
    ``get_auth_plugin()`` when it has one (else it demands ``auth_token``); here that is the
    service user's keystoneauth plugin, which fetches and renews its own token. The plugin
    holds a password: it is not part of ``to_dict()``, so it never travels over RPC or into
    a log line.
    """

    def __init__(self, auth_plugin: Any, **kwargs: Any) -> None:
        kwargs.setdefault("roles", ["admin"])
        kwargs.setdefault("overwrite", False)
        super().__init__(is_admin=True, **kwargs)
        self._auth_plugin = auth_plugin

    def get_auth_plugin(self) -> Any:
        return self._auth_plugin
