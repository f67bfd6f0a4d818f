"""PATCH /v1/credentials/{cluster_ident} (reference §7): versions, policy, statuses, driver
support, noauth, and a rotation in keystone mode with Keystone and the stack update faked
(the real Keystone is exercised in tests/integration)."""

from __future__ import annotations

from typing import Any

import pytest

from magnum_clone.common.clients import keystone
from magnum_clone.db import api as db_api
from tests.unit.api.conftest import (
    ADMIN,
    MEMBER,
    OTHER,
    assert_error,
    make_cluster,
    make_template,
    set_status,
)

NOAUTH = ("Credential rotation is not possible with auth_strategy noauth: the cluster has no "
          "OpenStack credential (trustee) to rotate.")


def _cluster(api: Any, status: str = "CREATE_COMPLETE", headers: dict[str, str] | None = None,
             **tpl_kw: Any) -> str:
    tpl = make_template(api, headers=headers, **tpl_kw)
    uuid = make_cluster(api, tpl["uuid"], headers=headers)
    set_status(uuid, status)
    return uuid


def _row(uuid: str) -> Any:
    return db_api.get_instance().get_cluster(ident=uuid, project_id=None)


class FakeKeystone:
    """The keystone client functions trust.py calls, in memory."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.users: dict[str, str] = {}     # id -> name
        self.trusts: dict[str, str] = {}    # id -> trustee id
        self.n = 0
        self.fail_trust = False
        monkeypatch.setattr(keystone, "create_trustee", self.create_trustee)
        monkeypatch.setattr(keystone, "create_trust", self.create_trust)
        monkeypatch.setattr(keystone, "delete_trust", self.delete_trust)
        monkeypatch.setattr(keystone, "delete_trustee", self.delete_trustee)
        monkeypatch.setattr(keystone, "trustee_domain_id", lambda: "dom")
        monkeypatch.setattr(keystone, "auth_url", lambda: "http://keystone/v3")

    def create_trustee(self, cluster_uuid: str, project_id: str, *, username: str | None = None
                       ) -> keystone.Trustee:
        self.n += 1
        uid = f"user-{self.n}"
        self.users[uid] = username or keystone.trustee_username(cluster_uuid, project_id)
        return keystone.Trustee(user_id=uid, username=self.users[uid], password=f"pw-{self.n}")

    def create_trust(self, context: Any, trustee_user_id: str, roles: Any = None) -> str:
        if self.fail_trust:
            raise RuntimeError("keystone says no")
        self.n += 1
        self.trusts[f"trust-{self.n}"] = trustee_user_id
        return f"trust-{self.n}"

    def delete_trust(self, trust_id: str, **kw: Any) -> None:
        self.trusts.pop(trust_id, None)

    def delete_trustee(self, user_id: str) -> None:
        self.users.pop(user_id, None)


@pytest.fixture()
def ks(monkeypatch: pytest.MonkeyPatch, override: Any) -> FakeKeystone:
    override("auth_strategy", "keystone")
    return FakeKeystone(monkeypatch)


@pytest.fixture()
def stack_updates(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    from magnum_clone_drivers.heat import driver as heat_driver

    calls: list[dict[str, Any]] = []

    def _update(self: Any, view: Any, params: Any, rollback: bool) -> None:
        calls.append({"stack_id": view.cluster["stack_id"], "rollback": rollback, **params})

    monkeypatch.setattr(heat_driver.HeatDriver, "_update_stack", _update)
    return calls


def _with_trustee(uuid: str, ks: FakeKeystone) -> None:
    ks.users["user-old"] = "old"
    ks.trusts["trust-old"] = "user-old"
    set_status(uuid, _row(uuid).status, stack_id="stack-1", trustee_user_id="user-old",
               trustee_username="old", trustee_password="pw-old", trust_id="trust-old")


def test_version_below_1_12_is_406(api: Any) -> None:
    uuid = _cluster(api)
    r = api.patch(f"/v1/credentials/{uuid}", None, version="1.11")
    assert r.status_int == 406, r.text
    assert "1.11" in r.json["errors"][0]["detail"]


def test_noauth_has_nothing_to_rotate(api: Any) -> None:
    uuid = _cluster(api)
    assert_error(api.patch(f"/v1/credentials/{uuid}", None, version="1.12"), 400, NOAUTH)


@pytest.mark.parametrize("status", ["CREATE_IN_PROGRESS", "CREATE_FAILED", "DELETE_FAILED",
                                    "ROLLBACK_FAILED"])
def test_status_not_allowed(api: Any, status: str) -> None:
    uuid = _cluster(api, status)
    assert_error(api.patch(f"/v1/credentials/{uuid}", None), 400,
                 f'Updating a cluster when status is "{status}" is not supported.')


def test_driver_without_support(api: Any, ks: FakeKeystone) -> None:
    uuid = _cluster(api, coe="swarm", image_id="fedora-atomic-latest")
    assert_error(api.patch(f"/v1/credentials/{uuid}", None), 400,
                 "Credential rotation is not supported by driver.")


def test_unknown_cluster_and_routing(api: Any) -> None:
    assert_error(api.patch("/v1/credentials/nope", None), 404,
                 "Cluster nope could not be found.")
    assert api.get("/v1/credentials/x").status_int == 405
    assert api.patch("/v1/credentials", None).status_int == 405


def test_policy(api: Any, ks: FakeKeystone, stack_updates: list[dict[str, Any]]) -> None:
    uuid = _cluster(api, headers=MEMBER)
    _with_trustee(uuid, ks)
    assert api.patch(f"/v1/credentials/{uuid}", None, headers=OTHER).status_int == 404
    # admins are not included by default (reference §7)
    assert api.patch(f"/v1/credentials/{uuid}", None, headers=ADMIN).status_int == 403
    assert stack_updates == []
    assert api.patch(f"/v1/credentials/{uuid}", None, headers=MEMBER).status_int == 202


@pytest.mark.parametrize("status", ["UPDATE_IN_PROGRESS", "UPDATE_FAILED", "CREATE_COMPLETE"])
def test_rotation_replaces_trustee_and_trust(api: Any, ks: FakeKeystone, status: str,
                                             stack_updates: list[dict[str, Any]]) -> None:
    uuid = _cluster(api, status)
    _with_trustee(uuid, ks)
    r = api.patch(f"/v1/credentials/{uuid}", None, version="1.12")
    assert r.status_int == 202, r.text
    assert r.json == {"uuid": uuid}
    row = _row(uuid)
    assert row.status == status
    assert row.trustee_user_id != "user-old" and row.trust_id != "trust-old"
    assert row.trustee_username.startswith(f"{uuid}_{row.project_id}_")
    # the old ones are gone from Keystone, the new ones exist
    assert set(ks.users) == {row.trustee_user_id}
    assert ks.trusts == {row.trust_id: row.trustee_user_id}
    assert len(stack_updates) == 1
    upd = stack_updates[0]
    assert upd["stack_id"] == "stack-1" and upd["rollback"] is True
    assert upd["trustee_user_id"] == row.trustee_user_id
    assert upd["trustee_password"] == row.trustee_password
    assert upd["trustee_username"] == row.trustee_username


def test_push_failure_keeps_the_old_credential(api: Any, ks: FakeKeystone,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from magnum_clone.common import exceptions as exc
    from magnum_clone_drivers.heat import driver as heat_driver

    def _update(self: Any, view: Any, params: Any, rollback: bool) -> None:
        raise exc.Conflict("stack busy")

    monkeypatch.setattr(heat_driver.HeatDriver, "_update_stack", _update)
    uuid = _cluster(api)
    _with_trustee(uuid, ks)
    assert_error(api.patch(f"/v1/credentials/{uuid}", None), 409, "stack busy")
    row = _row(uuid)
    assert (row.trustee_user_id, row.trust_id, row.trustee_password) == (
        "user-old", "trust-old", "pw-old")
    assert set(ks.users) == {"user-old"} and set(ks.trusts) == {"trust-old"}


def test_trust_failure_cleans_up(api: Any, ks: FakeKeystone,
                                 stack_updates: list[dict[str, Any]]) -> None:
    uuid = _cluster(api)
    _with_trustee(uuid, ks)
    ks.fail_trust = True
    r = api.patch(f"/v1/credentials/{uuid}", None)
    assert r.status_int >= 400 and "keystone says no" in r.text
    assert set(ks.users) == {"user-old"} and stack_updates == []
    assert _row(uuid).trustee_user_id == "user-old"
