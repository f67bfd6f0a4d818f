"""Deadlines hold while Heat cannot be read: the reconcile pass still fails an operation past
its deadline (create_timeout for a create), with a reason naming the Heat error, and leaves
the others alone.

Heat is the real Heat driver talking to endpoints that really fail: a closed port (connection
refused) and a local HTTP server answering every request with Heat's 503 error body.
"""

from __future__ import annotations

import datetime
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from oslo_utils import uuidutils

from magnum_clone.common import states
from magnum_clone.common.clients import heat
from magnum_clone.conductor import reconcile
from magnum_clone.conf import CONF
from magnum_clone_drivers.base import Observation

S = states.Status


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _cluster(db: Any, status: str, *, deadline: datetime.datetime, worker_count: int = 1,
             previous: int | None = None, create_timeout: int | None = 5) -> Any:
    tpl = db.create_cluster_template(values={
        "uuid": uuidutils.generate_uuid(), "name": "t", "coe": "kubernetes",
        "server_type": "vm", "cluster_distro": "fedora-coreos", "project_id": "p"})
    ngs = [dict(uuid=uuidutils.generate_uuid(), name="default-master", role="master",
                node_count=1, is_default=True, min_node_count=0, status=status),
           dict(uuid=uuidutils.generate_uuid(), name="default-worker", role="worker",
                node_count=worker_count, previous_node_count=previous, is_default=True,
                min_node_count=0, status=status)]
    return db.create_cluster(values=dict(
        uuid=uuidutils.generate_uuid(), name="c", project_id="p", labels={},
        cluster_template_id=tpl.uuid, status=status, stack_id=uuidutils.generate_uuid(),
        create_timeout=create_timeout, operation_started_at=_now() - datetime.timedelta(
            minutes=10), operation_deadline=deadline), nodegroups=ngs)


def _use_heat(endpoint: str) -> Iterator[str]:
    CONF.set_override("endpoint", endpoint, group="heat")
    heat.reset()
    try:
        yield endpoint
    finally:
        CONF.clear_override("endpoint", group="heat")
        heat.reset()


class _Unavailable(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = json.dumps({"explanation": "The server is currently unavailable.",
                           "code": 503, "title": "Service Unavailable",
                           "error": {"message": "heat-engine is not running",
                                     "type": "ServiceUnavailable", "traceback": None}})
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture()
def heat_unavailable() -> Iterator[str]:
    """A Heat endpoint whose API answers 503 (its engine is down)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield from _use_heat(f"http://127.0.0.1:{server.server_address[1]}/v1")
    finally:
        server.shutdown()
        server.server_close()


def _get(db: Any, row: Any) -> Any:
    return db.get_cluster(ident=row.uuid, project_id=None)


def test_create_timeout_holds_while_heat_refuses_connections(db: Any,
                                                             heat_refusing: str) -> None:
    late = _cluster(db, "CREATE_IN_PROGRESS", deadline=_now() - datetime.timedelta(seconds=1))
    early = _cluster(db, "CREATE_IN_PROGRESS", deadline=_now() + datetime.timedelta(minutes=5))
    assert reconcile.run_once(None, "h") == 1
    got = _get(db, late)
    assert got.status == "CREATE_FAILED"
    assert got.status_reason.startswith("Timed out after 5 minutes waiting for the stack: "
                                        "Heat could not be read (")
    assert "ConnectFailure" in got.status_reason and "127.0.0.1" in got.status_reason
    assert {ng.status for ng in got.nodegroups} == {"CREATE_FAILED"}
    kept = _get(db, early)
    assert kept.status == "CREATE_IN_PROGRESS" and kept.status_reason is None
    assert reconcile.run_once(None, "h") == 0  # the next pass finds nothing more to fail


def test_heat_error_is_named_and_a_failed_scale_restores_its_count(
        db: Any, heat_unavailable: str) -> None:
    scaling = _cluster(db, "UPDATE_IN_PROGRESS", worker_count=4, previous=2,
                       deadline=_now() - datetime.timedelta(seconds=1))
    assert reconcile.run_once(None, "h") == 1
    got = _get(db, scaling)
    minutes = CONF.cluster.default_create_timeout  # an update's deadline, not create_timeout
    assert got.status == "UPDATE_FAILED"
    assert got.status_reason == (
        f"Timed out after {minutes} minutes waiting for the stack: Heat could not be read "
        "(HTTPServiceUnavailable: ERROR: heat-engine is not running).")
    worker = next(ng for ng in got.nodegroups if ng.role == "worker")
    assert (worker.status, worker.node_count, worker.previous_node_count) == \
        ("UPDATE_FAILED", 2, None)


class _Silent:
    """A driver that answers for none of the clusters it is asked about."""

    def observe(self, context: Any, views: Any) -> dict[str, Observation]:
        return {}


def test_a_cluster_heat_says_nothing_about_still_times_out(db: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(reconcile.driver_factory, "for_template", lambda _t: _Silent())
    late = _cluster(db, "DELETE_IN_PROGRESS", deadline=_now() - datetime.timedelta(seconds=1))
    early = _cluster(db, "DELETE_IN_PROGRESS", deadline=_now() + datetime.timedelta(minutes=5))
    assert reconcile.run_once(None, "h") == 1
    got = _get(db, late)
    assert got.status == "DELETE_FAILED"
    assert f"Heat returned no state for stack {late.stack_id}" in got.status_reason
    assert _get(db, early).status == "DELETE_IN_PROGRESS"


def test_an_observation_without_status_still_times_out(db: Any) -> None:
    row = _cluster(db, "CREATE_IN_PROGRESS", deadline=_now() - datetime.timedelta(seconds=1))
    assert not reconcile.apply(row, Observation(), row.operation_deadline)  # not yet late
    assert reconcile.apply(row, Observation(), _now())
    got = _get(db, row)
    assert got.status == "CREATE_FAILED" and "reported no status" in got.status_reason


def test_a_cluster_without_stack_past_its_deadline_fails(db: Any) -> None:
    row = _cluster(db, "CREATE_IN_PROGRESS", deadline=_now() - datetime.timedelta(seconds=1))
    # the create claimed it a moment ago (so it is not "lost") but never got a stack id
    db.update_cluster(uuid=row.uuid, values={"stack_id": None, "operation_started_at": _now()})
    assert reconcile.run_once(None, "h") == 1
    got = _get(db, row)
    assert got.status == "CREATE_FAILED"
    assert got.status_reason == ("Timed out after 5 minutes waiting for its stack to be "
                                 "created.")
