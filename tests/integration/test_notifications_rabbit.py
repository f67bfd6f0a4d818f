"""CADF notifications on a real RabbitMQ (127.0.0.1:5672, guest/guest), received by a real
oslo.messaging notification listener: ``[oslo_messaging_notifications] driver=messagingv2``
with a topic of our own, sent by the conductor-side code (notifications.notify, the create
operation, the reconcile loop)."""

from __future__ import annotations

import datetime
import queue
import socket
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

RABBIT = "rabbit://guest:guest@127.0.0.1:5672/"
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


@pytest.fixture()
def listener(db: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Endpoint]:
    topic = f"mc-notif-test-{uuid.uuid4().hex[:12]}"
    CONF.set_override("driver", ["messagingv2"], group="oslo_messaging_notifications")
    CONF.set_override("transport_url", RABBIT, group="oslo_messaging_notifications")
    CONF.set_override("topics", [topic], group="oslo_messaging_notifications")
    # a notification transport and notifier of our own for this test
    monkeypatch.setattr(rpc, "_NOTIFICATION_TRANSPORT", None)
    notifications.reset()
    endpoint = Endpoint()
    listen_transport = messaging.get_notification_transport(CONF, url=RABBIT)
    server = messaging.get_notification_listener(
        listen_transport, [messaging.Target(topic=topic)], [endpoint], executor="threading",
        pool=f"{topic}-pool")
    server.start()
    time.sleep(0.5)  # queues bound before the first notification
    try:
        yield endpoint
    finally:
        server.stop()
        server.wait()
        listen_transport.cleanup()
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
