"""CADF notifications (common/notifications.py; reference §15) and where the conductor sends
them (operations.py, reconcile.py)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from oslo_messaging.notify import _impl_test
from oslo_utils import uuidutils

from magnum_clone.common import context as ctx_mod
from magnum_clone.common import notifications as n
from magnum_clone.common import states
from magnum_clone.conductor import operations, reconcile
from magnum_clone.conf import CONF
from magnum_clone_drivers.base import Observation
from tests.unit.api import conftest as _api_conftest
from tests.unit.api.conftest import MEMBER, make_cluster, make_template, set_status

# the API fixtures (tests/unit/api/conftest.py), for the refusals answered by the API
api, wsgi_app = _api_conftest.api, _api_conftest.wsgi_app

S = states.Status
NOW = datetime.datetime(2026, 11, 22, 12, 0, 0)
CADF_EVENT = "http://schemas.dmtf.org/cloud/audit/1.0/event"
CLUSTER_URI = "service/magnum/cluster"
USER_URI = "service/security/account/user"
REQ = ctx_mod.RequestContext(user_id="u-req", project_id="p-req", roles=["member"])


class Recorder:
    """Stands in for the oslo.messaging Notifier: records (priority, event_type, payload)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, str, dict[str, Any]]] = []

    def info(self, ctxt: Any, event_type: str, payload: dict[str, Any]) -> None:
        self.sent.append(("INFO", ctxt, event_type, payload))

    def error(self, ctxt: Any, event_type: str, payload: dict[str, Any]) -> None:
        self.sent.append(("ERROR", ctxt, event_type, payload))

    def summary(self) -> list[tuple[str, str, str, str]]:
        return [(p, et, pl["action"], pl["outcome"]) for p, _c, et, pl in self.sent]


@pytest.fixture()
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    rec = Recorder()
    monkeypatch.setattr(n, "enabled", lambda: True)
    monkeypatch.setattr(n, "get_notifier", lambda: rec)
    yield rec


def _cluster(db: Any, status: str = "CREATE_IN_PROGRESS", **kw: Any) -> Any:
    tpl = db.create_cluster_template(values={"uuid": uuidutils.generate_uuid(), "name": "t",
                                             "coe": "kubernetes", "project_id": "p-owner"})
    ngs = [dict(uuid=uuidutils.generate_uuid(), name=name, role=role, node_count=count,
                is_default=True, min_node_count=0, status=status,
                node_addresses=addrs)
           for name, role, count, addrs in (("default-master", "master", 1, ["10.0.0.5"]),
                                            ("default-worker", "worker", 2,
                                             ["10.0.0.6", "10.0.0.7"]))]
    values = dict(uuid=uuidutils.generate_uuid(), name="c1", project_id="p-owner",
                  user_id="u-owner", labels={"kube_tag": "v1"}, keypair="kp",
                  docker_volume_size=5, flavor_id="m1.small", master_flavor_id="m1.large",
                  create_timeout=60, cluster_template_id=tpl.uuid, status=status,
                  stack_id="stk", api_address="https://10.0.0.5:6443")
    values.update(kw)
    return db.create_cluster(values=values, nodegroups=ngs)


# --- the payload -------------------------------------------------------------------------

def test_event_shape(db: Any) -> None:
    c = _cluster(db)
    ev = n.build_event(REQ, c, "create", "pending")
    assert set(ev) == {"typeURI", "eventType", "id", "eventTime", "action", "outcome",
                       "observer", "initiator", "target"}
    assert ev["typeURI"] == CADF_EVENT and ev["eventType"] == "activity"
    assert ev["action"] == "create" and ev["outcome"] == "pending"
    assert ev["eventTime"].endswith("+0000")
    assert ev["observer"]["typeURI"] == CLUSTER_URI and ev["observer"]["id"]
    init = ev["initiator"]
    assert init["typeURI"] == USER_URI and init["id"]
    assert (init["user_id"], init["project_id"]) == ("u-req", "p-req")
    target = ev["target"]
    assert (target["id"], target["name"], target["typeURI"]) == (c.uuid, "c1", CLUSTER_URI)
    (att,) = target["attachments"]
    assert att["name"] == "cluster_data" and att["typeURI"] == CLUSTER_URI
    content = att["content"]
    assert list(content) == list(n.CONTENT_KEYS)
    assert "docker_volume_size:" in content  # sic, upstream's key
    assert content["docker_volume_size:"] == 5
    assert content["status"] == "CREATE_IN_PROGRESS" and content["project_id"] == "p-owner"
    assert content["labels"] == {"kube_tag": "v1"} and content["keypair"] == "kp"
    assert (content["node_count"], content["master_count"]) == (2, 1)
    assert content["node_addresses"] == ["10.0.0.6", "10.0.0.7"]
    assert content["master_addresses"] == ["10.0.0.5"]
    assert content["cluster_template_id"] == c.cluster_template_id
    assert content["stack_id"] == "stk" and content["create_timeout"] == 60
    assert content["api_address"] == "https://10.0.0.5:6443"
    assert isinstance(content["created_at"], str)


def test_initiator_falls_back_to_the_cluster_owner(db: Any) -> None:
    c = _cluster(db)
    for context in (None, ctx_mod.admin_context()):
        init = n.build_event(context, c, "delete", "success")["initiator"]
        assert (init["user_id"], init["project_id"]) == ("u-owner", "p-owner")


def test_overrides_and_bad_values(db: Any) -> None:
    c = _cluster(db)
    ev = n.build_event(None, c, "delete", "success", {"status": "DELETE_COMPLETE"})
    assert ev["target"]["attachments"][0]["content"]["status"] == "DELETE_COMPLETE"
    with pytest.raises(ValueError):
        n.build_event(None, c, "resize", "success")
    with pytest.raises(ValueError):
        n.build_event(None, c, "create", "done")


@pytest.mark.parametrize("status,action", [
    ("CREATE_COMPLETE", "create"), ("CREATE_FAILED", "create"), ("UPDATE_COMPLETE", "update"),
    ("ROLLBACK_FAILED", "update"), ("ROLLBACK_IN_PROGRESS", "update"),
    ("DELETE_FAILED", "delete"), ("RESUME_COMPLETE", None), (S.UPDATE_FAILED, "update")])
def test_action_for(status: Any, action: str | None) -> None:
    assert n.action_for(status) == action


@pytest.mark.parametrize("outcome,priority", [("pending", "INFO"), ("success", "INFO"),
                                              ("failure", "ERROR")])
def test_priority_and_event_type(db: Any, recorder: Recorder, outcome: str,
                                 priority: str) -> None:
    c = _cluster(db)
    n.notify(REQ, c, "update", outcome)
    assert recorder.summary() == [(priority, "magnum.cluster.update", "update", outcome)]
    assert recorder.sent[0][1] is REQ  # the request context (oslo.messaging redacts it)


def test_default_is_noop(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert CONF.oslo_messaging_notifications.driver == []
    assert not n.enabled()
    monkeypatch.setattr(n, "get_notifier", lambda: pytest.fail("no notifier in noop mode"))
    n.notify(REQ, _cluster(db), "create", "pending")


def test_never_raises(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def info(self, *a: Any) -> None:
            raise RuntimeError("broker down")

    monkeypatch.setattr(n, "enabled", lambda: True)
    monkeypatch.setattr(n, "get_notifier", lambda: Broken())
    n.notify(REQ, _cluster(db), "create", "pending")


def test_through_oslo_messaging_test_driver(db: Any) -> None:
    """The real Notifier: publisher id, priority, event type, payload."""
    CONF.set_override("driver", ["test"], group="oslo_messaging_notifications")
    n.reset()
    _impl_test.reset()
    try:
        c = _cluster(db)
        secret = ctx_mod.RequestContext(user_id="u-req", project_id="p-req",
                                        auth_token="secret-token")
        n.notify(secret, c, "create", "pending")
        n.notify(None, c, "create", "failure")
        ctxt = _impl_test.NOTIFICATIONS[0][0]  # redacted by oslo.messaging: no token
        assert ctxt.user_id == "u-req" and ctxt.auth_token is None
        sent = [(prio, msg["event_type"], msg["publisher_id"], msg["payload"]["outcome"])
                for _ctx, msg, prio, _retry in _impl_test.NOTIFICATIONS]
        host = CONF.host
        assert sent == [("INFO", "magnum.cluster.create", f"container-infra.{host}", "pending"),
                        ("ERROR", "magnum.cluster.create", f"container-infra.{host}",
                         "failure")]
    finally:
        CONF.clear_override("driver", group="oslo_messaging_notifications")
        n.reset()
        _impl_test.reset()


# --- where the conductor sends them ------------------------------------------------------

class FakeDriver:
    def __init__(self, fail: str | None = None, backend_id: str | None = None) -> None:
        self.fail = fail
        self.backend_id = backend_id

    def find_backend_id(self, context: Any, view: Any) -> str | None:
        return self.backend_id

    def observe(self, context: Any, views: Any) -> dict[str, Observation]:
        return {}   # no stack operation in progress: a scale is sent at once

    def create_cluster(self, context: Any, view: Any, timeout: int) -> str:
        if self.fail == "create":
            raise RuntimeError("no capacity")
        return "stk-new"

    def scale_cluster(self, context: Any, view: Any, **kw: Any) -> None:
        if self.fail == "scale":
            raise RuntimeError("scale refused")

    def delete_cluster(self, context: Any, view: Any) -> None:
        if self.fail == "delete":
            raise RuntimeError("delete refused")


@pytest.fixture()
def driver(db: Any, monkeypatch: pytest.MonkeyPatch) -> FakeDriver:
    drv = FakeDriver()

    def load(uuid: str) -> tuple[Any, Any, Any]:
        c = db.get_cluster(ident=uuid, project_id=None)
        return c, None, drv

    monkeypatch.setattr(operations, "_load", load)
    monkeypatch.setattr(operations.certs, "ensure_cluster_certificates", lambda ctx, c, t: c)
    monkeypatch.setattr(operations.certs, "delete_cluster_certificates", lambda ctx, c: None)
    monkeypatch.setattr(reconcile.certs, "delete_cluster_certificates", lambda ctx, c: None)
    monkeypatch.setattr(operations.views, "view", lambda c, t: {"uuid": c.uuid})
    return drv


def _initiators(rec: Recorder) -> list[tuple[str, str]]:
    return [(pl["initiator"]["user_id"], pl["initiator"]["project_id"])
            for _p, _c, _e, pl in rec.sent]


def test_create_pending(db: Any, recorder: Recorder, driver: FakeDriver) -> None:
    c = _cluster(db, stack_id=None)
    operations.create(REQ, c.uuid)
    assert recorder.summary() == [("INFO", "magnum.cluster.create", "create", "pending")]
    assert _initiators(recorder) == [("u-req", "p-req")]
    assert recorder.sent[0][3]["target"]["id"] == c.uuid


def test_create_failure(db: Any, recorder: Recorder, driver: FakeDriver) -> None:
    driver.fail = "create"
    c = _cluster(db, stack_id=None)
    operations.create(REQ, c.uuid)
    assert recorder.summary() == [("INFO", "magnum.cluster.create", "create", "pending"),
                                  ("ERROR", "magnum.cluster.create", "create", "failure")]
    content = recorder.sent[1][3]["target"]["attachments"][0]["content"]
    assert content["status"] == "CREATE_FAILED" and content["status_reason"] == "no capacity"
    assert _initiators(recorder) == [("u-req", "p-req")] * 2


def test_update_pending_and_failure(db: Any, recorder: Recorder, driver: FakeDriver) -> None:
    c = _cluster(db, status="UPDATE_IN_PROGRESS")
    worker = next(ng for ng in c.nodegroups if ng.role == "worker")
    operations.scale(REQ, c.uuid, worker.uuid, 3, [], False)
    assert recorder.summary() == [("INFO", "magnum.cluster.update", "update", "pending")]
    driver.fail = "scale"
    c2 = _cluster(db, status="UPDATE_IN_PROGRESS")
    worker = next(ng for ng in c2.nodegroups if ng.role == "worker")
    operations.scale(REQ, c2.uuid, worker.uuid, 3, [], False)
    assert recorder.summary()[1:] == [("INFO", "magnum.cluster.update", "update", "pending"),
                                      ("ERROR", "magnum.cluster.update", "update", "failure")]


def test_delete_pending_and_failure(db: Any, recorder: Recorder, driver: FakeDriver) -> None:
    c = _cluster(db, status="DELETE_IN_PROGRESS")
    operations.delete(REQ, c.uuid)
    assert recorder.summary() == [("INFO", "magnum.cluster.delete", "delete", "pending")]
    driver.fail = "delete"
    c2 = _cluster(db, status="DELETE_IN_PROGRESS")
    operations.delete(REQ, c2.uuid)
    assert recorder.summary()[1:] == [("INFO", "magnum.cluster.delete", "delete", "pending"),
                                      ("ERROR", "magnum.cluster.delete", "delete", "failure")]


def test_delete_without_stack_is_a_success(db: Any, recorder: Recorder,
                                           driver: FakeDriver) -> None:
    c = _cluster(db, status="DELETE_IN_PROGRESS", stack_id=None)
    operations.delete(REQ, c.uuid)
    assert recorder.summary() == [("INFO", "magnum.cluster.delete", "delete", "pending"),
                                  ("INFO", "magnum.cluster.delete", "delete", "success")]
    assert recorder.sent[1][3]["target"]["attachments"][0]["content"]["status"] == \
        "DELETE_COMPLETE"
    assert db.count_clusters(project_id="p-owner") == 0


@pytest.mark.parametrize("current,observed,expected", [
    ("CREATE_IN_PROGRESS", S.CREATE_COMPLETE, ("INFO", "create", "success")),
    ("CREATE_IN_PROGRESS", S.CREATE_FAILED, ("ERROR", "create", "failure")),
    ("UPDATE_IN_PROGRESS", S.UPDATE_COMPLETE, ("INFO", "update", "success")),
    ("UPDATE_IN_PROGRESS", S.UPDATE_FAILED, ("ERROR", "update", "failure")),
    ("ROLLBACK_IN_PROGRESS", S.ROLLBACK_COMPLETE, ("INFO", "update", "success")),
    ("DELETE_IN_PROGRESS", S.DELETE_FAILED, ("ERROR", "delete", "failure")),
    ("DELETE_IN_PROGRESS", S.DELETE_COMPLETE, ("INFO", "delete", "success")),
])
def test_reconcile_outcomes(db: Any, recorder: Recorder, current: str, observed: S,
                            expected: tuple[str, str, str]) -> None:
    # claimed: the conductor has called Heat for this operation
    c = _cluster(db, status=current, operation_started_at=datetime.datetime(2026, 1, 1))
    assert reconcile.apply(c, Observation(status=observed), NOW, ctx_mod.admin_context())
    prio, action, outcome = expected
    assert recorder.summary() == [(prio, f"magnum.cluster.{action}", action, outcome)]
    # reconcile-driven: the initiator is the cluster's owner
    assert _initiators(recorder) == [("u-owner", "p-owner")]
    content = recorder.sent[0][3]["target"]["attachments"][0]["content"]
    assert content["status"] == observed.value


def test_reconcile_missing_stack_and_timeout(db: Any, recorder: Recorder) -> None:
    gone = _cluster(db, status="DELETE_IN_PROGRESS")
    assert reconcile.apply(gone, Observation(missing=True), NOW)
    lost = _cluster(db, status="UPDATE_IN_PROGRESS")
    assert reconcile.apply(lost, Observation(missing=True), NOW)
    late = _cluster(db, operation_deadline=NOW - datetime.timedelta(seconds=1))
    assert reconcile.apply(late, Observation(status=S.CREATE_IN_PROGRESS), NOW)
    assert recorder.summary() == [("INFO", "magnum.cluster.delete", "delete", "success"),
                                  ("ERROR", "magnum.cluster.update", "update", "failure"),
                                  ("ERROR", "magnum.cluster.create", "create", "failure")]


def test_reconcile_ignored_observation_sends_nothing(db: Any, recorder: Recorder) -> None:
    c = _cluster(db, status="UPDATE_IN_PROGRESS")
    assert not reconcile.apply(c, Observation(status=S.CREATE_COMPLETE), NOW)
    assert recorder.sent == []


# --- refusals answered by the API (reference §15: "refused for state" -> failure) ----------
# The API refuses synchronously what upstream's conductor refuses after the cast; the failure
# notification upstream's conductor sends is sent by the API, with the caller as initiator.
# Through the real oslo.messaging Notifier and its "test" driver.

@pytest.fixture()
def sent() -> Iterator[Callable[[], list[tuple[str, str, str, str, str, dict[str, Any]]]]]:
    """``sent()``: (priority, event type, action, outcome, target id, payload) of every
    notification sent so far."""
    CONF.set_override("driver", ["test"], group="oslo_messaging_notifications")
    n.reset()
    _impl_test.reset()

    def _sent() -> list[tuple[str, str, str, str, str, dict[str, Any]]]:
        return [(prio, msg["event_type"], msg["payload"]["action"],
                 msg["payload"]["outcome"], msg["payload"]["target"]["id"], msg["payload"])
                for _ctx, msg, prio, _retry in _impl_test.NOTIFICATIONS]

    yield _sent
    CONF.clear_override("driver", group="oslo_messaging_notifications")
    n.reset()
    _impl_test.reset()


REFUSALS = [
    # (status, method, path suffix, body, HTTP status, notification action or None)
    ("UPDATE_IN_PROGRESS", "PATCH", "", [{"op": "replace", "path": "/node_count", "value": 3}],
     409, "update"),
    ("CREATE_IN_PROGRESS", "PATCH", "",
     [{"op": "replace", "path": "/health_status", "value": "HEALTHY"}], 409, "update"),
    ("DELETE_IN_PROGRESS", "POST", "/actions/resize", {"node_count": 2}, 409, "update"),
    ("CREATE_FAILED", "POST", "/actions/upgrade", {"cluster_template": "{tpl}"}, 400, "update"),
    ("DELETE_COMPLETE", "DELETE", "", None, 409, "delete"),
    # not refused for its state: the driver refuses (upstream: after its pending), or accepted
    ("CREATE_COMPLETE", "POST", "/actions/upgrade", {"cluster_template": "{tpl}"}, 400, None),
    ("CREATE_COMPLETE", "PATCH", "", [{"op": "replace", "path": "/node_count", "value": 3}],
     202, None),
]


@pytest.mark.parametrize(("status", "method", "suffix", "body", "code", "action"), REFUSALS,
                         ids=[f"{r[1]}{r[2]}-{r[0]}" for r in REFUSALS])
def test_api_refusal_sends_the_failure(api: Any, sent: Any, status: str, method: str,
                                       suffix: str, body: Any, code: int,
                                       action: str | None) -> None:
    tpl = make_template(api, MEMBER)["uuid"]
    uuid = make_cluster(api, tpl, MEMBER)
    set_status(uuid, status)
    if isinstance(body, dict):
        body = {k: v.replace("{tpl}", tpl) if isinstance(v, str) else v
                for k, v in body.items()}
    raw = b"" if body is None else json.dumps(body).encode()
    r = api.raw(method, f"/v1/clusters/{uuid}{suffix}", raw, headers=MEMBER)
    assert r.status_int == code, r.text
    got = sent()
    if action is None:
        assert got == []
        return
    assert [m[:5] for m in got] == [("ERROR", f"magnum.cluster.{action}", action, "failure",
                                     uuid)]
    payload = got[0][5]
    assert (payload["initiator"]["user_id"], payload["initiator"]["project_id"]) == \
        ("u-member", "p-member")
    assert payload["target"]["attachments"][0]["content"]["status"] == status


def test_refused_ca_rotation_sends_update_failure(api: Any, sent: Any) -> None:
    tpl = make_template(api, MEMBER)["uuid"]
    uuid = make_cluster(api, tpl, MEMBER)
    set_status(uuid, "UPDATE_IN_PROGRESS")
    r = api.raw("PATCH", f"/v1/certificates/{uuid}", b"", headers=MEMBER)
    assert r.status_int == 400, r.text
    assert [m[:5] for m in sent()] == [("ERROR", "magnum.cluster.update", "update", "failure",
                                        uuid)]
