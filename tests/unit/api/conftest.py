"""API tests run the real Pecan app (real middleware, policy, DB) through WebTest. Casts go
to the in-process fake transport; no conductor listens, so clusters stay as the API wrote them.

Helpers shared by the API test modules:

* identities: the default (no identity headers) is the ``[noauth]`` user, an **admin**;
  ``MEMBER`` / ``OTHER`` are members of two other projects, ``ADMIN`` an admin of a third;
* :func:`assert_error` / :func:`assert_routing_error`: the exact error documents (§1.6);
* :func:`make_template` / :func:`make_cluster`: create through the API, return the body;
* :func:`set_status`: move a cluster (and its nodegroups) to a status through the DB interface;
* the ``override`` fixture: config overrides undone after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import webtest

from magnum_clone.api import app as app_mod
from magnum_clone.common import policy
from magnum_clone.common.clients import cloud
from magnum_clone.conductor import rpcapi
from magnum_clone.conf import CONF

LATEST = {"OpenStack-API-Version": "container-infra latest"}
MEMBER = {"X-Roles": "member,reader", "X-Project-Id": "p-member", "X-User-Id": "u-member"}
OTHER = {"X-Roles": "member,reader", "X-Project-Id": "p-other", "X-User-Id": "u-other"}
ADMIN = {"X-Roles": "admin,member,reader", "X-Project-Id": "p-admin", "X-User-Id": "u-admin"}
VERSION_HEADERS = ("OpenStack-API-Minimum-Version", "OpenStack-API-Maximum-Version",
                   "OpenStack-API-Version", "Vary")


class Client:
    """WebTest wrapper that sends JSON and the latest microversion unless told otherwise."""

    def __init__(self, app: webtest.TestApp) -> None:
        self.app = app

    def _h(self, headers: dict[str, str] | None, version: str | None) -> dict[str, str]:
        h = {"Accept": "application/json"}
        if version is not None:
            h["OpenStack-API-Version"] = f"container-infra {version}"
        h.update(headers or {})
        return h

    def get(self, path: str, *, version: str | None = "latest", status: Any = "*",
            headers: dict[str, str] | None = None) -> webtest.TestResponse:
        return self.app.get(path, headers=self._h(headers, version), status=status)

    def post(self, path: str, body: Any, *, version: str | None = "latest", status: Any = "*",
             headers: dict[str, str] | None = None) -> webtest.TestResponse:
        return self.app.post_json(path, body, headers=self._h(headers, version), status=status)

    def patch(self, path: str, body: Any, *, version: str | None = "latest",
              status: Any = "*", headers: dict[str, str] | None = None) -> webtest.TestResponse:
        return self.app.patch_json(path, body, headers=self._h(headers, version), status=status)

    def delete(self, path: str, *, version: str | None = "latest", status: Any = "*",
               headers: dict[str, str] | None = None) -> webtest.TestResponse:
        return self.app.delete(path, headers=self._h(headers, version), status=status)

    def raw(self, method: str, path: str, body: bytes = b"", *,
            content_type: str | None = "application/json", version: str | None = "latest",
            headers: dict[str, str] | None = None) -> webtest.TestResponse:
        """Any method with an exact body and content type."""
        h = self._h(headers, version)
        if content_type is not None:
            h["Content-Type"] = content_type
        return self.app.request(path, method=method, body=body, headers=h, status="*",
                                expect_errors=True)


@pytest.fixture(scope="session")
def wsgi_app(db_url: str) -> Any:
    """The whole pipeline, built once: it keeps no state of its own between requests (the
    policy enforcer, cloud catalog and RPC client are reset per test below)."""
    return app_mod.setup_app()


@pytest.fixture()
def api(db: object, wsgi_app: Any) -> Iterator[Client]:
    policy.reset()
    cloud.reset()
    rpcapi.reset()
    yield Client(webtest.TestApp(wsgi_app))


@pytest.fixture()
def override() -> Iterator[Callable[..., None]]:
    """``override(name, value, group=None)``; undone (and the cloud catalog rebuilt) after."""
    done: list[tuple[str, str | None]] = []

    def _set(name: str, value: Any, group: str | None = None) -> None:
        CONF.set_override(name, value, group=group)
        done.append((name, group))
        cloud.reset()

    yield _set
    for name, group in done:
        CONF.clear_override(name, group=group)
    cloud.reset()


def template_body(**kw: Any) -> dict[str, Any]:
    body = {"name": "k8s", "coe": "kubernetes", "image_id": "fedora-coreos-latest",
            "external_network_id": "public", "flavor_id": "m1.small",
            "master_flavor_id": "m1.small", "keypair_id": "default"}
    body.update(kw)
    return body


def make_template(api: Client, headers: dict[str, str] | None = None, **kw: Any
                  ) -> dict[str, Any]:
    r = api.post("/v1/clustertemplates", template_body(**kw), headers=headers)
    assert r.status_int == 201, r.text
    return dict(r.json)


def make_cluster(api: Client, template: str, headers: dict[str, str] | None = None,
                 version: str = "latest", **kw: Any) -> str:
    body = {"name": "c1", "cluster_template_id": template, **kw}
    r = api.post("/v1/clusters", body, headers=headers, version=version)
    assert r.status_int == 202, r.text
    return str(r.json["uuid"])


def set_status(uuid: str, status: str, *, nodegroups: dict[str, dict[str, Any]] | None = None,
               **values: Any) -> None:
    """Set a cluster's status (and extra columns, and nodegroup columns by nodegroup name)."""
    from magnum_clone.db import api as db_api

    db = db_api.get_instance()
    row = db.get_cluster(ident=uuid, project_id=None)
    by_name = {ng.name: ng.uuid for ng in row.nodegroups}
    db.update_cluster(uuid=uuid, values={"status": status, **values},
                      nodegroups={by_name[n]: v for n, v in (nodegroups or {}).items()})


def nodegroup_counts(uuid: str) -> dict[str, int]:
    from magnum_clone.db import api as db_api

    row = db_api.get_instance().get_cluster(ident=uuid, project_id=None)
    return {ng.name: ng.node_count for ng in row.nodegroups}


def db_status(uuid: str) -> str:
    from magnum_clone.db import api as db_api

    return str(db_api.get_instance().get_cluster(ident=uuid, project_id=None).status)


def error_doc(status: int, detail: str, code: str = "client") -> dict[str, Any]:
    """Magnum's error document: title is the detail cut at the first '.'."""
    return {"errors": [{"request_id": "", "code": code, "status": status,
                        "title": detail.split(".")[0], "detail": detail, "links": []}]}


def assert_error(r: webtest.TestResponse, status: int, detail: str,
                 code: str = "client") -> None:
    assert r.status_int == status, r.text
    assert r.content_type == "application/json"
    assert r.json == error_doc(status, detail, code), r.text


def assert_error_startswith(r: webtest.TestResponse, status: int, prefix: str) -> None:
    """For details that embed a Python repr of the whole body."""
    assert r.status_int == status, r.text
    (err,) = r.json["errors"]
    assert err["code"] == "client" and err["status"] == status, r.text
    assert err["detail"].startswith(prefix), err["detail"]
    assert err["title"] == err["detail"].split(".")[0]


REASONS = {404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable"}


def assert_routing_error(r: webtest.TestResponse, status: int, detail: str = "",
                         accept_json: bool = True) -> None:
    assert r.status_int == status, r.text
    title = REASONS[status] if accept_json else ""
    assert r.json == {"errors": [{"request_id": "", "code": "", "status": status,
                                  "title": title, "detail": detail if accept_json else "",
                                  "links": []}]}, r.text
