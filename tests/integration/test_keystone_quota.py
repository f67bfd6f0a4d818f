"""Quota create checks the project in the real Keystone (reference §9)."""

from __future__ import annotations

from typing import Any

from tests.fixtures import keystone as _kf
from tests.fixtures.keystone import Keystone

keystone, keystone_app, ks_api = _kf.keystone, _kf.keystone_app, _kf.ks_api

H = {"Accept": "application/json", "OpenStack-API-Version": "container-infra latest"}


def test_quota_for_unknown_project_is_404(ks_api: Any, keystone: Keystone) -> None:
    h = dict(H, **keystone.headers("admin_p1"))
    known = keystone.projects["p2"]
    r = ks_api.post_json("/v1/quotas", {"project_id": known, "resource": "Cluster",
                                        "hard_limit": 2}, headers=h, status="*")
    assert r.status_int == 201, r.text
    r = ks_api.post_json("/v1/quotas", {"project_id": "no-such-project",
                                        "resource": "Cluster"}, headers=h, status="*")
    assert r.status_int == 404, r.text
    assert r.json["errors"][0]["detail"] == "The project_id no-such-project could not be found."
