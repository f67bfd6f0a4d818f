"""The RBAC matrix (rbac_matrix.yaml): every route x five real Keystone identities, one test
per cell, each on a fresh world created through the API (the file's header says what the world
holds and what every cell checks besides its status); and a check that the matrix has a row
for every route the app serves."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from tests.fixtures import keystone as _kf
from tests.fixtures.keystone import USERS, Keystone
from tests.unit.api.conftest import set_status, template_body

# the Keystone fixtures, made visible to this module
keystone, keystone_app, ks_api = _kf.keystone, _kf.keystone_app, _kf.ks_api

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "rbac_matrix.yaml")) as _f:
    MATRIX: dict[str, Any] = yaml.safe_load(_f)
ROLES: list[str] = MATRIX["roles"]
CELLS = [(route, role) for route in MATRIX["routes"] for role in ROLES]


def _headers(ks: Keystone, user: str) -> dict[str, str]:
    return {"Accept": "application/json", "OpenStack-API-Version": "container-infra latest",
            "X-Auth-Token": ks.token(user)}


def _call(api: Any, ks: Keystone, user: str, method: str, path: str, body: Any = None) -> Any:
    h = _headers(ks, user)
    raw = b""
    if body is not None:
        raw = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    return api.request(path, method=method, body=raw, headers=h, status="*",
                       expect_errors=True)


def _ok(r: Any, status: int) -> Any:
    assert r.status_int == status, r.text
    return r.json if r.body else None


@pytest.fixture(scope="module")
def csr() -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "admin"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:masters")])
    req = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    return req.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def _state_path() -> Iterator[None]:
    """Certificates are stored encrypted with a key under state_path."""
    from magnum_clone.conf import CONF

    CONF.set_override("state_path", tempfile.mkdtemp(prefix="mc-rbac-state-"))
    yield
    CONF.clear_override("state_path")


def build_world(api: Any, ks: Keystone, *, certs: bool) -> dict[str, str]:
    """The objects of the matrix header, created by their owners through the API."""
    w = {"p1": ks.projects["p1"], "p2": ks.projects["p2"],
         "admin_project": ks.projects["admin"]}
    tpl = "/v1/clustertemplates"
    w["tpl"] = _ok(_call(api, ks, "member_p1", "POST", tpl, template_body(name="tpl")),
                   201)["uuid"]
    w["pub"] = _ok(_call(api, ks, "admin_p1", "POST", tpl,
                         template_body(name="pub", public=True)), 201)["uuid"]
    w["hid"] = _ok(_call(api, ks, "admin_p1", "POST", tpl,
                         template_body(name="hid", public=True, hidden=True)), 201)["uuid"]
    w["tpl_p2"] = _ok(_call(api, ks, "member_p2", "POST", tpl, template_body(name="tpl-p2")),
                      201)["uuid"]
    for name, user in (("cluster", "member_p1"), ("cluster_p2", "member_p2")):
        w[name] = _ok(_call(api, ks, user, "POST", "/v1/clusters",
                            {"name": name.replace("_", "-"), "cluster_template_id": w["pub"]}),
                      202)["uuid"]
        done = {"status": "CREATE_COMPLETE"}
        set_status(w[name], "CREATE_COMPLETE", api_address="https://192.0.2.10:6443",
                   nodegroups={"default-master": done, "default-worker": done})
    for name, user, host in (("fed", "member_p1", "cluster"),
                             ("fed_p2", "member_p2", "cluster_p2")):
        w[name] = _ok(_call(api, ks, user, "POST", "/v1/federations",
                            {"name": name.replace("_", "-"), "hostcluster_id": w[host],
                             "properties": {"dns-zone": "example.com."}}), 202)["uuid"]
    for project in ("p1", "p2"):
        _ok(_call(api, ks, "admin_p1", "POST", "/v1/quotas",
                  {"project_id": w[project], "resource": "Cluster", "hard_limit": 10}), 201)
    if certs:
        from magnum_clone.conductor import certs as certs_mod
        from magnum_clone.db import api as db_api

        db = db_api.get_instance()
        template = db.get_cluster_templates(uuids=[w["pub"]])[w["pub"]]
        for name in ("cluster", "cluster_p2"):
            row = db.get_cluster(ident=w[name], project_id=None)
            certs_mod.ensure_cluster_certificates(None, row, template)
    return w


def _fill(value: Any, world: dict[str, str]) -> Any:
    if isinstance(value, str):
        for k, v in world.items():
            value = value.replace("{" + k + "}", v)
        return value
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    return value


def _detail(r: Any) -> str:
    return str(r.json["errors"][0]["detail"])


@pytest.mark.usefixtures("_state_path")
@pytest.mark.parametrize(("route", "role"), CELLS,
                         ids=[f"{route['id']}-{role}" for route, role in CELLS])
def test_cell(route: dict[str, Any], role: str, ks_api: Any, keystone: Keystone,
              csr: str) -> None:
    world = build_world(ks_api, keystone, certs=route["path"].startswith("/v1/certificates"))
    subs = {**world, "csr": csr}
    path = _fill(route["path"], subs)
    r = _call(ks_api, keystone, role, route["method"], path, _fill(route.get("body"), subs))
    expected = route["expect"][role]
    where = f"{route['id']} ({route.get('ref', '')}) as {role}: {route['method']} {path}"
    assert r.status_int == expected, f"{where}: got {r.status_int} {r.text}"

    if expected == 403:
        detail = route.get("denied", {}).get(role) or \
            f"Policy doesn't allow {route['rule']} to be performed."
        assert _detail(r) == detail, where
    elif expected == 404:
        assert "could not be found" in _detail(r), where
    if not 200 <= expected < 300:
        return

    # no leak: nothing the caller may not see appears in a successful answer
    visible = set(MATRIX["visible"][role])
    for name in set().union(*MATRIX["kinds"].values()) - visible:
        assert world[name] not in r.text, f"{where}: leaks {name} ({world[name]})"
    if "lists" in route:
        spec = route["lists"]
        got = {item["uuid"] for item in r.json[spec["key"]]}
        want = {world[o] for o in MATRIX["kinds"][spec["kind"]] if o in visible}
        assert got == want, where
    if role in route.get("projects", {}):
        got = {item["project_id"] for item in r.json[route["projects"]["key"]]}
        assert got == set(_fill(route["projects"][role], subs)), where
    for key, value in _fill(route.get("response", {}).get(role, {}), subs).items():
        assert r.json[key] == value, f"{where}: {key}"


class _Probe:
    """The one request attribute the router reads."""

    def __init__(self, method: str) -> None:
        self.method = method


def resolve(method: str, path: str) -> tuple[str, str, str] | None:
    """``(method, controller class, handler)`` the app's own router picks for a request, or
    None when it answers 404/405 (ids in the path are never looked up while routing)."""
    import webob.exc

    from magnum_clone.api.controllers.root import RootController

    parts = [p for p in path.split("?")[0].split("/") if p]
    try:
        handler, _rest = RootController()._route(parts, _Probe(method))
    except webob.exc.HTTPException:
        return None
    return method, type(handler.__self__).__name__, handler.__name__


def _controller_classes() -> list[type]:
    """Every controller class: the root, v1, and all resource/action classes."""
    from magnum_clone.api.controllers import root, routing
    from magnum_clone.api.controllers.v1 import V1Controller

    out: list[type] = [root.RootController, V1Controller]
    todo: list[type] = [routing.Resource, routing.Actions]
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out


def served_routes() -> dict[tuple[str, str, str], str]:
    """The app's route list: ``(method, controller class, handler) -> path``.

    Candidates are the version documents and every operation the policy rules document; each
    is resolved through the app's router. Then every exposed handler of every controller class
    must have been reached: a handler served under a path nobody documents fails here."""
    from magnum_clone.policies import list_rules

    candidates = [("GET", "/"), ("GET", "/v1")]
    for rule in list_rules():
        candidates += [(op["method"], op["path"]) for op in getattr(rule, "operations", [])]
    routes: dict[tuple[str, str, str], str] = {}
    for method, path in candidates:
        key = resolve(method, path)
        assert key is not None, f"documented but not served: {method} {path}"
        routes.setdefault(key, path)
    reached = {(cls, handler) for _m, cls, handler in routes}
    for cls in _controller_classes():
        for name in dir(cls):
            if name != "_route" and getattr(getattr(cls, name), "exposed", False):
                assert (cls.__name__, name) in reached, \
                    f"{cls.__name__}.{name} is exposed but no documented route reaches it"
    return routes


def test_matrix_is_complete() -> None:
    """Every route the app serves (method + path) has a row, every row is a served route, and
    every row has a cell for every identity."""
    served = served_routes()
    dummy = {k: f"x-{k}" for k in ("tpl", "pub", "hid", "cluster", "tpl_p2", "cluster_p2",
                                   "fed", "fed_p2", "p1", "p2", "admin_project")}
    covered: dict[tuple[str, str, str], list[str]] = {}
    for route in MATRIX["routes"]:
        key = resolve(route["method"], _fill(route["path"], dummy))
        assert key in served, f"{route['id']}: {route['method']} {route['path']} is no route"
        covered.setdefault(key, []).append(route["id"])
    missing = sorted(f"{m} {served[(m, c, h)]}" for m, c, h in set(served) - set(covered))
    assert not missing, f"routes without a row in rbac_matrix.yaml: {missing}"
    assert len(served) >= 40    # the walk found the app's routes, not an empty list
    assert set(ROLES) == set(USERS)
    for route in MATRIX["routes"]:
        assert list(route["expect"]) == ROLES, route["id"]
        assert {"id", "method", "path", "rule", "ref"} <= set(route), route["id"]
    ids = [route["id"] for route in MATRIX["routes"]]
    assert len(ids) == len(set(ids))
