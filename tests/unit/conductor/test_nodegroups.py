"""Extra nodegroups in the conductor (conductor/nodegroups.py, reconcile.py; reference §12.2,
§12.3) on real DB rows: each nodegroup's stack observation becomes its row, the cluster's
status is derived from all its nodegroups, deadlines hold, a lost cast is resumed, and a
cluster delete takes the nodegroups' stacks before its own.

Rows are stored as the API stores them (``add_nodegroup`` / ``start_nodegroup_operation``).
Where a driver is needed, it is the real Heat driver talking to a closed port, or
:class:`_Heat`, a stand-in that records the stack deletes it is asked for.
"""

from __future__ import annotations

import datetime
from typing import Any

from oslo_utils import uuidutils

from magnum_clone.common import states
from magnum_clone.conductor import nodegroups, operations, reconcile, views
from magnum_clone_drivers.base import Observation

S = states.Status
GRACE = datetime.timedelta(seconds=30)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _cluster(db: Any, status: str = "CREATE_COMPLETE") -> Any:
    tpl = db.create_cluster_template(values={
        "uuid": uuidutils.generate_uuid(), "name": "t", "coe": "kubernetes",
        "server_type": "vm", "cluster_distro": "fedora-coreos", "project_id": "p"})
    ngs = [dict(uuid=uuidutils.generate_uuid(), name=n, role=r, node_count=1, is_default=True,
                min_node_count=0, status=status) for n, r in
           (("default-master", "master"), ("default-worker", "worker"))]
    return db.create_cluster(values=dict(
        uuid=uuidutils.generate_uuid(), name="c", project_id="p", labels={},
        cluster_template_id=tpl.uuid, status=status, stack_id="cluster-stack",
        api_address="https://10.0.0.5:6443", create_timeout=7), nodegroups=ngs)


def _add(db: Any, c: Any, name: str = "extra", *, claimed: bool = True, **kw: Any) -> Any:
    """A nodegroup create as the API stores it; ``claimed``: its conductor claimed it."""
    op = states.Op.NODEGROUP_CREATE
    ng = db.add_nodegroup(values={"cluster_id": c.uuid, "name": name, "role": "worker",
                                  "node_count": 2, "is_default": False, "project_id": "p",
                                  "status": "CREATE_IN_PROGRESS", **kw},
                          cluster_expect=[s.value for s in states.allowed_from(op)],
                          cluster_values={"status": states.start_status(op)})
    assert ng is not None
    if claimed:
        assert db.claim_nodegroup(uuid=ng.uuid, status=ng.status,
                                  deadline=_now() + datetime.timedelta(minutes=7))
    return ng


def _row(db: Any, c: Any) -> Any:
    return db.get_cluster(ident=c.uuid, project_id=None)


def _ng(db: Any, c: Any, name: str) -> Any:
    return next((ng for ng in _row(db, c).nodegroups if ng.name == name), None)


class _Heat:
    """Records the stack deletes it is asked for (nodegroups' and the cluster's)."""

    def __init__(self) -> None:
        self.deleted: list[str] = []

    def delete_nodegroup(self, context: Any, view: Any, nodegroup_uuid: str) -> bool:
        self.deleted.append(view.by_uuid(nodegroup_uuid)["stack_id"])
        return True

    def delete_cluster(self, context: Any, view: Any) -> None:
        self.deleted.append(view.cluster["stack_id"])


def _apply(db: Any, c: Any, obs: Observation, drv: Any = None) -> int:
    row = _row(db, c)
    return nodegroups.apply_all(None, row, obs, _now(), drv or _Heat(), _view(db, row))


def _view(db: Any, row: Any) -> Any:
    tpl = db.get_cluster_templates(uuids=[row.cluster_template_id])[row.cluster_template_id]
    return views.view(row, tpl)


def _seen(**by_uuid: Observation) -> Observation:
    return Observation(nodegroups=dict(by_uuid))


def test_states_aggregate_in_progress_then_failed_then_complete() -> None:
    agg = states.aggregate
    assert agg([("m", "CREATE_COMPLETE", True), ("a", "CREATE_IN_PROGRESS", False),
                ("b", "CREATE_FAILED", False)]) == (S.UPDATE_IN_PROGRESS, ["b"])
    assert agg([("m", "CREATE_COMPLETE", True), ("b", "UPDATE_FAILED", False)]) == (
        S.UPDATE_FAILED, ["b"])
    assert agg([("m", "CREATE_COMPLETE", True), ("a", "CREATE_COMPLETE", False)]) == (
        S.UPDATE_COMPLETE, [])
    assert agg([("m", "DELETE_IN_PROGRESS", True), ("a", "DELETE_FAILED", False)]) == (
        S.DELETE_IN_PROGRESS, ["a"])
    assert states.failed_reason(["a", "b"]) == "a failed, b failed"


def test_a_created_nodegroup_stack_completes_the_nodegroup_and_the_cluster(db: Any) -> None:
    c = _cluster(db)
    ng = _add(db, c, stack_id="ng-stack")
    assert _row(db, c).status == "UPDATE_IN_PROGRESS"
    obs = Observation(status=S.CREATE_COMPLETE, reason="Stack CREATE completed successfully",
                      node_addresses=["10.0.0.50", "10.0.0.51"], node_count=2,
                      changed_at=_now() + datetime.timedelta(seconds=1))
    assert _apply(db, c, _seen(**{ng.uuid: obs})) == 1
    got = _ng(db, c, "extra")
    assert (got.status, got.node_addresses, got.operation_started_at) == (
        "CREATE_COMPLETE", ["10.0.0.50", "10.0.0.51"], None)
    row = _row(db, c)
    assert row.status == "UPDATE_COMPLETE"
    assert row.status_reason.startswith("Nodegroup extra: Stack CREATE completed")
    assert not nodegroups.busy(row) and not nodegroups.main_busy(row)


def test_the_cluster_stays_busy_until_every_nodegroup_finished(db: Any) -> None:
    c = _cluster(db)
    a, b = _add(db, c, "a", stack_id="sa"), _add(db, c, "b", stack_id="sb")
    later = _now() + datetime.timedelta(seconds=1)
    _apply(db, c, _seen(**{a.uuid: Observation(status=S.CREATE_COMPLETE, changed_at=later),
                           b.uuid: Observation(status=S.CREATE_IN_PROGRESS)}))
    assert _row(db, c).status == "UPDATE_IN_PROGRESS"
    _apply(db, c, _seen(**{b.uuid: Observation(status=S.CREATE_FAILED, changed_at=later,
                                               reason="kube_minions: boot failed")}))
    row = _row(db, c)
    assert (row.status, row.status_reason) == ("UPDATE_FAILED", "b failed")
    assert _ng(db, c, "b").status == "CREATE_FAILED"
    assert "kube_minions: boot failed" in _ng(db, c, "b").status_reason


def test_outcomes_wait_for_the_claim_and_ignore_older_stack_states(db: Any) -> None:
    c = _cluster(db)
    unclaimed = _add(db, c, "u", claimed=False, stack_id="su")
    claimed = _add(db, c, "k", stack_id="sk")
    older = _now() - datetime.timedelta(minutes=1)
    assert _apply(db, c, _seen(**{
        unclaimed.uuid: Observation(status=S.CREATE_COMPLETE, changed_at=_now()),
        claimed.uuid: Observation(status=S.CREATE_COMPLETE, changed_at=older)})) == 0
    assert {ng.status for ng in nodegroups.busy(_row(db, c))} == {"CREATE_IN_PROGRESS"}


def test_a_deleted_stack_removes_the_row_and_a_missing_one_fails_a_create(db: Any) -> None:
    c = _cluster(db)
    gone, lost = _add(db, c, "gone", stack_id="sg"), _add(db, c, "lost", stack_id="sl")
    _apply(db, c, _seen(**{gone.uuid: Observation(status=S.CREATE_COMPLETE,
                                                  changed_at=_now())}))
    assert db.start_nodegroup_operation(
        cluster_uuid=c.uuid, nodegroup_uuid=gone.uuid, cluster_expect=["UPDATE_IN_PROGRESS"],
        cluster_values={}, nodegroup_expect=["CREATE_COMPLETE"],
        nodegroup_values={"status": "DELETE_IN_PROGRESS"}) == "ok"
    assert _apply(db, c, _seen(**{gone.uuid: Observation(missing=True),
                                  lost.uuid: Observation(missing=True)})) == 2
    assert _ng(db, c, "gone") is None
    failed = _ng(db, c, "lost")
    assert (failed.status, failed.status_reason) == ("CREATE_FAILED",
                                                     "Stack with id sl not found in Heat.")
    assert (_row(db, c).status, _row(db, c).status_reason) == ("UPDATE_FAILED", "lost failed")


def test_a_delete_the_stack_does_not_show_is_sent_again(db: Any) -> None:
    c = _cluster(db)
    ng = _add(db, c, stack_id="sd")
    db.update_nodegroup(uuid=ng.uuid, values={"status": "DELETE_IN_PROGRESS",
                                              "operation_started_at": _now() - GRACE})
    drv = _Heat()
    assert not _apply(db, c, _seen(**{ng.uuid: Observation(status=S.CREATE_COMPLETE)}), drv)
    assert drv.deleted == ["sd"] and _ng(db, c, "extra").status == "DELETE_IN_PROGRESS"


def test_a_failed_resize_puts_the_count_back(db: Any) -> None:
    c = _cluster(db)
    ng = _add(db, c, stack_id="sr")
    _apply(db, c, _seen(**{ng.uuid: Observation(status=S.CREATE_COMPLETE, node_count=2,
                                                changed_at=_now())}))
    assert db.start_nodegroup_operation(
        cluster_uuid=c.uuid, nodegroup_uuid=ng.uuid, cluster_expect=["UPDATE_COMPLETE"],
        cluster_values={"status": "UPDATE_IN_PROGRESS"}, nodegroup_expect=["CREATE_COMPLETE"],
        nodegroup_values={"status": "UPDATE_IN_PROGRESS", "node_count": 5},
        remember_count=True) == "ok"
    assert (_ng(db, c, "extra").node_count, _ng(db, c, "extra").previous_node_count) == (5, 2)
    assert db.claim_nodegroup(uuid=ng.uuid, status="UPDATE_IN_PROGRESS", deadline=None)
    _apply(db, c, _seen(**{ng.uuid: Observation(status=S.UPDATE_FAILED, node_count=5,
                                                changed_at=_now() + GRACE)}))
    got = _ng(db, c, "extra")
    assert (got.status, got.node_count, got.previous_node_count) == ("UPDATE_FAILED", 2, None)
    assert _row(db, c).status == "UPDATE_FAILED"


def test_deadlines_hold_while_heat_cannot_be_read(db: Any) -> None:
    c = _cluster(db)
    ng = _add(db, c, stack_id="st")
    db.update_nodegroup(uuid=ng.uuid, values={"operation_deadline": _now() - GRACE})
    assert nodegroups.unreadable(_row(db, c), _now(), "for the stack: Heat could not be "
                                                     "read (refused)") == 1
    got = _ng(db, c, "extra")
    assert got.status == "CREATE_FAILED"
    assert got.status_reason == ("Timed out after 7 minutes waiting for the stack: Heat could "
                                 "not be read (refused).")
    assert _row(db, c).status == "UPDATE_FAILED"


def test_a_lost_create_is_resumed_and_fails_instead_of_hanging(db: Any,
                                                               heat_refusing: str) -> None:
    c = _cluster(db)
    _add(db, c, claimed=False)
    # nobody claimed it for longer than the grace period: the reconcile pass runs it
    assert nodegroups.prepare(None, _row(db, c), _now() + 2 * GRACE, GRACE) == 1
    got = _ng(db, c, "extra")
    assert got.status == "CREATE_FAILED" and "Unable to establish connection" in \
        got.status_reason
    assert _row(db, c).status == "UPDATE_FAILED"
    # a second delivery of the cast finds nothing to claim
    nodegroups.create(None, c.uuid, got.uuid)
    assert _ng(db, c, "extra").status == "CREATE_FAILED"


def test_a_default_resize_beside_a_nodegroup_create_keeps_the_cluster_busy(db: Any) -> None:
    c = _cluster(db)
    ng = _add(db, c, stack_id="sc")
    worker = _ng(db, c, "default-worker")
    db.update_cluster(uuid=c.uuid, values={"operation_started_at": _now()},
                      nodegroups={worker.uuid: {"status": "UPDATE_IN_PROGRESS"}})
    row = _row(db, c)
    assert nodegroups.main_busy(row) and nodegroups.busy(row)
    done = Observation(status=S.UPDATE_COMPLETE, node_count=1, master_count=1,
                       changed_at=_now() + GRACE)
    assert reconcile.apply(row, done, _now())
    row = _row(db, c)
    assert row.status == "UPDATE_IN_PROGRESS" and not nodegroups.main_busy(row)
    assert _ng(db, c, "default-worker").status == "UPDATE_COMPLETE"
    _apply(db, c, _seen(**{ng.uuid: Observation(status=S.CREATE_COMPLETE, changed_at=_now())}))
    assert _row(db, c).status == "UPDATE_COMPLETE"


def test_a_cluster_delete_takes_the_nodegroup_stacks_before_its_own(db: Any) -> None:
    c = _cluster(db)
    ng = _add(db, c, stack_id="sx")
    _apply(db, c, _seen(**{ng.uuid: Observation(status=S.CREATE_COMPLETE, changed_at=_now())}))
    row = _row(db, c)
    # what the API's delete stores, then the conductor's claim
    db.update_cluster(uuid=c.uuid, values={"status": "DELETE_IN_PROGRESS"},
                      nodegroups={n.uuid: {"status": "DELETE_IN_PROGRESS"}
                                  for n in row.nodegroups})
    db.update_cluster(uuid=c.uuid, values={"operation_started_at": _now() - GRACE})
    drv = _Heat()
    # the nodegroup stack first: the cluster's stack waits while it is being deleted
    assert nodegroups.delete_extras(None, _row(db, c), None, drv)
    assert drv.deleted == ["sx"]
    cluster_stack = Observation(status=S.CREATE_COMPLETE)
    assert not reconcile.continue_delete(None, _row(db, c), cluster_stack, _now(), drv,
                                         _view(db, _row(db, c)))
    assert drv.deleted == ["sx"]
    _apply(db, c, _seen(**{ng.uuid: Observation(missing=True)}))
    assert _ng(db, c, "extra") is None and _row(db, c).status == "DELETE_IN_PROGRESS"
    # then the cluster's own
    assert not reconcile.continue_delete(None, _row(db, c), cluster_stack, _now(), drv,
                                         _view(db, _row(db, c)))
    assert drv.deleted == ["sx", "cluster-stack"]


def test_a_cluster_delete_fails_when_a_nodegroup_stack_cannot_be_deleted(db: Any) -> None:
    c = _cluster(db)
    ng = _add(db, c, stack_id="sy")
    row = _row(db, c)
    db.update_cluster(uuid=c.uuid, values={"status": "DELETE_IN_PROGRESS",
                                           "operation_started_at": _now() - GRACE},
                      nodegroups={n.uuid: {"status": "DELETE_IN_PROGRESS"}
                                  for n in row.nodegroups})
    _apply(db, c, _seen(**{ng.uuid: Observation(status=S.DELETE_FAILED, reason="in use",
                                                changed_at=_now())}))
    assert _ng(db, c, "extra").status == "DELETE_FAILED"
    assert _row(db, c).status == "DELETE_IN_PROGRESS"
    drv = _Heat()
    assert reconcile.continue_delete(None, _row(db, c), Observation(status=S.CREATE_COMPLETE),
                                     _now(), drv, _view(db, _row(db, c)))
    row = _row(db, c)
    assert row.status == "DELETE_FAILED" and "extra failed" in row.status_reason
    assert drv.deleted == []


def test_a_cluster_failure_leaves_a_running_nodegroup_alone(db: Any) -> None:
    c = _cluster(db)
    ng = _add(db, c, stack_id="sz")
    worker = _ng(db, c, "default-worker")
    # the default worker and the extra nodegroup are both being resized
    db.update_cluster(uuid=c.uuid, values={}, nodegroups={
        worker.uuid: {"status": "UPDATE_IN_PROGRESS", "node_count": 3,
                      "previous_node_count": 1},
        ng.uuid: {"status": "UPDATE_IN_PROGRESS", "node_count": 4, "previous_node_count": 2}})
    operations.fail(c.uuid, S.UPDATE_IN_PROGRESS, "Heat said no")
    assert (_ng(db, c, "default-worker").status, _ng(db, c, "default-worker").node_count) == (
        "UPDATE_FAILED", 1)
    extra = _ng(db, c, "extra")
    assert (extra.status, extra.node_count, extra.previous_node_count) == (
        "UPDATE_IN_PROGRESS", 4, 2)
    assert _row(db, c).status == "UPDATE_IN_PROGRESS"   # still watched by the reconcile loop


class _HeatWithAnUnrecordedStack(_Heat):
    """Heat holds a stack for the nodegroup whose id the row never got (found by its tag)."""

    def find_nodegroup_backend_id(self, context: Any, view: Any, nodegroup_uuid: str
                                  ) -> str | None:
        return "found-by-tag"


def test_a_delete_records_a_stack_found_by_tag_and_then_removes_the_row(db: Any) -> None:
    c = _cluster(db)
    ng = _add(db, c)    # a create that failed after Heat accepted the stack: no stack_id
    nodegroups.fail(c.uuid, ng.uuid, S.CREATE_IN_PROGRESS, "Heat timed out")
    db.update_nodegroup(uuid=ng.uuid, values={"status": "DELETE_IN_PROGRESS"})
    drv = _HeatWithAnUnrecordedStack()
    db.update_cluster(uuid=c.uuid, values={"status": "DELETE_IN_PROGRESS"})
    assert nodegroups.delete_extras(None, _row(db, c), None, drv)
    assert drv.deleted == ["found-by-tag"]
    assert _ng(db, c, "extra").stack_id == "found-by-tag"
    # reconcile sees that stack gone and removes the row (before: it waited for an id)
    _apply(db, c, _seen(**{ng.uuid: Observation(missing=True)}), drv)
    assert _ng(db, c, "extra") is None


def test_a_vanished_cluster_stack_waits_for_the_nodegroup_stacks(db: Any) -> None:
    """The cluster's own stack is gone (removed outside the service) while an extra
    nodegroup's stack is still being deleted: the rows stay until that stack is gone too,
    so a failure of it is still seen."""
    c = _cluster(db)
    ng = _add(db, c, stack_id="sz")
    _apply(db, c, _seen(**{ng.uuid: Observation(status=S.CREATE_COMPLETE, changed_at=_now())}))
    row = _row(db, c)
    db.update_cluster(uuid=c.uuid, values={"status": "DELETE_IN_PROGRESS",
                                           "operation_started_at": _now(),
                                           "operation_deadline": _now() + GRACE},
                      nodegroups={n.uuid: {"status": "DELETE_IN_PROGRESS"}
                                  for n in row.nodegroups})
    gone = Observation(missing=True)
    assert not reconcile.continue_delete(None, _row(db, c), gone, _now(), _Heat(),
                                         _view(db, _row(db, c)))
    assert not reconcile.apply(_row(db, c), gone, _now())
    assert _ng(db, c, "extra") is not None
    _apply(db, c, _seen(**{ng.uuid: Observation(missing=True)}))
    assert reconcile.apply(_row(db, c), gone, _now())
    assert db.count_clusters(project_id="p") == 0
