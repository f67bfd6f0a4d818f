"""Scale truth (reference §12.2): a failed update/resize restores the node count, and a resize
accepted while Heat is still updating the stack (Heat 409) is deferred, then sent by the
reconcile loop once the stack update has finished: never lost, never a false UPDATE_FAILED.

Each accepted request is stored exactly as the API does it (``cluster_actions.scale``'s
compare-and-set write), then run by the real conductor operation on real DB rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from heatclient import exc as heat_exc
from oslo_utils import uuidutils

from magnum_clone.common import states
from magnum_clone.conductor import operations, reconcile
from magnum_clone.conf import CONF
from magnum_clone_drivers.base import Observation

S = states.Status
BUSY = "Stack c-1 already has an action (UPDATE) in progress."


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _cluster(db: Any, count: int = 1) -> Any:
    tpl = db.create_cluster_template(values={
        "uuid": uuidutils.generate_uuid(), "name": "t", "coe": "kubernetes",
        "server_type": "vm", "cluster_distro": "fedora-coreos", "project_id": "p"})
    ngs = [dict(uuid=uuidutils.generate_uuid(), name="default-master", role="master",
                node_count=1, is_default=True, min_node_count=0, status="CREATE_COMPLETE"),
           dict(uuid=uuidutils.generate_uuid(), name="default-worker", role="worker",
                node_count=count, is_default=True, min_node_count=0,
                status="CREATE_COMPLETE")]
    return db.create_cluster(values=dict(
        uuid=uuidutils.generate_uuid(), name="c", project_id="p", labels={},
        cluster_template_id=tpl.uuid, status="CREATE_COMPLETE",
        stack_id=uuidutils.generate_uuid()), nodegroups=ngs)


def _worker(row: Any) -> Any:
    return next(ng for ng in row.nodegroups if ng.role == "worker")


def _accept(db: Any, row: Any, count: int, op: states.Op = states.Op.RESIZE) -> None:
    """What the API stores for an accepted PATCH node_count / resize (then it casts)."""
    ng = _worker(row)
    status = states.start_status(op)
    assert db.update_cluster(
        uuid=row.uuid, expect_status=states.allowed_from(op),
        values={"status": status, "status_reason": None, "rollback": False,
                "operation_started_at": None},
        nodegroups={ng.uuid: {"node_count": count, "status": status}},
        remember_counts=[ng.uuid]) is not None


def _get(db: Any, row: Any) -> Any:
    return db.get_cluster(ident=row.uuid, project_id=None)


def _counts(db: Any, row: Any) -> tuple[str, int, int | None]:
    got = _get(db, row)
    w = _worker(got)
    return got.status, w.node_count, w.previous_node_count


def test_a_scale_the_driver_cannot_start_restores_the_count(db: Any,
                                                            heat_refusing: str) -> None:
    c = _cluster(db, count=2)
    _accept(db, c, 5, op=states.Op.UPDATE)
    assert _counts(db, c) == ("UPDATE_IN_PROGRESS", 5, 2)
    operations.scale(None, c.uuid, _worker(c).uuid, 5, [], False)
    got = _get(db, c)
    assert got.status == "UPDATE_FAILED" and "Unable to establish connection" in \
        got.status_reason
    assert _counts(db, c) == ("UPDATE_FAILED", 2, None)
    assert _worker(got).status == "UPDATE_FAILED"
    # the count is the real one again: the same request can be made again
    _accept(db, c, 5)
    assert _counts(db, c) == ("UPDATE_IN_PROGRESS", 5, 2)


def test_an_update_heat_reports_failed_restores_the_count(db: Any) -> None:
    c = _cluster(db, count=1)
    _accept(db, c, 3, op=states.Op.UPDATE)
    db.update_cluster(uuid=c.uuid, values={"operation_started_at": _now()})
    failed = Observation(status=S.UPDATE_FAILED, reason="kube_minions: 1 failed", node_count=3,
                         master_count=1, changed_at=_now())
    assert reconcile.apply(_get(db, c), failed, _now())
    assert _counts(db, c) == ("UPDATE_FAILED", 1, None)
    # a later update that completes takes Heat's count and forgets the old one
    _accept(db, c, 2)
    db.update_cluster(uuid=c.uuid, values={"operation_started_at": _now()})
    done = Observation(status=S.UPDATE_COMPLETE, node_count=2, master_count=1,
                       changed_at=_now())
    assert reconcile.apply(_get(db, c), done, _now())
    assert _counts(db, c) == ("UPDATE_COMPLETE", 2, None)


class _Heat:
    """A stand-in for the Heat driver: the stack is observed in ``state``; a scale sent while
    it is in progress would fail it (Heat convergence cancels the running update), so that is
    an error here; with ``conflict`` a scale gets Heat's 409 (a legacy Heat, or an update that
    started between the look and the call). Records the scales it accepted."""

    def __init__(self) -> None:
        self.state = S.UPDATE_COMPLETE
        self.conflict = False
        self.sent: list[tuple[str, int, list[str]]] = []

    def observe(self, context: Any, views: Any) -> dict[str, Observation]:
        return {v.cluster["uuid"]: Observation(status=self.state) for v in views}

    def scale_cluster(self, context: Any, view: Any, *, nodegroup: Mapping[str, Any],
                      node_count: int, nodes_to_remove: Sequence[str], rollback: bool) -> None:
        if self.conflict:
            raise heat_exc.HTTPConflict(BUSY)
        assert self.state not in states.IN_PROGRESS, "a stack update sent while one runs"
        self.sent.append((nodegroup["uuid"], node_count, list(nodes_to_remove)))


@pytest.fixture()
def stack(monkeypatch: Any) -> _Heat:
    drv = _Heat()
    monkeypatch.setattr(operations.driver_factory, "for_template", lambda _t: drv)
    return drv


def test_a_resize_during_an_update_waits_for_it_then_runs(db: Any, stack: _Heat) -> None:
    c = _cluster(db, count=1)
    w = _worker(c).uuid
    _accept(db, c, 2, op=states.Op.UPDATE)
    operations.scale(None, c.uuid, w, 2, [], False)  # update A reaches Heat
    a_started = _now() - datetime.timedelta(seconds=30)  # when Heat began it (A takes 30 s)
    assert stack.sent == [(w, 2, [])]
    stack.state = S.UPDATE_IN_PROGRESS
    _accept(db, c, 4)  # resize B while A runs
    operations.scale(None, c.uuid, w, 4, ["n1"], False)
    got = _get(db, c)
    assert got.status == "UPDATE_IN_PROGRESS"  # not UPDATE_FAILED: B is deferred
    assert got.pending_scale == {"nodegroup": w, "node_count": 4, "nodes_to_remove": ["n1"],
                                 "rollback": False}
    assert got.status_reason == ("Waiting for the stack update in progress to finish before "
                                 "resizing default-worker to 4 (the stack is "
                                 "UPDATE_IN_PROGRESS).")
    # while Heat still runs A nothing is sent
    assert not reconcile.apply(got, Observation(status=S.UPDATE_IN_PROGRESS), _now())
    assert not reconcile.apply(got, Observation(status=S.ROLLBACK_IN_PROGRESS), _now())
    assert stack.sent == [(w, 2, [])]
    # A ends (Heat dates a stack state from the start of its update): not B's outcome;
    # B is sent with what it asked for
    stack.state = S.UPDATE_COMPLETE
    a_done = Observation(status=S.UPDATE_COMPLETE, node_count=2, changed_at=a_started)
    assert reconcile.apply(_get(db, c), a_done, _now())
    assert stack.sent[-1] == (w, 4, ["n1"])
    got = _get(db, c)
    assert got.status == "UPDATE_IN_PROGRESS" and got.pending_scale is None
    assert got.status_reason is None
    assert _counts(db, c) == ("UPDATE_IN_PROGRESS", 4, 2)  # a failure of B goes back to A's 2
    assert got.operation_deadline > _now() + datetime.timedelta(
        minutes=CONF.cluster.default_create_timeout - 1)
    # A's outcome seen again (a pass that read Heat before B was sent) is stale now
    assert not reconcile.apply(got, a_done, _now())
    b_done = Observation(status=S.UPDATE_COMPLETE, node_count=4, changed_at=_now())
    assert reconcile.apply(_get(db, c), b_done, _now())
    assert _counts(db, c) == ("UPDATE_COMPLETE", 4, None)
    assert len(stack.sent) == 2


def test_a_deferred_resize_that_fails_restores_the_count_the_stack_reached(
        db: Any, stack: _Heat) -> None:
    c = _cluster(db, count=1)
    w = _worker(c).uuid
    _accept(db, c, 2)
    operations.scale(None, c.uuid, w, 2, [], False)
    stack.state = S.UPDATE_IN_PROGRESS
    _accept(db, c, 6)
    operations.scale(None, c.uuid, w, 6, [], False)
    stack.state = S.UPDATE_COMPLETE
    reconcile.apply(_get(db, c), Observation(status=S.UPDATE_COMPLETE, node_count=2,
                                             changed_at=_now()), _now())
    assert stack.sent[-1] == (w, 6, [])
    assert reconcile.apply(_get(db, c), Observation(status=S.UPDATE_FAILED, reason="quota",
                                                    node_count=6, changed_at=_now()), _now())
    assert _counts(db, c) == ("UPDATE_FAILED", 2, None)


def test_heats_409_defers_the_scale_too(db: Any, stack: _Heat) -> None:
    c = _cluster(db, count=1)
    w = _worker(c).uuid
    _accept(db, c, 3)
    stack.conflict = True  # the stack looked idle, but Heat refuses: an update runs
    operations.scale(None, c.uuid, w, 3, [], False)
    got = _get(db, c)
    assert got.status == "UPDATE_IN_PROGRESS" and got.pending_scale["node_count"] == 3
    assert got.status_reason.endswith(f"to 3 (Heat: {BUSY}).")
    stack.conflict = False
    assert reconcile.apply(got, Observation(status=S.UPDATE_COMPLETE, node_count=1,
                                            changed_at=_now()), _now())
    assert stack.sent == [(w, 3, [])]


def test_a_heat_that_keeps_refusing_ends_at_the_deadline(db: Any, stack: _Heat) -> None:
    c = _cluster(db, count=1)
    w = _worker(c).uuid
    _accept(db, c, 3)
    stack.conflict = True
    operations.scale(None, c.uuid, w, 3, [], False)
    deadline = _get(db, c).operation_deadline
    final = Observation(status=S.UPDATE_FAILED, reason="earlier update failed", node_count=1,
                        changed_at=_now())
    for _ in range(3):  # every pass tries again, none moves the deadline
        assert reconcile.apply(_get(db, c), final, _now())
        got = _get(db, c)
        assert got.status == "UPDATE_IN_PROGRESS" and got.pending_scale is not None
        assert got.operation_deadline == deadline
    assert stack.sent == []
    assert reconcile.apply(_get(db, c), final, deadline + datetime.timedelta(seconds=1))
    got = _get(db, c)
    assert got.status == "UPDATE_FAILED" and got.pending_scale is None
    assert "the deferred resize was not sent" in got.status_reason
    assert _counts(db, c) == ("UPDATE_FAILED", 1, None)


def test_a_later_request_accepted_before_the_claim_is_the_one_sent(
        db: Any, stack: _Heat) -> None:
    c = _cluster(db, count=1)
    w = _worker(c).uuid
    _accept(db, c, 2)
    _accept(db, c, 5)  # both accepted before a conductor claimed the first cast
    operations.scale(None, c.uuid, w, 2, ["n0"], False)
    operations.scale(None, c.uuid, w, 5, [], False)  # already claimed: runs nothing
    assert stack.sent == [(w, 5, [])]
    assert _counts(db, c) == ("UPDATE_IN_PROGRESS", 5, 1)
