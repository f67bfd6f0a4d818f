"""CADF notifications on a real RabbitMQ (127.0.0.1:5672, guest/guest), received by a real
oslo.messaging notification listener: ``[oslo_messaging_notifications] driver=messagingv2``
with a topic of our own, sent by the conductor-side code (notifications.notify, the create
operation, the reconcile loop), and end to end by the magnum-clone-api and
magnum-clone-conductor processes driving a local real Heat (create, a scale through the
conductor, an update refused for its state, a delete)."""

from __future__ import annotations

import contextlib
import datetime
import os
import queue
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from typing import Any

import oslo_messaging as messaging
import pytest
from oslo_utils import uuidutils

from magnum_clone.common import context as ctx_mod
from magnum_clone.common import notifications, rpc, states
from magnum_clone.conductor import operations, reconcile
from magnum_clone.conf import CONF
from magnum_clone_drivers.base import Observation
from tests import dbservers
from tests.fixtures import deployment as deployment_conf
from tests.fixtures import processes
from tests.integration.test_heat_events import _delete_queues
from tests.integration.test_multiprocess import TEMPLATE, call, wait

RABBIT = deployment_conf.RABBIT
REQ = ctx_mod.RequestContext(user_id="u-req", project_id="p-req", roles=["member"],
                             auth_token="secret-token")


def _rabbit_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _rabbit_up(), reason="RabbitMQ not on 127.0.0.1:5672")


class Endpoint:
    def __init__(self) -> None:
        self.received: queue.Queue[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = \
            queue.Queue()

    def info(self, ctxt: dict[str, Any], publisher_id: str, event_type: str,
             payload: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.received.put(("INFO", publisher_id, event_type, payload, ctxt))

    def error(self, ctxt: dict[str, Any], publisher_id: str, event_type: str,
              payload: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.received.put(("ERROR", publisher_id, event_type, payload, ctxt))

    def take(self, n: int, timeout: float = 20) -> list[tuple[str, str, str, dict[str, Any],
                                                             dict[str, Any]]]:
        out = []
        deadline = time.monotonic() + timeout
        while len(out) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"got {len(out)} of {n} notifications: {out}")
            out.append(self.received.get(timeout=left))
        return out


PRIORITIES = ("audit", "debug", "info", "warn", "error", "critical", "sample")


@contextlib.contextmanager
def listening(topic: str) -> Iterator[Endpoint]:
    """A notification listener on ``topic`` with a pool (queue) of its own; the queues of the
    topic are deleted afterwards, so the shared broker keeps nothing of the test."""
    endpoint = Endpoint()
    pool = f"{topic}-pool"
    listen_transport = messaging.get_notification_transport(CONF, url=RABBIT)
    server = messaging.get_notification_listener(
        listen_transport, [messaging.Target(topic=topic)], [endpoint], executor="threading",
        pool=pool)
    server.start()
    time.sleep(0.5)  # queues bound before the first notification
    try:
        yield endpoint
    finally:
        server.stop()
        server.wait()
        listen_transport.cleanup()
        _delete_queues([pool] + [f"{topic}.{p}" for p in PRIORITIES])


@pytest.fixture()
def listener(db: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Endpoint]:
    topic = f"mc-notif-test-{uuid.uuid4().hex[:12]}"
    CONF.set_override("driver", ["messagingv2"], group="oslo_messaging_notifications")
    CONF.set_override("transport_url", RABBIT, group="oslo_messaging_notifications")
    CONF.set_override("topics", [topic], group="oslo_messaging_notifications")
    # a notification transport and notifier of our own for this test
    monkeypatch.setattr(rpc, "_NOTIFICATION_TRANSPORT", None)
    notifications.reset()
    try:
        with listening(topic) as endpoint:
            yield endpoint
    finally:
        if rpc._NOTIFICATION_TRANSPORT is not None:
            rpc._NOTIFICATION_TRANSPORT.cleanup()
        notifications.reset()
        for opt in ("driver", "transport_url", "topics"):
            CONF.clear_override(opt, group="oslo_messaging_notifications")


def _cluster(db: Any, status: str, **kw: Any) -> Any:
    tpl = db.create_cluster_template(values={"uuid": uuidutils.generate_uuid(), "name": "t",
                                             "coe": "kubernetes", "project_id": "p-owner"})
    ngs = [dict(uuid=uuidutils.generate_uuid(), name=name, role=role, node_count=count,
                is_default=True, min_node_count=0, status=status)
           for name, role, count in (("default-master", "master", 1),
                                     ("default-worker", "worker", 3))]
    values = dict(uuid=uuidutils.generate_uuid(), name="rabbit-c", project_id="p-owner",
                  user_id="u-owner", labels={}, cluster_template_id=tpl.uuid, status=status,
                  stack_id="stk")
    values.update(kw)
    return db.create_cluster(values=values, nodegroups=ngs)


def _check(msg: tuple[str, str, str, dict[str, Any], dict[str, Any]], priority: str,
           action: str, outcome: str, cluster: Any, initiator: tuple[str, str]) -> None:
    prio, publisher, event_type, payload, _ctxt = msg
    assert prio == priority
    assert publisher == f"container-infra.{CONF.host}"
    assert event_type == f"magnum.cluster.{action}"
    assert payload["typeURI"] == "http://schemas.dmtf.org/cloud/audit/1.0/event"
    assert payload["eventType"] == "activity"
    assert (payload["action"], payload["outcome"]) == (action, outcome)
    assert payload["observer"]["typeURI"] == "service/magnum/cluster"
    init = payload["initiator"]
    assert init["typeURI"] == "service/security/account/user"
    assert (init["user_id"], init["project_id"]) == initiator
    target = payload["target"]
    assert (target["id"], target["name"], target["typeURI"]) == (
        cluster.uuid, cluster.name, "service/magnum/cluster")
    (att,) = target["attachments"]
    assert att["name"] == "cluster_data"
    assert list(att["content"]) == list(notifications.CONTENT_KEYS)
    assert (att["content"]["node_count"], att["content"]["master_count"]) == (3, 1)


def test_notify_directly(db: Any, listener: Endpoint) -> None:
    c = _cluster(db, "CREATE_IN_PROGRESS")
    notifications.notify(REQ, c, "create", "pending")
    notifications.notify(REQ, c, "update", "failure")
    got = sorted(listener.take(2), key=lambda m: m[0])
    _check(got[0], "ERROR", "update", "failure", c, ("u-req", "p-req"))
    _check(got[1], "INFO", "create", "pending", c, ("u-req", "p-req"))
    ctxt = got[1][4]  # the request context travels along, redacted by oslo.messaging
    assert ctxt["user"] == "u-req" and ctxt["project_id"] == "p-req"
    assert ctxt.get("auth_token") is None


class FakeDriver:
    def find_backend_id(self, context: Any, view: Any) -> None:
        return None

    def create_cluster(self, context: Any, view: Any, timeout: int) -> str:
        raise RuntimeError("no capacity")


def test_conductor_create_and_reconcile(db: Any, listener: Endpoint,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(operations, "_load", lambda u: (db.get_cluster(ident=u, project_id=None),
                                                        None, FakeDriver()))
    monkeypatch.setattr(operations.certs, "ensure_cluster_certificates", lambda ctx, c, t: c)
    monkeypatch.setattr(operations.views, "view", lambda c, t: {"uuid": c.uuid})
    monkeypatch.setattr(reconcile.certs, "delete_cluster_certificates", lambda ctx, c: None)

    # conductor create: pending before the driver call, failure when it raises
    c = _cluster(db, "CREATE_IN_PROGRESS", stack_id=None)
    operations.create(REQ, c.uuid)
    pending, failure = listener.take(2)
    _check(pending, "INFO", "create", "pending", c, ("u-req", "p-req"))
    _check(failure, "ERROR", "create", "failure", c, ("u-req", "p-req"))
    content = failure[3]["target"]["attachments"][0]["content"]
    assert content["status"] == "CREATE_FAILED" and content["status_reason"] == "no capacity"

    # reconcile observes the stack: success, initiator is the cluster's owner
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    # claimed: the conductor has called Heat for this operation
    d = _cluster(db, "CREATE_IN_PROGRESS", operation_started_at=now - datetime.timedelta(minutes=1))
    assert reconcile.apply(d, Observation(status=states.Status.CREATE_COMPLETE), now)
    (done,) = listener.take(1)
    _check(done, "INFO", "create", "success", d, ("u-owner", "p-owner"))

    # and a finished delete
    gone = _cluster(db, "DELETE_IN_PROGRESS",
                    operation_started_at=now - datetime.timedelta(minutes=1))
    assert reconcile.apply(gone, Observation(status=states.Status.DELETE_COMPLETE), now)
    (deleted,) = listener.take(1)
    _check(deleted, "INFO", "delete", "success", gone, ("u-owner", "p-owner"))
    assert deleted[3]["target"]["attachments"][0]["content"]["status"] == "DELETE_COMPLETE"


# --- end to end: API and conductor processes, local real Heat --------------------------------

@pytest.fixture(scope="module")
def deployment(local_heat_endpoint: str) -> Iterator[dict[str, Any]]:
    """magnum-clone-api and magnum-clone-conductor on RabbitMQ and MariaDB, notifying on a
    topic of their own (``messagingv2``), with a listener bound before they start."""
    run = uuid.uuid4().hex[:8]
    topic = f"mc-notif-e2e-{run}"
    tmp = tempfile.mkdtemp(prefix="mc-notif-")
    db_url = dbservers.fresh_database("mysql")
    port = processes.free_port()
    conf = deployment_conf.write_conf(
        os.path.join(tmp, "magnum-clone.conf"), db_url=db_url, port=port,
        topic=f"mc-notif-{run}", heat_endpoint=local_heat_endpoint,
        default={"host": f"notif-{run}", "periodic_interval": 1, "heartbeat_interval": 2},
        sections={"oslo_messaging_notifications": {"driver": "messagingv2",
                                                   "topics": topic}})
    try:
        deployment_conf.migrate(conf)
        api_log, cond_log = os.path.join(tmp, "api.log"), os.path.join(tmp, "conductor.log")
        with listening(topic) as endpoint, \
                processes.process([processes.script("magnum-clone-api"), "--config-file",
                                   conf], api_log) as api, \
                processes.process([processes.script("magnum-clone-conductor"),
                                   "--config-file", conf], cond_log):
            base = f"http://127.0.0.1:{port}"
            processes.wait_http(base + "/", timeout=60, proc=api, log=api_log)
            yield {"base": base, "listener": endpoint, "host": f"notif-{run}"}
    finally:
        dbservers.drop_database(db_url)


def _of(msgs: list[Any], cluster: str) -> list[tuple[str, str, str, str]]:
    return [(m[0], m[2], m[3]["action"], m[3]["outcome"]) for m in msgs
            if m[3]["target"]["id"] == cluster]


def _take_until(listener: Endpoint, cluster: str, want: list[tuple[str, str, str, str]],
                got: list[Any], timeout: float = 60) -> None:
    """Receive until every (priority, event type, action, outcome) of ``want`` has come for
    ``cluster`` (``got`` collects everything received, in order)."""
    deadline = time.monotonic() + timeout
    while True:
        have = _of(got, cluster)
        if all(have.count(w) >= want.count(w) for w in want):
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"still waiting for {want}; got {have}")
        try:
            got.append(listener.received.get(timeout=left))
        except queue.Empty:
            continue


def test_cluster_lifecycle_notifications_end_to_end(deployment: dict[str, Any]) -> None:
    base, listener = deployment["base"], deployment["listener"]
    got: list[Any] = []
    status, tpl = call(base, "POST", "/v1/clustertemplates", TEMPLATE)
    assert status == 201, tpl
    status, body = call(base, "POST", "/v1/clusters",
                        {"name": "notif", "cluster_template_id": tpl["uuid"], "node_count": 1})
    assert status == 202, body
    cid = body["uuid"]
    _, c = wait(base, f"/v1/clusters/{cid}",
                lambda r: r[1]["status"] in ("CREATE_COMPLETE", "CREATE_FAILED"))
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    create = [("INFO", "magnum.cluster.create", "create", "pending"),
              ("INFO", "magnum.cluster.create", "create", "success")]
    _take_until(listener, cid, create, got)

    # a scale: the API casts, the conductor starts it (pending), the reconcile loop sees the
    # stack finish (success); a second PATCH meanwhile is refused for its state (failure, sent
    # by the API process)
    scale = [{"op": "replace", "path": "/node_count", "value": 2}]
    assert call(base, "PATCH", f"/v1/clusters/{cid}", scale)[0] == 202
    status, err = call(base, "PATCH", f"/v1/clusters/{cid}", scale)
    assert status == 409, err
    _, c = wait(base, f"/v1/clusters/{cid}",
                lambda r: r[1]["status"] in ("UPDATE_COMPLETE", "UPDATE_FAILED"))
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    update = [("INFO", "magnum.cluster.update", "update", "pending"),
              ("ERROR", "magnum.cluster.update", "update", "failure"),
              ("INFO", "magnum.cluster.update", "update", "success")]
    _take_until(listener, cid, update, got)

    assert call(base, "DELETE", f"/v1/clusters/{cid}")[0] == 204
    wait(base, f"/v1/clusters/{cid}", lambda r: r[0] == 404)
    delete = [("INFO", "magnum.cluster.delete", "delete", "pending"),
              ("INFO", "magnum.cluster.delete", "delete", "success")]
    _take_until(listener, cid, delete, got)

    seen = _of(got, cid)
    assert sorted(seen) == sorted(create + update + delete), seen
    for action in ("create", "update", "delete"):   # pending before success
        outcomes = [o for _p, _e, a, o in seen if a == action and o != "failure"]
        assert outcomes == ["pending", "success"], (action, seen)
    by = {(m[3]["action"], m[3]["outcome"]): m for m in got if m[3]["target"]["id"] == cid}
    for (action, outcome), (_prio, publisher, _et, payload, _ctxt) in by.items():
        assert publisher == f"container-infra.{deployment['host']}"
        assert payload["typeURI"] == "http://schemas.dmtf.org/cloud/audit/1.0/event"
        assert payload["initiator"]["typeURI"] == "service/security/account/user"
        # the [noauth] identity made every request; reconcile outcomes name the owner: the same
        assert (payload["initiator"]["user_id"], payload["initiator"]["project_id"]) == \
            ("embedded-user", "embedded-project"), (action, outcome)
        assert (payload["target"]["name"], payload["target"]["typeURI"]) == (
            "notif", "service/magnum/cluster")
    content = {k: by[k][3]["target"]["attachments"][0]["content"] for k in by}
    assert content[("create", "success")]["node_count"] == 1
    assert content[("update", "pending")]["node_count"] == 2
    assert content[("update", "failure")]["status"] == "UPDATE_IN_PROGRESS"
    assert content[("update", "success")]["status"] == "UPDATE_COMPLETE"
    assert content[("update", "success")]["node_count"] == 2
    assert content[("delete", "success")]["status"] == "DELETE_COMPLETE"
