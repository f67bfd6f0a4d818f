"""The reconcile loop's decisions on real DB rows, with observations a driver would return."""

from __future__ import annotations

import datetime
from typing import Any

from oslo_utils import uuidutils

from magnum_clone.common import states
from magnum_clone.conductor import reconcile
from magnum_clone_drivers.base import Observation

S = states.Status
NOW = datetime.datetime(2026, 11, 22, 12, 0, 0)


def _cluster(db: Any, status: str = "CREATE_IN_PROGRESS", **kw: Any) -> Any:
    tpl = db.create_cluster_template(values={"uuid": uuidutils.generate_uuid(), "name": "t",
                                             "coe": "kubernetes", "project_id": "p"})
    ngs = [dict(uuid=uuidutils.generate_uuid(), name=n, role=r, node_count=1, is_default=True,
                min_node_count=0, status=status) for n, r in
           (("default-master", "master"), ("default-worker", "worker"))]
    values = dict(uuid=uuidutils.generate_uuid(), name="c", project_id="p", labels={},
                  cluster_template_id=tpl.uuid, status=status, stack_id="stk",
                  operation_started_at=NOW - datetime.timedelta(minutes=10))
    values.update(kw)
    return db.create_cluster(values=values, nodegroups=ngs)


def test_complete_stack_fills_addresses_and_counts(db: Any) -> None:
    c = _cluster(db)
    obs = Observation(status=S.CREATE_COMPLETE, reason="Stack CREATE completed successfully",
                      api_address="https://10.0.0.5:6443", master_addresses=["10.0.0.5"],
                      node_addresses=["10.0.0.6", "10.0.0.7"], node_count=2, master_count=1,
                      coe_version="v1.23.3", container_version="1.12.6")
    assert reconcile.apply(c, obs, NOW)
    got = db.get_cluster(ident=c.uuid, project_id=None)
    assert got.status == "CREATE_COMPLETE" and got.api_address == "https://10.0.0.5:6443"
    worker = next(n for n in got.nodegroups if n.role == "worker")
    assert worker.node_addresses == ["10.0.0.6", "10.0.0.7"] and worker.node_count == 2
    assert got.operation_started_at is None


def test_outcomes_wait_for_the_claim_and_ignore_older_stack_states(db: Any) -> None:
    unclaimed = _cluster(db, status="UPDATE_IN_PROGRESS", operation_started_at=None)
    assert not reconcile.apply(unclaimed, Observation(status=S.UPDATE_COMPLETE), NOW)
    claimed = _cluster(db, status="UPDATE_IN_PROGRESS", operation_started_at=NOW)
    older = Observation(status=S.UPDATE_COMPLETE, changed_at=NOW - datetime.timedelta(minutes=1))
    assert not reconcile.apply(claimed, older, NOW)
    newer = Observation(status=S.UPDATE_COMPLETE, changed_at=NOW + datetime.timedelta(seconds=1))
    assert reconcile.apply(claimed, newer, NOW)
    assert db.get_cluster(ident=claimed.uuid, project_id=None).status == "UPDATE_COMPLETE"


def test_a_stale_observation_of_another_action_is_ignored(db: Any) -> None:
    c = _cluster(db, status="UPDATE_IN_PROGRESS")
    assert not reconcile.apply(c, Observation(status=S.CREATE_COMPLETE), NOW)
    assert db.get_cluster(ident=c.uuid, project_id=None).status == "UPDATE_IN_PROGRESS"


def test_create_timeout_is_enforced(db: Any) -> None:
    c = _cluster(db, create_timeout=5, operation_deadline=NOW - datetime.timedelta(seconds=1))
    assert reconcile.apply(c, Observation(status=S.CREATE_IN_PROGRESS, reason="waiting"), NOW)
    got = db.get_cluster(ident=c.uuid, project_id=None)
    assert got.status == "CREATE_FAILED" and "Timed out after 5 minutes" in got.status_reason
    assert {n.status for n in got.nodegroups} == {"CREATE_FAILED"}


def test_missing_stack_fails_create_and_finishes_delete(db: Any) -> None:
    c = _cluster(db)
    assert reconcile.apply(c, Observation(missing=True), NOW)
    got = db.get_cluster(ident=c.uuid, project_id=None)
    assert got.status == "CREATE_FAILED"
    assert got.status_reason == "Stack with id stk not found in Heat."
    d = _cluster(db, status="DELETE_IN_PROGRESS")
    assert reconcile.apply(d, Observation(missing=True), NOW)
    assert db.count_clusters(project_id="p") == 1


def test_a_concurrent_api_write_wins_over_a_stale_observation(db: Any) -> None:
    c = _cluster(db)
    db.update_cluster(uuid=c.uuid, values={"status": "DELETE_IN_PROGRESS"})
    assert not reconcile.apply(c, Observation(status=S.CREATE_COMPLETE), NOW)
    assert db.get_cluster(ident=c.uuid, project_id=None).status == "DELETE_IN_PROGRESS"


def test_a_lost_non_scale_update_fails_instead_of_hanging(db: Any) -> None:
    c = _cluster(db, status="UPDATE_IN_PROGRESS", operation_started_at=None)
    # a CA rotation: the cluster is updating, no nodegroup is
    db.update_cluster(uuid=c.uuid, values={"status": "UPDATE_IN_PROGRESS"},
                      nodegroups={ng.uuid: {"status": "CREATE_COMPLETE"}
                                  for ng in c.nodegroups})
    row = db.list_clusters(project_id=None)[0]
    future = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + \
        datetime.timedelta(minutes=5)
    assert reconcile._resume_if_lost(None, row, future, datetime.timedelta(seconds=30))
    got = db.get_cluster(ident=c.uuid, project_id=None)
    assert got.status == "UPDATE_FAILED" and "request was lost" in got.status_reason


def test_a_rollback_is_followed_to_its_end(db: Any) -> None:
    """UPDATE_IN_PROGRESS -> ROLLBACK_IN_PROGRESS keeps the claim and deadline, so the later
    ROLLBACK_COMPLETE (or the deadline) still ends it; it never stays in progress."""
    deadline = NOW + datetime.timedelta(minutes=50)
    c = _cluster(db, status="UPDATE_IN_PROGRESS", operation_started_at=NOW,
                 operation_deadline=deadline, rollback=True)
    rolling = Observation(status=S.ROLLBACK_IN_PROGRESS, reason="Update failed, rolling back",
                          changed_at=NOW + datetime.timedelta(seconds=5))
    assert reconcile.apply(c, rolling, NOW)
    got = db.get_cluster(ident=c.uuid, project_id=None)
    assert got.status == "ROLLBACK_IN_PROGRESS"
    assert (got.operation_started_at, got.operation_deadline) == (NOW, deadline)
    done = Observation(status=S.ROLLBACK_COMPLETE, reason="Rolled back",
                       changed_at=NOW + datetime.timedelta(seconds=30))
    assert reconcile.apply(got, done, NOW + datetime.timedelta(minutes=1))
    got = db.get_cluster(ident=c.uuid, project_id=None)
    assert got.status == "ROLLBACK_COMPLETE" and got.operation_deadline is None
    # a rollback that never ends is failed at its deadline
    d = _cluster(db, status="ROLLBACK_IN_PROGRESS", operation_started_at=NOW,
                 operation_deadline=NOW - datetime.timedelta(seconds=1))
    assert reconcile.apply(d, Observation(status=S.ROLLBACK_IN_PROGRESS), NOW)
    assert db.get_cluster(ident=d.uuid, project_id=None).status == "ROLLBACK_FAILED"
