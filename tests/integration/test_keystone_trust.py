"""Per-cluster trustee and trust against a real Keystone (reference §16.3).

A trustee domain and its admin are made at module start with Keystone's bootstrap admin; the
trustor is a seeded member with a real token. Checked in Keystone itself: the trust gives a
trust-scoped token to the trustee, and after the delete the trust and the user are gone (404).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from keystoneauth1 import exceptions as ka_exc
from keystoneauth1 import session as ka_session
from keystoneauth1.identity import v3 as ka_v3
from keystoneclient.v3 import client as kc_v3
from oslo_utils import uuidutils

from magnum_clone.common import context as ctx_mod
from magnum_clone.common import driver_factory, rpc, states
from magnum_clone.common.clients import keystone as ks_client
from magnum_clone.conductor import operations, reconcile, trust
from magnum_clone.conf import CONF
from magnum_clone_drivers.base import Observation
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.k8s_fedora_coreos_v1 import template_def as fcos_td
from tests.fixtures import keystone as _kf
from tests.fixtures.keystone import PASSWORD, Keystone

keystone = _kf.keystone

DOMAIN_ADMIN_PASSWORD = "trustee-domain-admin-pw"


def _admin(ks: Keystone) -> Any:
    """keystoneclient as the bootstrap admin (project admin)."""
    auth = ka_v3.Password(auth_url=ks.url, username="admin", password=PASSWORD,
                          user_domain_id="default", project_name="admin",
                          project_domain_id="default")
    return kc_v3.Client(session=ka_session.Session(auth=auth), interface="public")


@pytest.fixture(scope="module")
def trustee_domain(keystone: Keystone) -> Iterator[dict[str, str]]:
    """A trustee domain and a domain admin in it (role admin on the domain)."""
    admin = _admin(keystone)
    dom = admin.domains.create(name=f"magnum-{uuid.uuid4().hex[:8]}", enabled=True)
    user = admin.users.create(name="trustee_domain_admin", domain=dom.id,
                              password=DOMAIN_ADMIN_PASSWORD, enabled=True)
    admin.roles.grant(keystone.roles["admin"], user=user.id, domain=dom.id)
    yield {"domain_id": dom.id, "domain_name": dom.name, "admin_id": user.id}


@pytest.fixture()
def trust_conf(keystone: Keystone, trustee_domain: dict[str, str], db: Any
               ) -> Iterator[dict[str, str]]:
    values = {"trustee_domain_id": trustee_domain["domain_id"],
              "trustee_domain_admin_id": trustee_domain["admin_id"],
              "trustee_domain_admin_password": DOMAIN_ADMIN_PASSWORD,
              "auth_url": keystone.url}
    for k, v in values.items():
        CONF.set_override(k, v, group="trust")
    CONF.set_override("auth_strategy", "keystone")
    ks_client.reset()
    yield trustee_domain
    for k in [*values, "roles", "cluster_user_trust", "trustee_domain_name"]:
        CONF.clear_override(k, group="trust")
    CONF.clear_override("auth_strategy")
    ks_client.reset()


def _context(ks: Keystone, user: str = "member_p1") -> Any:
    """The context the conductor gets: built from a real token, then through RPC."""
    project = _kf.USERS[user][0]
    ctx = ctx_mod.RequestContext(auth_token=ks.token(user), user_id=ks.users[user],
                                 project_id=ks.projects[project], roles=["member", "reader"])
    ser = rpc.ContextSerializer()
    return ser.deserialize_context(ser.serialize_context(ctx))


def _cluster(db: Any, ks: Keystone, user: str = "member_p1", **kw: Any) -> Any:
    project = ks.projects[_kf.USERS[user][0]]
    tpl = db.create_cluster_template(values={"uuid": uuidutils.generate_uuid(), "name": "t",
                                             "coe": "kubernetes", "project_id": project})
    ngs = [dict(uuid=uuidutils.generate_uuid(), name=n, role=r, node_count=1, is_default=True,
                min_node_count=0, status="CREATE_IN_PROGRESS") for n, r in
           (("default-master", "master"), ("default-worker", "worker"))]
    values = dict(uuid=uuidutils.generate_uuid(), name="c", project_id=project,
                  user_id=ks.users[user], labels={}, cluster_template_id=tpl.uuid,
                  status="CREATE_IN_PROGRESS")
    values.update(kw)
    return db.create_cluster(values=values, nodegroups=ngs)


def _trust_scoped_token(ks: Keystone, row: Any) -> Any:
    auth = ka_v3.Password(auth_url=ks.url, user_id=row.trustee_user_id,
                          password=row.trustee_password, trust_id=row.trust_id)
    sess = ka_session.Session(auth=auth)
    return auth.get_access(sess)


def _assert_gone(ks: Keystone, user_id: str | None, trust_id: str | None) -> None:
    admin = _admin(ks)
    if trust_id:
        with pytest.raises(ka_exc.NotFound):
            admin.trusts.get(trust_id)
    if user_id:
        with pytest.raises(ka_exc.NotFound):
            admin.users.get(user_id)


def _trustees(ks: Keystone, domain_id: str) -> list[str]:
    return [u.name for u in _admin(ks).users.list(domain=domain_id)
            if u.name != "trustee_domain_admin"]


def test_trust_gives_a_trust_scoped_token_and_delete_removes_both(
        keystone: Keystone, trust_conf: dict[str, str], db: Any) -> None:
    c = _cluster(db, keystone)
    row = trust.create_for_cluster(_context(keystone), c)
    assert row.trustee_username == f"{c.uuid}_{keystone.projects['p1']}"
    assert len(row.trustee_password) >= 18 and row.trustee_user_id and row.trust_id
    stored = db.get_cluster(ident=c.uuid, project_id=None)
    assert (stored.trustee_user_id, stored.trust_id) == (row.trustee_user_id, row.trust_id)

    # the trustee lives in the trustee domain; the trust is the member's, impersonating
    admin = _admin(keystone)
    assert admin.users.get(row.trustee_user_id).domain_id == trust_conf["domain_id"]
    t = admin.trusts.get(row.trust_id)
    assert t.trustor_user_id == keystone.users["member_p1"]
    assert t.trustee_user_id == row.trustee_user_id
    assert t.impersonation is True and t.project_id == keystone.projects["p1"]

    # the trustee gets a trust-scoped token acting as the member in p1
    access = _trust_scoped_token(keystone, row)
    assert access.trust_id == row.trust_id and access.trust_scoped
    assert access.project_id == keystone.projects["p1"]
    assert access.user_id == keystone.users["member_p1"]   # impersonation
    assert "member" in access.role_names

    # a resumed create keeps them
    assert trust.create_for_cluster(_context(keystone), row) is row

    trust.delete_for_cluster(row)
    _assert_gone(keystone, row.trustee_user_id, row.trust_id)
    with pytest.raises(ka_exc.Unauthorized):
        _trust_scoped_token(keystone, row)
    trust.delete_for_cluster(row)   # twice: already gone is fine


def test_configured_roles_and_driver_parameters(keystone: Keystone, trust_conf: dict[str, str],
                                                db: Any) -> None:
    CONF.set_override("roles", ["reader"], group="trust")
    c = _cluster(db, keystone)
    row = trust.create_for_cluster(_context(keystone), c)
    try:
        t = _admin(keystone).trusts.get(row.trust_id)
        assert [r["name"] for r in t.roles] == ["reader"]
        cluster = {"trustee_user_id": row.trustee_user_id, "trust_id": row.trust_id,
                   "trustee_username": row.trustee_username,
                   "trustee_password": row.trustee_password}
        params = ks_client.trustee_parameters(cluster)
        assert params == {"trustee_domain_id": trust_conf["domain_id"],
                          "trustee_user_id": row.trustee_user_id,
                          "trustee_username": row.trustee_username,
                          "trustee_password": row.trustee_password, "auth_url": keystone.url}
        CONF.set_override("cluster_user_trust", True, group="trust")
        assert ks_client.trustee_parameters(cluster)["trust_id"] == row.trust_id
        # the domain id is resolved from the name too
        CONF.clear_override("trustee_domain_id", group="trust")
        CONF.set_override("trustee_domain_name", trust_conf["domain_name"], group="trust")
        assert ks_client.trustee_domain_id() == trust_conf["domain_id"]
    finally:
        trust.delete_for_cluster(row)
    _assert_gone(keystone, row.trustee_user_id, row.trust_id)


def test_failed_trust_leaves_no_trustee(keystone: Keystone, trust_conf: dict[str, str],
                                        db: Any) -> None:
    CONF.set_override("roles", ["no-such-role"], group="trust")
    c = _cluster(db, keystone)
    before = _trustees(keystone, trust_conf["domain_id"])
    with pytest.raises(trust.TrustError) as ei:
        trust.create_for_cluster(_context(keystone), c)
    assert str(ei.value).startswith(f"Failed to create trustee or trust for Cluster: {c.uuid}: "
                                    "creating the trust failed: ")
    assert _trustees(keystone, trust_conf["domain_id"]) == before
    row = db.get_cluster(ident=c.uuid, project_id=None)
    assert all(getattr(row, f) is None for f in trust.FIELDS)


def test_failed_trustee_is_a_clear_failure(keystone: Keystone, trust_conf: dict[str, str],
                                           db: Any) -> None:
    CONF.set_override("trustee_domain_admin_password", "wrong", group="trust")
    ks_client.reset()
    c = _cluster(db, keystone)
    with pytest.raises(trust.TrustError, match="creating the trustee user failed"):
        trust.create_for_cluster(_context(keystone), c)


class _Driver:
    """Records what the conductor hands the driver; no stack."""

    def __init__(self) -> None:
        self.views: list[Any] = []

    def find_backend_id(self, context: Any, view: Any) -> None:
        return None

    def create_cluster(self, context: Any, view: Any, timeout: int) -> str:
        self.views.append(view)
        return ""   # no stack: the delete below then takes the "no stack" path


def test_conductor_create_and_delete(keystone: Keystone, trust_conf: dict[str, str], db: Any,
                                     monkeypatch: Any) -> None:
    """operations.create makes the trust before the driver runs and the FCOS parameters carry
    the trustee; operations.delete (no stack) removes trust and trustee in Keystone."""
    drv = _Driver()
    monkeypatch.setattr(driver_factory, "for_template", lambda _t: drv)
    c = _cluster(db, keystone)
    operations.create(_context(keystone), c.uuid)
    row = db.get_cluster(ident=c.uuid, project_id=None)
    assert row.status == "CREATE_IN_PROGRESS", row.status_reason
    assert row.trust_id and row.trustee_user_id
    view = drv.views[0]
    assert view.cluster["trust_id"] == row.trust_id
    params = fcos_td.PARAMS
    lookups = ks_client.trustee_parameters(view.cluster)
    rendered = td.TemplateDefinition(fcos_td.TEMPLATE, params).parameters(
        td.RenderInput(view=view, lookups=lookups))
    assert rendered["trustee_user_id"] == row.trustee_user_id
    assert rendered["trustee_password"] == row.trustee_password
    assert "trust_id" not in rendered   # [trust] cluster_user_trust is off
    _trust_scoped_token(keystone, row)

    # as the API's delete does: a new pending operation (another member of p1 asks)
    db.update_cluster(uuid=c.uuid, values={"status": "DELETE_IN_PROGRESS", "stack_id": None,
                                           "operation_started_at": None})
    operations.delete(_context(keystone, "member2_p1"), c.uuid)
    with pytest.raises(Exception, match="could not be found"):
        db.get_cluster(ident=c.uuid, project_id=None)
    _assert_gone(keystone, row.trustee_user_id, row.trust_id)


@pytest.mark.parametrize("observed", [
    Observation(status=states.Status.DELETE_COMPLETE),   # the stack reports DELETE_COMPLETE
    Observation(missing=True),                           # the stack is gone already
], ids=["delete-complete", "stack-missing"])
def test_reconcile_final_delete_removes_trust_and_trustee(
        keystone: Keystone, trust_conf: dict[str, str], db: Any, observed: Observation) -> None:
    """The reconcile loop sees the delete finish: the row goes, and the trust and the trustee
    user are deleted in Keystone (reference §4.5, §16.3)."""
    c = _cluster(db, keystone)
    made = trust.create_for_cluster(_context(keystone), c)
    _trust_scoped_token(keystone, made)   # usable before
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    db.update_cluster(uuid=c.uuid, values={
        "status": "DELETE_IN_PROGRESS", "stack_id": "stk-gone",
        "operation_started_at": now - datetime.timedelta(minutes=1)})
    row = db.get_cluster(ident=c.uuid, project_id=None)
    assert (row.trustee_user_id, row.trust_id) == (made.trustee_user_id, made.trust_id)

    assert reconcile.apply(row, observed, now) is True
    with pytest.raises(Exception, match="could not be found"):
        db.get_cluster(ident=c.uuid, project_id=None)
    _assert_gone(keystone, made.trustee_user_id, made.trust_id)
    with pytest.raises(ka_exc.Unauthorized):
        _trust_scoped_token(keystone, made)
    assert made.trustee_username not in _trustees(keystone, trust_conf["domain_id"])


def test_reconcile_other_outcomes_keep_the_trust(keystone: Keystone, trust_conf: dict[str, str],
                                                 db: Any) -> None:
    """Only the final delete removes them: a cluster reaching CREATE_COMPLETE keeps both."""
    c = _cluster(db, keystone)
    made = trust.create_for_cluster(_context(keystone), c)
    try:
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        db.update_cluster(uuid=c.uuid, values={
            "stack_id": "stk", "operation_started_at": now - datetime.timedelta(minutes=1)})
        row = db.get_cluster(ident=c.uuid, project_id=None)
        assert reconcile.apply(row, Observation(status=states.Status.CREATE_COMPLETE), now)
        assert db.get_cluster(ident=c.uuid, project_id=None).status == "CREATE_COMPLETE"
        assert _trust_scoped_token(keystone, made).trust_scoped
    finally:
        trust.delete_for_cluster(made)


def test_conductor_create_fails_cleanly(keystone: Keystone, trust_conf: dict[str, str],
                                        db: Any, monkeypatch: Any) -> None:
    drv = _Driver()
    monkeypatch.setattr(driver_factory, "for_template", lambda _t: drv)
    CONF.set_override("roles", ["no-such-role"], group="trust")
    before = _trustees(keystone, trust_conf["domain_id"])
    c = _cluster(db, keystone)
    operations.create(_context(keystone), c.uuid)
    row = db.get_cluster(ident=c.uuid, project_id=None)
    assert row.status == "CREATE_FAILED"
    assert row.status_reason.startswith("Failed to create trustee or trust for Cluster: ")
    assert not drv.views and row.trust_id is None and row.trustee_user_id is None
    assert _trustees(keystone, trust_conf["domain_id"]) == before


def test_noauth_skips(db: Any, caplog: Any, keystone: Keystone) -> None:
    c = _cluster(db, keystone)
    with caplog.at_level("INFO", logger="magnum_clone.conductor.trust"):
        assert trust.create_for_cluster(None, c) is c
    assert f"noauth: no trust for cluster {c.uuid}" in caplog.text
    assert ks_client.trustee_parameters({"uuid": c.uuid}) == {}


def test_rotate_replaces_trustee_and_trust(keystone: Keystone, trust_conf: dict[str, str],
                                           db: Any) -> None:
    """Credential rotation (PATCH /v1/credentials): a new trustee and trust in Keystone, the
    old ones gone once the push worked; a failed push keeps the old ones."""
    c = _cluster(db, keystone)
    old = trust.create_for_cluster(_context(keystone), c)
    db.update_cluster(uuid=c.uuid, values={"status": "CREATE_COMPLETE"})
    old = db.get_cluster(ident=c.uuid, project_id=None)
    pushed: list[Any] = []
    row = trust.rotate_for_cluster(_context(keystone), old, ["CREATE_COMPLETE"],
                                   push=pushed.append)
    try:
        assert len(pushed) == 1 and pushed[0].trust_id == row.trust_id
        assert row.trustee_user_id != old.trustee_user_id and row.trust_id != old.trust_id
        assert row.trustee_username.startswith(f"{c.uuid}_{keystone.projects['p1']}_")
        access = _trust_scoped_token(keystone, row)
        assert access.user_id == keystone.users["member_p1"]
        _assert_gone(keystone, old.trustee_user_id, old.trust_id)

        def _fail(_row: Any) -> None:
            raise RuntimeError("push failed")

        before = _trustees(keystone, trust_conf["domain_id"])
        with pytest.raises(RuntimeError):
            trust.rotate_for_cluster(_context(keystone), row, ["CREATE_COMPLETE"], push=_fail)
        assert _trustees(keystone, trust_conf["domain_id"]) == before
        kept = db.get_cluster(ident=c.uuid, project_id=None)
        assert (kept.trustee_user_id, kept.trust_id) == (row.trustee_user_id, row.trust_id)
        assert _trust_scoped_token(keystone, kept).trust_scoped
    finally:
        trust.delete_for_cluster(row)
