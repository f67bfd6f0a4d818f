"""The WSGI application: CORS -> proxy headers -> request id -> auth -> microversion -> Pecan.

``/healthcheck`` (oslo.middleware) and the version documents ``/`` and ``/v1`` need no token.
``[DEFAULT] auth_strategy`` selects keystonemiddleware ``auth_token`` (configured by its own
``[keystone_authtoken]`` section) or ``noauth`` (a fixed identity from ``[noauth]``).
Behind a TLS proxy, ``[oslo_middleware] enable_proxy_headers_parsing = true`` makes links,
``next`` and ``Location`` follow ``X-Forwarded-Proto``/``X-Forwarded-Host``; ``[cors]``
(oslo.middleware) answers browsers, with the reference's default headers and methods.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pecan
from oslo_middleware import cors, healthcheck, http_proxy_to_wsgi, request_id

from magnum_clone.api import hooks, middleware
from magnum_clone.conf import CONF

PUBLIC_PATHS = ("", "/v1", "/v1.json", ".json")

# reference §1.1: the CORS defaults of the upstream pipeline
CORS_ALLOW_HEADERS = ["X-Auth-Token", "X-Identity-Status", "X-Roles", "X-Service-Catalog",
                      "X-User-Id", "X-Tenant-Id", "X-OpenStack-Request-ID",
                      "X-Server-Management-Url", "OpenStack-API-Version"]
CORS_EXPOSE_HEADERS = ["X-Auth-Token", "X-Subject-Token", "X-Service-Token",
                       "X-OpenStack-Request-ID", "OpenStack-API-Version",
                       "OpenStack-API-Minimum-Version", "OpenStack-API-Maximum-Version"]
CORS_ALLOW_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH"]


def set_middleware_defaults() -> None:
    """Defaults of the oslo.middleware options we rely on (before the config is read)."""
    cors.set_defaults(allow_headers=CORS_ALLOW_HEADERS, expose_headers=CORS_EXPOSE_HEADERS,
                      allow_methods=CORS_ALLOW_METHODS)


class NoAuthMiddleware:
    """Sets the identity headers keystonemiddleware would set, from ``[noauth]``.

    Headers the client sent win (so tests can act as another project or role); this mode is for
    the embedded single-user service and tests only.
    """

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        c = CONF.noauth
        defaults = {
            "HTTP_X_PROJECT_ID": c.project_id, "HTTP_X_PROJECT_NAME": c.project_name,
            "HTTP_X_USER_ID": c.user_id, "HTTP_X_USER_NAME": c.user_name,
            "HTTP_X_ROLES": ",".join(c.roles), "HTTP_X_USER_DOMAIN_ID": "default",
            "HTTP_X_IDENTITY_STATUS": "Confirmed",
        }
        for k, v in defaults.items():
            environ.setdefault(k, v)
        return self.app(environ, start_response)


class PublicRoutes:
    """Lets the version documents through without a token; everything else via ``auth``."""

    def __init__(self, app: Callable[..., Any], auth: Callable[..., Any]) -> None:
        self.app = app
        self.auth = auth

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "").rstrip("/")
        if path in PUBLIC_PATHS:
            return self.app(environ, start_response)
        return self.auth(environ, start_response)


class PathDispatch:
    """Routes /healthcheck to oslo.middleware's healthcheck app."""

    def __init__(self, app: Callable[..., Any], health: Callable[..., Any]) -> None:
        self.app = app
        self.health = health

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO", "").rstrip("/") == "/healthcheck":
            return self.health(environ, start_response)
        return self.app(environ, start_response)


class JSONRenderer:
    """Pecan's ``json`` renderer, with orjson: big collections serialise ~5x faster."""

    def __init__(self, path: Any, extra_vars: Any) -> None:
        pass

    def render(self, template_path: Any, namespace: Any) -> str:
        return orjson.dumps(namespace).decode()


def make_pecan_app() -> Any:
    return pecan.make_app(
        "magnum_clone.api.controllers.root.RootController",
        hooks=[hooks.ContextHook(), hooks.ErrorHook()],
        custom_renderers={"json": JSONRenderer},
        force_canonical=False,
        guess_content_type_from_ext=False,
    )


def setup_app() -> Callable[..., Any]:
    """Build the full WSGI pipeline from the current configuration."""
    app: Callable[..., Any] = middleware.ApiVersionMiddleware(make_pecan_app())
    if CONF.auth_strategy == "keystone":
        from keystonemiddleware import auth_token

        authed = auth_token.AuthProtocol(app, {"oslo_config_config": CONF})
    else:
        authed = NoAuthMiddleware(app)
    app = PublicRoutes(app, authed)
    health = healthcheck.Healthcheck(None, {"detailed": False})
    app = PathDispatch(app, health)
    app = request_id.RequestId(app)
    app = http_proxy_to_wsgi.HTTPProxyToWSGI(app, CONF)
    set_middleware_defaults()
    return cors.CORS(app, CONF)
