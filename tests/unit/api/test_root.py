"""``/``, ``/v1``, ``/healthcheck`` and the routing layer (reference §1.1, §1.2, §1.6, §2)."""

from __future__ import annotations

import re

import pytest

from tests.unit.api.conftest import (
    VERSION_HEADERS,
    assert_routing_error,
    make_cluster,
    make_template,
    set_status,
)

BASE = "http://localhost"
V1_COLLECTIONS = ("clustertemplates", "clusters", "quotas", "certificates", "mservices",
                  "stats", "federations", "credentials", "baymodels", "bays")


@pytest.mark.parametrize("path", ["/", "//"])
def test_root_document(api, path):
    r = api.app.get(path, headers={"OpenStack-API-Version": "container-infra 1.5"})
    assert r.status_int == 200
    assert r.content_type == "application/json"
    assert r.json == {
        "name": "OpenStack Magnum API",
        "description": "Magnum is an OpenStack project which aims to provide container "
                       "cluster management.",
        "versions": [{"id": "v1", "links": [{"href": f"{BASE}/v1/", "rel": "self"}],
                      "status": "CURRENT", "max_version": "1.14", "min_version": "1.1"}],
    }
    for h in VERSION_HEADERS:
        assert h not in r.headers, h


def test_root_ignores_a_bad_version_header(api):
    r = api.app.get("/", headers={"OpenStack-API-Version": "bogus"})
    assert r.status_int == 200


def _v1_document() -> dict:
    doc = {
        "id": "v1",
        "media_types": [{"base": "application/json",
                         "type": "application/vnd.openstack.magnum.v1+json"}],
        "links": [{"href": f"{BASE}/v1/", "rel": "self"},
                  {"href": "http://docs.openstack.org/developer/magnum/dev/api-spec-v1.html",
                   "rel": "describedby", "type": "text/html"}],
        "nodegroups": [{"href": f"{BASE}/v1/clusters/{{cluster_id}}/nodegroups", "rel": "self"},
                       {"href": f"{BASE}/clusters/{{cluster_id}}/nodegroups",
                        "rel": "bookmark"}],
    }
    for name in V1_COLLECTIONS:
        doc[name] = [{"href": f"{BASE}/v1/{name}/", "rel": "self"},
                     {"href": f"{BASE}/{name}/", "rel": "bookmark"}]
    return doc


@pytest.mark.parametrize("path", ["/v1", "/v1/", "/v1.json"])
def test_v1_document(api, path):
    r = api.app.get(path)
    assert r.status_int == 200
    assert r.json == _v1_document()
    assert r.headers["OpenStack-API-Version"] == "container-infrastructure-management 1.1"
    assert r.headers["OpenStack-API-Minimum-Version"] == \
        "container-infrastructure-management 1.1"
    assert r.headers["OpenStack-API-Maximum-Version"] == \
        "container-infrastructure-management 1.14"
    assert r.headers["Vary"] == "OpenStack-API-Version"


def test_documents_follow_the_script_name(api):
    r = api.app.get("/v1", extra_environ={"SCRIPT_NAME": "/infra"})
    assert r.json["links"][0] == {"href": f"{BASE}/infra/v1/", "rel": "self"}
    assert r.json["clusters"][1] == {"href": f"{BASE}/infra/clusters/", "rel": "bookmark"}


@pytest.mark.parametrize("path", ["/healthcheck", "/healthcheck/"])
def test_healthcheck(api, path):
    r = api.app.get(path, headers={"OpenStack-API-Version": "bogus"})
    assert r.status_int == 200
    for h in VERSION_HEADERS:
        assert h not in r.headers


# (method, path, status): the routing layer's answers
ROUTING = [
    ("GET", "/nope", 404),
    ("GET", "/v1/nope", 404),
    ("GET", "/v2/clusters", 404),
    ("GET", "/v1/v1/clusters", 404),
    ("GET", "/v1/clusters/x/y", 404),
    ("GET", "/v1/clusters/x/actions", 404),
    ("POST", "/v1/clusters/x/actions/explode", 404),
    ("GET", "/v1/mservices/1", 404),
    ("HEAD", "/v1/clusters", 405),
    ("POST", "/", 405),
    ("PATCH", "/v1/", 405),
    ("DELETE", "/v1", 405),
    ("PUT", "/v1/clusters", 405),
    ("PATCH", "/v1/clusters", 405),
    ("DELETE", "/v1/clusters", 405),
    ("DELETE", "/v1/clustertemplates/", 405),
    ("PUT", "/v1/clusters/x", 405),
    ("POST", "/v1/clusters/x", 405),
    ("POST", "/v1/clustertemplates/x", 405),
    ("POST", "/v1/clustertemplates/detail", 405),
    ("PUT", "/v1/clusters/detail", 405),
    ("GET", "/v1/clusters/x/actions/resize", 405),
    ("POST", "/v1/mservices", 405),
    ("POST", "/clusters/x", 405),
]


@pytest.mark.parametrize("method,path,status", ROUTING)
def test_routing_errors(api, method, path, status):
    r = api.raw(method, path)
    if method == "HEAD":
        assert r.status_int == status and not r.body
    else:
        assert_routing_error(r, status)


@pytest.mark.parametrize("method,path,status", [("GET", "/nope", 404),
                                                ("PUT", "/v1/clusters", 405)])
def test_routing_errors_without_json_accept(api, method, path, status):
    r = api.app.request(path, method=method, status="*")
    assert_routing_error(r, status, accept_json=False)


def test_head_is_refused_everywhere(api):
    for path in ("/", "/v1", "/v1/clusters"):
        r = api.app.request(path, method="HEAD", status="*")
        assert r.status_int == 405, path


# paths that must reach the same handler as their canonical /v1 form
EQUIVALENT = [
    ("/v1/clusters", ["/v1/clusters/", "/clusters", "/clusters/"]),
    ("/v1/clusters/detail", ["/v1/clusters/detail/", "/clusters/detail", "/clusters/detail/"]),
    ("/v1/clustertemplates", ["/v1/clustertemplates/", "/clustertemplates",
                              "/clustertemplates/"]),
    ("/v1/clustertemplates/detail", ["/v1/clustertemplates/detail/",
                                     "/clustertemplates/detail/"]),
    ("/v1/bays", ["/v1/bays/", "/bays/"]),
    ("/v1/baymodels/detail", ["/v1/baymodels/detail/", "/baymodels/detail"]),
    ("/v1/mservices", ["/v1/mservices/", "/mservices"]),
]


@pytest.mark.parametrize("canonical,aliases", EQUIVALENT)
def test_unversioned_and_trailing_slash_paths(api, canonical, aliases):
    tpl = make_template(api)
    make_cluster(api, tpl["uuid"])
    want = api.get(canonical)
    assert want.status_int == 200
    for path in aliases:
        r = api.get(path)
        assert r.status_int == 200, path
        assert r.json == want.json, path
        assert r.headers["OpenStack-API-Version"] == \
            "container-infrastructure-management 1.14", path


def test_member_paths_accept_unversioned_and_trailing_slash(api):
    tpl = make_template(api)
    uuid = make_cluster(api, tpl["uuid"])
    want = api.get(f"/v1/clusters/{uuid}").json
    for path in (f"/v1/clusters/{uuid}/", f"/clusters/{uuid}", "/clusters/c1/"):
        r = api.get(path)
        assert r.status_int == 200, path
        assert r.json == want
    # bookmark links resolve
    bookmark = want["links"][1]["href"].replace(BASE, "")
    assert api.get(bookmark).json == want
    assert api.get(f"/clustertemplates/{tpl['uuid']}/").json["uuid"] == tpl["uuid"]
    set_status(uuid, "CREATE_COMPLETE")
    r = api.patch(f"/clusters/{uuid}/?rollback=True", [
        {"op": "replace", "path": "/health_status", "value": "HEALTHY"}])
    assert r.status_int == 202, r.text
    assert api.delete(f"/v1/clusters/{uuid}/").status_int == 204


REQUEST_ID = re.compile(r"^req-[0-9a-f-]{36}$")


@pytest.mark.parametrize("method,path", [("GET", "/"), ("GET", "/v1"), ("GET", "/v1/clusters"),
                                         ("GET", "/v1/clusters/nope"), ("GET", "/nope"),
                                         ("GET", "/healthcheck")])
def test_request_id_header(api, method, path):
    r = api.raw(method, path)
    assert REQUEST_ID.match(r.headers["X-OpenStack-Request-Id"]), r.headers
    if r.status_int >= 400:
        assert r.json["errors"][0]["request_id"] == ""


def test_delete_with_json_accept_is_not_406(api):
    """python-magnumclient sends Accept: application/json on DELETE too."""
    tpl = make_template(api)
    r = api.delete(f"/v1/clustertemplates/{tpl['uuid']}",
                   headers={"Accept": "application/json"})
    assert r.status_int == 204 and r.body == b""
