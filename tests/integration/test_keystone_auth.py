"""Authentication against a real Keystone (reference §1.1): keystonemiddleware's 401s, the
public version documents, and a request context taken from a real token."""

from __future__ import annotations

from typing import Any

from tests.fixtures import keystone as _kf
from tests.fixtures.keystone import Keystone
from tests.unit.api.conftest import template_body

# the Keystone fixtures, made visible to this module
keystone, keystone_app, ks_api = _kf.keystone, _kf.keystone_app, _kf.ks_api

LATEST = {"Accept": "application/json", "OpenStack-API-Version": "container-infra latest"}
UNAUTHORIZED = {"error": {"code": 401, "title": "Unauthorized",
                          "message": "The request you have made requires authentication."}}


def _h(ks: Keystone, user: str | None = None, **extra: str) -> dict[str, str]:
    h = dict(LATEST, **extra)
    if user is not None:
        h["X-Auth-Token"] = ks.token(user)
    return h


def _assert_401(r: Any, ks: Keystone) -> None:
    assert r.status_int == 401, r.text
    assert r.json == UNAUTHORIZED
    assert r.headers["WWW-Authenticate"] == f'Keystone uri="{ks.url}"'


def test_no_token_is_401_with_keystonemiddleware_body(ks_api: Any, keystone: Keystone
                                                      ) -> None:
    for path in ("/v1/clustertemplates", "/v1/clusters", "/v1/clusters/detail",
                 "/v1/mservices", "/v1/quotas", "/v1/stats"):
        _assert_401(ks_api.get(path, headers=LATEST, status="*"), keystone)
    _assert_401(ks_api.post_json("/v1/clustertemplates", template_body(), headers=LATEST,
                                 status="*"), keystone)


def test_bad_token_is_401(ks_api: Any, keystone: Keystone) -> None:
    r = ks_api.get("/v1/clusters", headers=_h(keystone, **{"X-Auth-Token": "not-a-token"}),
                   status="*")
    _assert_401(r, keystone)
    # a well-formed but foreign fernet token
    fake = "gAAAAABpZ" + "x" * 150
    r = ks_api.get("/v1/clusters", headers=_h(keystone, **{"X-Auth-Token": fake}), status="*")
    _assert_401(r, keystone)


def test_identity_headers_from_the_client_are_not_trusted(ks_api: Any, keystone: Keystone
                                                           ) -> None:
    """Spoofed X-Roles/X-Project-Id without a token: still 401; with a member token: the
    token's identity wins (keystonemiddleware strips and resets them)."""
    spoof = {"X-Roles": "admin", "X-Project-Id": keystone.projects["p2"],
             "X-User-Id": "intruder", "X-Identity-Status": "Confirmed"}
    _assert_401(ks_api.get("/v1/mservices", headers=_h(keystone, **spoof), status="*"),
                keystone)
    r = ks_api.get("/v1/mservices", headers=_h(keystone, "member_p1", **spoof), status="*")
    assert r.status_int == 403, r.text
    r = ks_api.post_json("/v1/clustertemplates", template_body(),
                         headers=_h(keystone, "member_p1", **spoof))
    assert r.json["project_id"] == keystone.projects["p1"]
    assert r.json["user_id"] == keystone.users["member_p1"]


def test_version_documents_are_public(ks_api: Any) -> None:
    for path in ("/", "/v1", "/v1/", "/v1.json"):
        r = ks_api.get(path, headers={"Accept": "application/json"}, status="*")
        assert r.status_int == 200, (path, r.text)
    assert ks_api.get("/", headers={"Accept": "application/json"}).json["versions"]
    assert ks_api.get("/v1", headers={"Accept": "application/json"}).json["id"] == "v1"
    assert ks_api.get("/healthcheck", status="*").status_int == 200


def test_member_token_creates_template_and_cluster(ks_api: Any, keystone: Keystone) -> None:
    p1, user = keystone.projects["p1"], keystone.users["member_p1"]
    r = ks_api.post_json("/v1/clustertemplates", template_body(),
                         headers=_h(keystone, "member_p1"))
    assert r.status_int == 201, r.text
    tpl = r.json
    assert (tpl["project_id"], tpl["user_id"]) == (p1, user)
    r = ks_api.post_json("/v1/clusters", {"name": "c1", "cluster_template_id": tpl["uuid"]},
                         headers=_h(keystone, "member_p1"))
    assert r.status_int == 202, r.text
    uuid = r.json["uuid"]
    r = ks_api.get(f"/v1/clusters/{uuid}", headers=_h(keystone, "member_p1"))
    assert (r.json["project_id"], r.json["user_id"]) == (p1, user)
    assert r.json["cluster_template_id"] == tpl["uuid"]
    # the response carries the request id set by the pipeline
    assert r.headers["X-OpenStack-Request-Id"].startswith("req-")


def test_revoked_token_is_401(ks_api: Any, keystone: Keystone) -> None:
    """A token revoked (DELETE /v3/auth/tokens) before keystonemiddleware has cached it is
    401. (A token already in its cache stays valid up to [keystone_authtoken]
    token_cache_time, here 60 s.)"""
    from keystoneauth1 import session as ks_session
    from keystoneauth1.identity import v3

    from tests.fixtures.keystone import PASSWORD

    auth = v3.Password(auth_url=keystone.url, username="reader_p1", password=PASSWORD,
                       user_domain_id="default", project_name="p1",
                       project_domain_id="default")
    sess = ks_session.Session(auth=auth)
    token = str(sess.get_token())
    r = sess.delete(f"{keystone.url}/auth/tokens", headers={"X-Subject-Token": token})
    assert r.status_code == 204
    r = ks_api.get("/v1/clusters", headers=_h(keystone, **{"X-Auth-Token": token}),
                   status="*")
    _assert_401(r, keystone)
