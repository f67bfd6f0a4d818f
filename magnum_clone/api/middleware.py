"""WSGI middleware: microversion negotiation and Magnum's error body.

:class:`ApiVersionMiddleware` parses ``OpenStack-API-Version`` for ``/v1`` requests (406s with
their exact bodies), stores the version in the environ, and adds the version headers to
responses. :func:`error_body` builds ``{"errors": [...]}`` for every error the app raises.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

import webob

from magnum_clone.api import versions

ENV_VERSION = "magnum_clone.api_version"


def _title(message: str) -> str:
    return message.split(".")[0] if message else message


def error_body(status: int, message: str, code: str) -> dict[str, Any]:
    """Magnum's error document; ``code`` is "client", "server" or "" (routing layer)."""
    return {"errors": [{"request_id": "", "code": code, "status": status,
                        "title": _title(message), "detail": message, "links": []}]}


def routing_error_body(status: int, detail: str, accept_json: bool) -> dict[str, Any]:
    title = HTTPStatus(status).phrase if accept_json else ""
    return {"errors": [{"request_id": "", "code": "", "status": status, "title": title,
                        "detail": detail if accept_json else "", "links": []}]}


def json_response(status: int, body: Any, headers: Iterable[tuple[str, str]] = ()
                  ) -> webob.Response:
    resp = webob.Response(status=status, content_type="application/json", charset=None)
    resp.body = json.dumps(body).encode()
    for k, v in headers:
        resp.headers[k] = v
    return resp


def accepts_json(req: webob.Request) -> bool:
    return "application/json" in (req.headers.get("Accept") or "")


def _version_headers(v: versions.Version) -> list[tuple[str, str]]:
    svc = versions.RESPONSE_SERVICE
    return [("OpenStack-API-Minimum-Version", f"{svc} {versions.fmt(versions.MIN)}"),
            ("OpenStack-API-Maximum-Version", f"{svc} {versions.fmt(versions.MAX)}"),
            ("OpenStack-API-Version", f"{svc} {v}"),
            ("Vary", "OpenStack-API-Version")]


class ApiVersionMiddleware:
    """Negotiates the microversion of /v1 requests (and paths routed as /v1)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        req = webob.Request(environ)
        path = req.path_info.rstrip("/")
        if path in ("", "/healthcheck") or path.startswith("/healthcheck"):
            return self.app(environ, start_response)
        header = req.headers.get(versions.HEADER)
        try:
            v = versions.parse(header)
        except versions.VersionParseError as e:
            body = routing_error_body(406, str(e), accepts_json(req))
            return json_response(406, body)(environ, start_response)
        try:
            versions.check_range(v)
        except versions.VersionRangeError:
            return self._range_error(req, v)(environ, start_response)
        environ[ENV_VERSION] = v
        headers = _version_headers(v)

        def _start(status: str, resp_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if environ.pop("magnum_clone.no_version_headers", False):
                return start_response(status, resp_headers, exc_info)
            names = {h[0].lower() for h in headers}
            kept = [h for h in resp_headers if h[0].lower() not in names]
            return start_response(status, kept + headers, exc_info)

        return self.app(environ, _start)

    @staticmethod
    def _range_error(req: webob.Request, v: versions.Version) -> webob.Response:
        rng = (f"[{versions.RESPONSE_SERVICE} {versions.fmt(versions.MIN)}, "
               f"{versions.RESPONSE_SERVICE} {versions.fmt(versions.MAX)}]")
        if v.major != versions.MAX[0]:
            desc = (f"Mutually exclusive versions requested. Version {v} requested but not "
                    f"supported by this service.The supported version range is: {rng}.")
        else:
            desc = (f"Version {v} was requested but the minor version is not supported by "
                    f"this service. The supported version range is: {rng}.")
        err: dict[str, Any] = {
            "code": "magnum.microversion-unsupported",
            "title": "Requested microversion is unsupported",
        }
        if accepts_json(req):
            err["description"] = desc
        err.update({"max_version": versions.fmt(versions.MAX),
                    "min_version": versions.fmt(versions.MIN),
                    "links": [{"rel": "help", "href": "http://docs.openstack.org/api-guide/"
                               "compute/microversions.html"}]})
        return json_response(406, {"errors": [err]}, _version_headers(v))
