"""Extra nodegroups: each has a stack of its own (reference §5, §12.2, §12.3, §16.2).

The API owns the row: in one compare-and-set transaction it inserts the nodegroup
CREATE_IN_PROGRESS (or marks it DELETE_IN_PROGRESS, or UPDATE_IN_PROGRESS with its new count
for a resize) and moves the cluster to UPDATE_IN_PROGRESS, then casts. Here:

* each operation first *claims* the nodegroup (compare-and-set on its status and an
  unclaimed operation: ``operation_started_at``/``operation_deadline`` of the nodegroup), so
  a cast delivered twice, or resumed by the reconcile loop after a crash, runs once; then
  the driver creates, resizes or deletes the nodegroup's stack;
* the reconcile loop (:mod:`reconcile`) hands each busy nodegroup's share of the driver's
  batched observation to :func:`apply_all`: an outcome of the running operation becomes the
  nodegroup's status, addresses and count; a delete Heat finished (or a stack Heat no longer
  has: gone) removes the row; a failure puts the count from before a resize back;
* every write recomputes the cluster's status from all its nodegroups in the same
  transaction (``settle_cluster``, :func:`magnum_clone.common.states.aggregate`): the cluster
  stays UPDATE_IN_PROGRESS while any nodegroup is busy, then is UPDATE_COMPLETE, or
  UPDATE_FAILED with ``"<ng> failed"``;
* deadlines: ``create_timeout`` for a create, the default for a resize or delete; past it
  the nodegroup fails with a reason, also while Heat cannot be read. Nothing stays busy.

A cluster delete (:func:`magnum_clone.conductor.operations.delete`) deletes the extra
nodegroups' stacks first (:func:`delete_extras`) and the cluster's stack once they are gone
(:func:`magnum_clone.conductor.reconcile.continue_delete`). Nodegroup operations send no
notifications of their own (reference §15).
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Sequence
from typing import Any

from magnum_clone.common import exceptions as exc
from magnum_clone.common import states
from magnum_clone.conductor import operations, views
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api
from magnum_clone_drivers.base import ClusterView, Observation

LOG = logging.getLogger(__name__)
S = states.Status

# Heat and the conductor may run on different hosts (see reconcile.CLOCK_SLACK)
CLOCK_SLACK = datetime.timedelta(seconds=2)
# a delete the stack does not show this long after the claim is sent again (the conductor
# died before sending it, or a create in flight made the stack after it was sent)
RESEND_DELETE_AFTER = datetime.timedelta(seconds=5)


def _text(e: BaseException) -> str:
    return str(e) or e.__class__.__name__


def _minutes(cluster: Any, status: str) -> int:
    if status == S.CREATE_IN_PROGRESS.value:
        return operations.timeout_minutes(cluster)
    return int(CONF.cluster.default_create_timeout)


def _deadline(cluster: Any, status: S) -> datetime.datetime:
    return operations._now() + datetime.timedelta(minutes=_minutes(cluster, status.value))


def _find(cluster: Any, uuid: str) -> Any:
    for ng in cluster.nodegroups:
        if ng.uuid == uuid:
            return ng
    raise exc.NodeGroupNotFound(nodegroup=uuid)


# ---- operations (casts) -----------------------------------------------------------------

def _claim(cluster_uuid: str, nodegroup_uuid: str, status: S,
           stale_before: datetime.datetime | None, what: str) -> Any:
    """Claim the nodegroup's pending operation (compare-and-set, with its deadline); None when
    the cluster is gone or another conductor holds it or it is no longer pending."""
    db = db_api.get_instance()
    try:
        cluster = db.get_cluster(ident=cluster_uuid, project_id=None)
    except exc.ClusterNotFound:
        return None
    claimed = db.claim_nodegroup(uuid=nodegroup_uuid, status=status,
                                 deadline=_deadline(cluster, status), stale_before=stale_before)
    if claimed is None:
        LOG.info("%s of nodegroup %s already claimed or no longer pending", what,
                 nodegroup_uuid)
    return claimed


def create(context: Any, cluster_uuid: str, nodegroup_uuid: str,
           stale_before: datetime.datetime | None = None) -> None:
    """Create the nodegroup's stack (or adopt one a crashed conductor created: by tag)."""
    claimed = _claim(cluster_uuid, nodegroup_uuid, S.CREATE_IN_PROGRESS, stale_before, "Create")
    if claimed is None:
        return
    try:
        cluster, template, drv = operations._load(cluster_uuid)
        view = views.view(cluster, template)
        stack_id = claimed.stack_id or drv.find_nodegroup_backend_id(context, view,
                                                                     nodegroup_uuid)
        if stack_id is None:
            stack_id = drv.create_nodegroup(context, view, nodegroup_uuid,
                                            operations.timeout_minutes(cluster))
        _store_stack(context, drv, view, nodegroup_uuid, stack_id)
        LOG.info("Cluster %s: nodegroup %s: stack %s created", cluster_uuid, claimed.name,
                 stack_id)
    except Exception as e:  # noqa: BLE001 - any failure is the nodegroup's failure
        LOG.exception("Cluster %s: create of nodegroup %s failed", cluster_uuid, claimed.name)
        fail(cluster_uuid, nodegroup_uuid, S.CREATE_IN_PROGRESS, _text(e))


def _store_stack(context: Any, drv: Any, view: ClusterView, nodegroup_uuid: str,
                 stack_id: str) -> None:
    """Keep the new stack's id, whatever the nodegroup's status now (a delete accepted
    meanwhile deletes it); if the row is already gone, delete the stack at once."""
    try:
        db_api.get_instance().update_nodegroup(uuid=nodegroup_uuid,
                                               values={"stack_id": stack_id})
    except exc.NodeGroupNotFound:
        LOG.warning("Nodegroup %s was deleted while its stack %s was created: deleting the "
                    "stack", nodegroup_uuid, stack_id)
        ngs = [{**ng, "stack_id": stack_id} if ng["uuid"] == nodegroup_uuid else ng
               for ng in view.nodegroups]
        drv.delete_nodegroup(context, dataclasses.replace(view, nodegroups=ngs),
                             nodegroup_uuid)


def scale(context: Any, cluster_uuid: str, nodegroup_uuid: str, node_count: int,
          nodes_to_remove: Sequence[str], stale_before: datetime.datetime | None = None
          ) -> None:
    """Resize an extra nodegroup: a PATCH update of its own stack (count already stored)."""
    claimed = _claim(cluster_uuid, nodegroup_uuid, S.UPDATE_IN_PROGRESS, stale_before, "Resize")
    if claimed is None:
        return
    try:
        cluster, template, drv = operations._load(cluster_uuid)
        ng = _find(cluster, nodegroup_uuid)
        if ng.node_count != node_count:   # a later resize was stored before this claim
            node_count, nodes_to_remove = ng.node_count, []
        drv.scale_cluster(context, views.view(cluster, template),
                          nodegroup={"uuid": ng.uuid, "role": ng.role, "name": ng.name},
                          node_count=node_count, nodes_to_remove=nodes_to_remove,
                          rollback=False)
        LOG.info("Cluster %s: nodegroup %s resizing to %d", cluster_uuid, ng.name, node_count)
    except Exception as e:  # noqa: BLE001
        LOG.exception("Cluster %s: resize of nodegroup %s failed", cluster_uuid, claimed.name)
        fail(cluster_uuid, nodegroup_uuid, S.UPDATE_IN_PROGRESS, _text(e))


def delete(context: Any, cluster_uuid: str, nodegroup_uuid: str,
           stale_before: datetime.datetime | None = None) -> None:
    """Delete the nodegroup's stack (the row goes when Heat says the stack is gone), or the
    row at once when it has no stack."""
    claimed = _claim(cluster_uuid, nodegroup_uuid, S.DELETE_IN_PROGRESS, stale_before, "Delete")
    if claimed is None:
        return
    try:
        cluster, template, drv = operations._load(cluster_uuid)
        view = _with_found_stacks(context, drv, cluster, template, [nodegroup_uuid])
        if drv.delete_nodegroup(context, view, nodegroup_uuid):
            LOG.info("Cluster %s: nodegroup %s: stack deleting", cluster_uuid, claimed.name)
        else:
            _destroy(cluster_uuid, claimed, "it had no stack")
    except Exception as e:  # noqa: BLE001
        LOG.exception("Cluster %s: delete of nodegroup %s failed", cluster_uuid, claimed.name)
        fail(cluster_uuid, nodegroup_uuid, S.DELETE_IN_PROGRESS, _text(e))


def delete_extras(context: Any, cluster: Any, template: Any, drv: Any) -> bool:
    """A cluster delete, first step: delete every extra nodegroup's stack (rows without a
    stack go at once). True while some of them remain (their stacks are being deleted:
    the cluster's own stack is deleted once they are gone)."""
    view = views.view(cluster, template)
    view = _with_found_stacks(context, drv, cluster, template,
                              [ng["uuid"] for ng in view.extra_nodegroups])
    for ng in view.extra_nodegroups:
        if drv.delete_nodegroup(context, view, ng["uuid"]):
            LOG.info("Cluster %s: deleting the stack of nodegroup %s first", cluster.uuid,
                     ng["name"])
        else:
            _destroy(cluster.uuid, _find(cluster, ng["uuid"]), "it had no stack")
    current = db_api.get_instance().get_cluster(ident=cluster.uuid, project_id=None)
    return any(not ng.is_default for ng in current.nodegroups)


def _with_found_stacks(context: Any, drv: Any, cluster: Any, template: Any,
                       nodegroup_uuids: Sequence[str]) -> ClusterView:
    """The view to delete with, after storing the id of any stack that exists in Heat (found
    by its tag) for a nodegroup whose row has none (a create that failed after Heat accepted
    the stack): reconcile then sees that stack go and removes the row, instead of waiting for
    a stack id that never comes."""
    db = db_api.get_instance()
    found = False
    for ng in cluster.nodegroups:
        if ng.uuid in nodegroup_uuids and not ng.stack_id:
            stack_id = drv.find_nodegroup_backend_id(context, views.view(cluster, template),
                                                     ng.uuid)
            if stack_id:
                db.update_nodegroup(uuid=ng.uuid, values={"stack_id": stack_id})
                found = True
    if found:
        cluster = db.get_cluster(ident=cluster.uuid, project_id=None)
    return views.view(cluster, template)


def fail(cluster_uuid: str, nodegroup_uuid: str, current: S, reason: str) -> bool:
    """The nodegroup's running operation failed: its *_FAILED status with ``reason``, the
    count from before a resize put back; the cluster's status follows (§12.3)."""
    db = db_api.get_instance()
    try:
        ng = _find(db.get_cluster(ident=cluster_uuid, project_id=None), nodegroup_uuid)
    except (exc.ClusterNotFound, exc.NodeGroupNotFound):
        return False
    vals: dict[str, Any] = {"status": states.failed_status_for(current),
                            "status_reason": reason, "operation_started_at": None,
                            "operation_deadline": None}
    if ng.previous_node_count is not None:
        vals.update(node_count=ng.previous_node_count, previous_node_count=None)
    updated = db.settle_cluster(uuid=cluster_uuid, values={}, nodegroups={ng.uuid: vals},
                                expect_nodegroups={ng.uuid: [current.value]})
    LOG.warning("Cluster %s: nodegroup %s: %s -> %s: %s", cluster_uuid, ng.name, current,
                vals["status"], reason)
    return updated is not None


def _destroy(cluster_uuid: str, ng: Any, why: str) -> bool:
    """Remove a deleted nodegroup's row (only while it is still being deleted)."""
    updated = db_api.get_instance().settle_cluster(
        uuid=cluster_uuid, values={"status_reason": f"Nodegroup {ng.name} deleted."},
        destroy_nodegroups=[ng.uuid],
        expect_nodegroups={ng.uuid: [S.DELETE_IN_PROGRESS.value]})
    if updated is not None:
        LOG.info("Cluster %s: nodegroup %s deleted (%s)", cluster_uuid, ng.name, why)
    return updated is not None


# ---- status truth (called by the reconcile loop) ----------------------------------------

def _master(row: Any) -> Any:
    return next((ng for ng in row.nodegroups if ng.is_default and ng.role == "master"), None)


def busy(row: Any) -> list[Any]:
    """The cluster's extra nodegroups running an operation."""
    running = {s.value for s in states.IN_PROGRESS}
    return [ng for ng in row.nodegroups if not ng.is_default and ng.status in running]


def main_busy(row: Any) -> bool:
    """Whether an operation of the cluster's own stack runs (create, update, resize of a
    default nodegroup, CA rotation, delete): a default nodegroup is busy, or the cluster is
    in progress while no extra nodegroup is."""
    running = {s.value for s in states.IN_PROGRESS}
    if any(ng.is_default and ng.status in running for ng in row.nodegroups):
        return True
    return row.status in running and not busy(row)


def driven_by_cluster_delete(row: Any, ng: Any) -> bool:
    """A nodegroup deleted as part of its cluster's delete (the cluster's claim and deadline
    apply, not its own)."""
    master = _master(row)
    return (ng.status == S.DELETE_IN_PROGRESS.value and master is not None
            and master.status == S.DELETE_IN_PROGRESS.value)


def prepare(context: Any, row: Any, now: datetime.datetime,
            grace: datetime.timedelta) -> int:
    """Before observing: start or resume lost nodegroup operations, and enforce the
    deadlines of those without a stack. Returns the number handled."""
    handled = 0
    for ng in busy(row):
        if driven_by_cluster_delete(row, ng):
            continue
        if _resume_if_lost(context, row, ng, now, grace):
            handled += 1
        elif not ng.stack_id:
            handled += _enforce_deadline(row, ng, now, "for its stack to be created")
    return handled


def _resume_if_lost(context: Any, row: Any, ng: Any, now: datetime.datetime,
                    grace: datetime.timedelta) -> bool:
    stale = now - grace
    started = ng.operation_started_at
    unclaimed = started is None and (ng.updated_at or ng.created_at) < stale
    crashed_before_stack = (started is not None and started < stale and not ng.stack_id
                            and ng.status == S.CREATE_IN_PROGRESS.value)
    if not (unclaimed or crashed_before_stack):
        return False
    LOG.warning("Cluster %s: resuming lost %s of nodegroup %s", row.uuid, ng.status, ng.name)
    if ng.status == S.CREATE_IN_PROGRESS.value:
        create(context, row.uuid, ng.uuid, stale_before=stale)
    elif ng.status == S.DELETE_IN_PROGRESS.value:
        delete(context, row.uuid, ng.uuid, stale_before=stale)
    elif ng.status == S.UPDATE_IN_PROGRESS.value:
        scale(context, row.uuid, ng.uuid, ng.node_count, [], stale_before=stale)
    else:
        return False
    return True


def _enforce_deadline(row: Any, ng: Any, now: datetime.datetime, why: str) -> bool:
    """Fail the nodegroup's operation past its deadline ("Timed out after N minutes
    waiting <why>.")."""
    if driven_by_cluster_delete(row, ng):
        return False
    deadline = ng.operation_deadline
    if deadline is None or now <= deadline:
        return False
    return fail(row.uuid, ng.uuid, S(ng.status),
                f"Timed out after {_minutes(row, ng.status)} minutes waiting {why}.")


def unreadable(row: Any, now: datetime.datetime, why: str) -> int:
    """Heat could not be read: the deadlines of the busy nodegroups still hold."""
    return sum(_enforce_deadline(row, ng, now, why) for ng in busy(row) if ng.stack_id)


def apply_all(context: Any, row: Any, obs: Observation | None, now: datetime.datetime,
              drv: Any, view: ClusterView) -> int:
    """Apply what the driver observed of the busy nodegroups' stacks; returns the number of
    nodegroups whose row changed."""
    seen = obs.nodegroups if obs is not None else {}
    return sum(apply(context, row, ng, seen.get(ng.uuid), now, drv, view)
               for ng in busy(row) if ng.stack_id)


def apply(context: Any, row: Any, ng: Any, obs: Observation | None, now: datetime.datetime,
          drv: Any, view: ClusterView) -> bool:
    """One nodegroup's stack observation -> its row (compare-and-set on its status)."""
    current = S(ng.status)
    by_cluster = driven_by_cluster_delete(row, ng)
    started = row.operation_started_at if by_cluster else ng.operation_started_at
    if obs is None:
        return _enforce_deadline(row, ng, now, f"for the stack: Heat returned no state for "
                                               f"stack {ng.stack_id}")
    if current is S.DELETE_IN_PROGRESS and (obs.missing or obs.status is S.DELETE_COMPLETE):
        return _destroy(row.uuid, ng, "its stack is gone")
    if obs.missing or obs.status is S.DELETE_COMPLETE:
        return fail(row.uuid, ng.uuid, current, f"Stack with id {ng.stack_id} not found in "
                                                "Heat.")
    if obs.status is None:
        return _enforce_deadline(row, ng, now, f"for the stack: Heat reported no status for "
                                               f"stack {ng.stack_id}")
    last = f"for the stack (last status {obs.status.value}: {obs.reason})"
    deleting = {S.DELETE_IN_PROGRESS, S.DELETE_FAILED}
    if current is S.DELETE_IN_PROGRESS and obs.status not in deleting:
        if started is not None and now - started > RESEND_DELETE_AFTER:
            LOG.info("Cluster %s: nodegroup %s: its stack is %s, not being deleted: deleting "
                     "it (again)", row.uuid, ng.name, obs.status.value)
            drv.delete_nodegroup(context, view, ng.uuid)
        return _enforce_deadline(row, ng, now, last)
    stale = started is None or (obs.changed_at is not None
                                and obs.changed_at < started - CLOCK_SLACK)
    if stale or not states.is_outcome(current.value, obs.status.value):
        return _enforce_deadline(row, ng, now, last)
    failed = obs.status in states.FAILED
    reason = obs.reason or ""
    if CONF.heat.simulated_cloud:
        reason = f"{reason} (SIMULATED cloud: servers, networks and volumes are simulated)"
    vals: dict[str, Any] = {"status": obs.status, "status_reason": reason if failed else None,
                            "operation_started_at": None, "operation_deadline": None}
    if obs.node_addresses is not None:
        vals["node_addresses"] = obs.node_addresses
    if obs.node_count is not None:
        vals["node_count"] = obs.node_count
    if ng.previous_node_count is not None:
        # the resize ended: a failed one puts the count from before it back (§12.2)
        if failed:
            vals["node_count"] = ng.previous_node_count
        vals["previous_node_count"] = None
    updated = db_api.get_instance().settle_cluster(
        uuid=row.uuid, values={"status_reason": f"Nodegroup {ng.name}: {reason}"},
        nodegroups={ng.uuid: vals}, expect_nodegroups={ng.uuid: [current.value]})
    if updated is not None:
        LOG.info("Cluster %s: nodegroup %s: %s -> %s", row.uuid, ng.name, current.value,
                 obs.status.value)
    return updated is not None
