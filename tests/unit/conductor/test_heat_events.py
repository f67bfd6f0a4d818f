"""Heat events: which events count, how a cluster is found, and the targeted reconcile."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from oslo_utils import uuidutils

from magnum_clone.common import states
from magnum_clone.conductor import heat_events, reconcile
from magnum_clone_drivers.base import Observation

S = states.Status
CID = "5d12f6fd-a196-4bf0-ae4c-1f639a523a52"


def _payload(**kw: Any) -> dict[str, Any]:
    p = {"stack_identity": "stk-1", "stack_name": "c-abc", "state": "CREATE_COMPLETE",
         "state_reason": "Stack CREATE completed successfully", "tenant_id": "p",
         "tags": [f"magnum_clone_cluster={CID}", "project=p"]}
    p.update(kw)
    return p


def test_a_tagged_stack_names_its_cluster() -> None:
    ref = heat_events.stack_ref("orchestration.stack.create.end", _payload())
    assert ref is not None and ref.cluster_uuid == CID and ref.stack_id == "stk-1"
    ref = heat_events.stack_ref("orchestration.stack.update.error",
                                _payload(tags=f"project=p,magnum_clone_cluster={CID}"))
    assert ref is not None and ref.cluster_uuid == CID


def test_an_untagged_stack_is_looked_up_by_id() -> None:
    ref = heat_events.stack_ref("orchestration.stack.create.end", _payload(tags=None))
    assert ref is not None and ref.cluster_uuid is None and ref.stack_id == "stk-1"
    bogus = heat_events.stack_ref("orchestration.stack.create.end",
                                  _payload(tags=["magnum_clone_cluster=not-a-uuid"]))
    assert bogus is not None and bogus.cluster_uuid is None
    assert heat_events.split([ref, heat_events.stack_ref(
        "orchestration.stack.delete.end", _payload(stack_identity="stk-2"))]) == ({CID},
                                                                                {"stk-1"})


@pytest.mark.parametrize("event_type,payload", [
    ("orchestration.stack.create.start", _payload()),         # still in progress: nothing to do
    ("orchestration.autoscaling.end", _payload()),            # not a stack event
    ("compute.instance.create.end", _payload()),
    ("orchestration.stack.create.end", "not a dict"),
    ("orchestration.stack.create.end", {"tags": []}),         # names no stack
])
def test_events_that_are_ignored(event_type: str, payload: Any) -> None:
    assert heat_events.stack_ref(event_type, payload) is None


def test_endpoint_filter_and_queueing() -> None:
    got: list[heat_events.StackRef] = []
    ep = heat_events.Endpoint(got.append)
    rule = heat_events.Endpoint.filter_rule
    assert rule.match({}, "orchestration.h", "orchestration.stack.create.end", {}, {})
    assert not rule.match({}, "orchestration.h", "orchestration.autoscaling.start", {}, {})
    ep.error({}, "orchestration.h", "orchestration.stack.create.error", _payload(), {})
    ep.info({}, "orchestration.h", "orchestration.stack.create.start", _payload(), {})
    assert [r.event_type for r in got] == ["orchestration.stack.create.error"]


def test_worker_handles_a_burst_in_one_pass() -> None:
    calls: list[tuple[set[str], set[str]]] = []
    lst = heat_events.Listener("h", lambda u, s: calls.append((u, s)))
    for i in range(5):  # nested stacks of one cluster, then the cluster's own stack
        lst._queue.put(heat_events.StackRef(f"nested-{i}", None, "x.end"))
    lst._queue.put(heat_events.StackRef("stk-1", CID, "x.end"))
    lst._queue.put(None)
    lst._run()
    assert calls == [({CID}, {f"nested-{i}" for i in range(5)})]


def test_pool_is_per_conductor_by_default() -> None:
    assert heat_events.Listener("cond-a", lambda u, s: None).pool == "magnum_clone.cond-a"


def _cluster(db: Any, stack_id: str, status: str = "CREATE_IN_PROGRESS") -> Any:
    tpl = db.create_cluster_template(values={"uuid": uuidutils.generate_uuid(), "name": "t",
                                             "coe": "kubernetes", "project_id": "p"})
    ngs = [dict(uuid=uuidutils.generate_uuid(), name=n, role=r, node_count=1, is_default=True,
                min_node_count=0, status=status) for n, r in
           (("default-master", "master"), ("default-worker", "worker"))]
    return db.create_cluster(values=dict(uuid=uuidutils.generate_uuid(), name="c",
                                         project_id="p", labels={}, status=status,
                                         cluster_template_id=tpl.uuid, stack_id=stack_id,
                                         # the conductor has called Heat (claimed)
                                         operation_started_at=datetime.datetime(2026, 1, 1)),
                             nodegroups=ngs)


class _Driver:
    def __init__(self) -> None:
        self.observed: list[list[str]] = []

    def observe(self, context: Any, views: Any) -> dict[str, Observation]:
        self.observed.append([v.cluster["uuid"] for v in views])
        return {v.cluster["uuid"]: Observation(status=S.CREATE_COMPLETE, reason="done")
                for v in views}


def test_run_for_observes_only_the_clusters_of_the_event(db: Any, monkeypatch: Any) -> None:
    by_tag, by_stack, other = _cluster(db, "s1"), _cluster(db, "s2"), _cluster(db, "s3")
    drv = _Driver()
    monkeypatch.setattr(reconcile.driver_factory, "for_template", lambda _t: drv)
    assert reconcile.run_for(None, "h", {by_tag.uuid}, {"s2", "nested-x"}) == 2
    assert sorted(drv.observed[0]) == sorted([by_tag.uuid, by_stack.uuid])
    status = {c.uuid: db.get_cluster(ident=c.uuid, project_id=None).status
              for c in (by_tag, by_stack, other)}
    assert status == {by_tag.uuid: "CREATE_COMPLETE", by_stack.uuid: "CREATE_COMPLETE",
                      other.uuid: "CREATE_IN_PROGRESS"}
    assert reconcile.run_for(None, "h", set(), {"nested-y"}) == 0  # nested stack: no cluster
    assert len(drv.observed) == 1
    assert reconcile.run_once(None, "h") == 1  # the periodic pass still takes them all


def test_run_for_skips_clusters_another_conductor_owns(db: Any, monkeypatch: Any) -> None:
    c = _cluster(db, "s1")
    drv = _Driver()
    monkeypatch.setattr(reconcile.driver_factory, "for_template", lambda _t: drv)
    monkeypatch.setattr(reconcile.hashring, "mine", lambda uuids, host: [])
    assert reconcile.run_for(None, "h", {c.uuid}) == 0 and drv.observed == []
