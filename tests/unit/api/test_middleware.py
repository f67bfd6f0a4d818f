"""The outer WSGI layers (reference §1.1, §1.5): proxy headers and CORS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import webtest

from magnum_clone.api import app as app_mod
from tests.unit.api.conftest import Client, make_template

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "magnum.example.org"}


def test_forwarded_headers_are_ignored_unless_enabled(api: Client) -> None:
    r = api.get("/", headers=FORWARDED)
    assert r.json["versions"][0]["links"][0]["href"] == "http://localhost/v1/"


def test_links_follow_the_proxy_when_enabled(api: Client,
                                              override: Callable[..., None]) -> None:
    override("enable_proxy_headers_parsing", True, group="oslo_middleware")
    r = api.get("/", headers=FORWARDED)
    assert r.json["versions"][0]["links"][0]["href"] == "https://magnum.example.org/v1/"
    tpl = make_template(api)
    r = api.get(f"/v1/clustertemplates/{tpl['uuid']}", headers=FORWARDED)
    assert r.json["links"][0]["href"] == (
        f"https://magnum.example.org/v1/clustertemplates/{tpl['uuid']}")
    r = api.get("/v1/clustertemplates?limit=1", headers=FORWARDED)
    assert r.json["next"].startswith("https://magnum.example.org/v1/clustertemplates?")


def test_cors_preflight_and_simple_request(db: object, override: Callable[..., None]) -> None:
    override("allowed_origin", ["https://horizon.example.org"], group="cors")
    app = webtest.TestApp(app_mod.setup_app())
    r = app.options("/v1/clusters", headers={
        "Origin": "https://horizon.example.org",
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "X-Auth-Token,OpenStack-API-Version"}, status="*")
    assert r.status_int == 200
    assert r.headers["Access-Control-Allow-Origin"] == "https://horizon.example.org"
    assert "PATCH" in r.headers["Access-Control-Allow-Methods"]
    r = app.get("/v1/clusters", headers={"Origin": "https://horizon.example.org",
                                          "Accept": "application/json"})
    assert r.headers["Access-Control-Allow-Origin"] == "https://horizon.example.org"
    assert "X-OpenStack-Request-ID" in r.headers["Access-Control-Expose-Headers"]
    other: Any = app.get("/v1/clusters", headers={"Origin": "https://evil.example.org"})
    assert "Access-Control-Allow-Origin" not in other.headers
