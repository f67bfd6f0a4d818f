"""Pecan hooks: the request context, and errors rendered as Magnum's error body."""

from __future__ import annotations

import logging
from typing import Any

import webob
from oslo_db import exception as db_exc
from pecan import hooks
from sqlalchemy import exc as sa_exc

from magnum_clone.api import middleware, versions
from magnum_clone.common import context, policy

LOG = logging.getLogger(__name__)


class ContextHook(hooks.PecanHook):
    """Builds :class:`RequestContext` from the identity headers (keystonemiddleware/noauth)."""

    def before(self, state: Any) -> None:
        h = state.request.headers
        roles = [r.strip() for r in (h.get("X-Roles") or "").split(",") if r.strip()]
        ctx = context.RequestContext(
            auth_token=h.get("X-Auth-Token"),
            user_id=h.get("X-User-Id"),
            project_id=h.get("X-Project-Id"),
            user_name=h.get("X-User-Name"),
            project_name=h.get("X-Project-Name"),
            # domain_id is the scope of a domain-scoped token only (oslo.policy refuses
            # project-scoped rules when it is set); the user's domain is user_domain_id
            domain_id=h.get("X-Domain-Id"),
            user_domain_id=h.get("X-User-Domain-Id"),
            project_domain_id=h.get("X-Project-Domain-Id"),
            system_scope=h.get("OpenStack-System-Scope"),
            roles=roles,
            request_id=state.request.environ.get("openstack.request_id"),
            overwrite=False,
        )
        ctx.is_admin = policy.is_admin(ctx.to_policy_values())
        # keystonemiddleware validated a token (not the noauth identity)
        ctx.keystone_authenticated = "keystone.token_info" in state.request.environ
        state.request.context = ctx
        state.request.version = state.request.environ.get(
            middleware.ENV_VERSION, versions.Version(*versions.MIN))


class ErrorHook(hooks.PecanHook):
    """Every exception becomes ``{"errors": [...]}`` with the exception's status."""

    def on_error(self, state: Any, e: Exception) -> webob.Response:
        req = state.request
        status = getattr(e, "code", None)
        if isinstance(e, webob.exc.HTTPBadRequest):
            # Pecan's only 400: the body (decoded for its kwargs) is not UTF-8
            body = middleware.error_body(400, "Request is not in valid JSON format", "client")
            return middleware.json_response(400, body)
        if isinstance(e, webob.exc.HTTPException):
            # routing layer (unknown path, bad method): reason phrase, no detail
            status = e.status_int
            body = middleware.routing_error_body(status, "", middleware.accepts_json(req))
            return middleware.json_response(status, body)
        if not isinstance(status, int) or not 400 <= status < 600:
            LOG.exception("Unexpected error serving %s %s", req.method, req.path)
            # the exception's message, as upstream; but database errors carry SQL and
            # parameters, which stay in the log
            msg = str(e)
            if isinstance(e, (sa_exc.SQLAlchemyError, db_exc.DBError)):
                msg = "A database error occurred while serving the request; see the log."
            return middleware.json_response(500, middleware.error_body(500, msg, "server"))
        faultcode = getattr(e, "faultcode", "Client")
        message = str(getattr(e, "faultstring", None) or e)
        if faultcode == "Routing":
            req.environ["magnum_clone.no_version_headers"] = True
            body = middleware.routing_error_body(status, message, middleware.accepts_json(req))
            return middleware.json_response(status, body)
        code = "server" if status >= 500 else "client"
        return middleware.json_response(status, middleware.error_body(status, message, code))
