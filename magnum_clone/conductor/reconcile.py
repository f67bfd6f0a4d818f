"""Status truth: bring backend (Heat) state back into clusters, resume lost operations.

One pass: list this conductor's in-progress clusters (one query + one for nodegroups), ask each
driver about them in one batch (:meth:`Driver.observe`: one stack list per project), and apply
what changed with compare-and-set, so an API write racing with us is never overwritten.

Also the safety net the architecture asks for:
* an operation nobody claimed for ``grace`` seconds (its cast was lost, or the API died after
  the commit) is started here;
* a claimed create with no stack after ``grace`` seconds (its conductor died) is resumed, and
  adopts a stack created before the crash (found by tag) instead of making a second one;
* ``create_timeout`` (and the deadline of any running operation) is enforced: past the
  deadline the cluster fails with a reason, also while Heat cannot be read (the reason then
  names the Heat error);
* a scale deferred because the stack was still being updated (by an earlier operation) is
  sent once the stack is no longer in progress; a failed scale puts the previous node count
  back (§12.2).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from magnum_clone.common import driver_factory, notifications, states
from magnum_clone.conductor import certs, hashring, nodegroups, operations, trust, views
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api
from magnum_clone_drivers.base import Observation

LOG = logging.getLogger(__name__)
S = states.Status

# Heat and the conductor may run on different hosts: tolerate this much clock difference when
# deciding whether a stack state is older than the operation that is running.
CLOCK_SLACK = datetime.timedelta(seconds=2)


def run_once(context: Any, host: str, grace: datetime.timedelta | None = None) -> int:
    """One reconcile pass; returns the number of clusters whose row changed."""
    return run_for(context, host, None, grace=grace)


def run_for(context: Any, host: str, cluster_uuids: Iterable[str] | None,
            stack_ids: Iterable[str] = (), grace: datetime.timedelta | None = None) -> int:
    """Reconcile only some in-progress clusters this conductor owns: those in
    ``cluster_uuids`` or whose stack is one of ``stack_ids`` (``cluster_uuids=None``: all of
    them, the periodic pass). Heat events call this; the state is always re-observed through
    the driver, never taken from the event. Returns the number of rows changed."""
    if grace is None:
        grace = datetime.timedelta(seconds=CONF.conductor.resume_grace)
    db = db_api.get_instance()
    rows = db.list_clusters(project_id=None, statuses=[s.value for s in states.IN_PROGRESS])
    if cluster_uuids is not None:
        wanted, stacks = set(cluster_uuids), set(stack_ids)
        rows = [r for r in rows if r.uuid in wanted or (r.stack_id and r.stack_id in stacks)
                or any(ng.stack_id and ng.stack_id in stacks for ng in r.nodegroups)]
    owned = set(hashring.mine([r.uuid for r in rows], host))
    rows = [r for r in rows if r.uuid in owned]
    if not rows:
        return 0
    now = operations._now()
    templates = db.get_cluster_templates(uuids=[r.cluster_template_id for r in rows])
    observable: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    drivers: dict[int, Any] = {}
    changed = 0
    for row in rows:
        # the cluster's own stack and the extra nodegroups' stacks run operations of their
        # own; both are observed in the same batched stack list
        extras = nodegroups.busy(row)
        main = nodegroups.main_busy(row)
        if extras:
            changed += nodegroups.prepare(context, row, now, grace)
        if main and _resume_if_lost(context, row, now, grace):
            continue
        if main and not row.stack_id:
            changed += _enforce_deadline(row, now, "for its stack to be created")
            main = False
        if not main and not any(ng.stack_id for ng in extras):
            continue
        tpl = templates.get(row.cluster_template_id)
        if tpl is None:
            changed += _enforce_deadline(row, now, f"(its cluster template "
                                                   f"{row.cluster_template_id} is gone)")
            continue
        drv = driver_factory.for_template({c: getattr(tpl, c) for c in
                                           ("driver", "server_type", "cluster_distro", "coe")})
        drivers[id(drv)] = drv
        observable[id(drv)].append((row, views.view(row, tpl, observe_main=main)))
    for key, items in observable.items():
        drv = drivers[key]
        try:
            seen = drv.observe(context, [v for _r, v in items])
        except Exception as e:  # noqa: BLE001 - a backend outage must not stop other drivers
            LOG.exception("Observing clusters failed; will retry")
            # the deadlines still hold: an unreadable Heat must not keep a cluster in
            # progress forever
            why = f"for the stack: Heat could not be read ({_error_text(e)})"
            for row, view in items:
                changed += nodegroups.unreadable(row, now, why)
                if view.observe_main:
                    changed += _enforce_deadline(row, now, why)
            continue
        for row, view in items:
            obs = seen.get(row.uuid)
            if nodegroups.busy(row) and nodegroups.apply_all(context, row, obs, now, drv, view):
                changed += 1
                if view.observe_main:   # the main operation sees the nodegroups as they are
                    row = db.get_cluster(ident=row.uuid, project_id=None)
            if not view.observe_main:
                continue
            if obs is None:
                changed += _enforce_deadline(
                    row, now, f"for the stack: Heat returned no state for stack {row.stack_id}")
            elif continue_delete(context, row, obs, now, drv, view):
                changed += 1
            elif apply(row, obs, now, context):
                changed += 1
    return changed


def continue_delete(context: Any, row: Any, obs: Observation, now: datetime.datetime,
                    drv: Any, view: Any) -> bool:
    """A running cluster delete (reference §16.2: the extra nodegroups' stacks first, then
    the cluster's): wait while their stacks are being deleted, fail if one could not be
    deleted, and delete the cluster's stack once they are gone. The cluster's stack delete
    is also sent again when Heat shows no delete a while after the claim (its conductor
    died before sending it). True if this pass changed the row."""
    if row.status != S.DELETE_IN_PROGRESS.value:
        return False
    extras = [ng for ng in row.nodegroups if not ng.is_default]
    if nodegroups.busy(row):
        return _enforce_deadline(row, now, "for the nodegroups' stacks to be deleted")
    if extras:
        operations.fail(row.uuid, S.DELETE_IN_PROGRESS,
                        states.failed_reason(ng.name for ng in extras))
        return True
    if obs.missing:
        return False    # the cluster's stack is gone too: apply() finishes the delete
    started = row.operation_started_at
    if obs.status not in (S.DELETE_IN_PROGRESS, S.DELETE_COMPLETE, S.DELETE_FAILED) and \
            started is not None and now - started > nodegroups.RESEND_DELETE_AFTER and \
            row.stack_id:
        LOG.info("Cluster %s: deleting the cluster's stack %s (no nodegroup stack left; "
                 "Heat shows it %s)", row.uuid, row.stack_id, obs.status.value if obs.status
                 else "without a status")
        drv.delete_cluster(context, view)
    return False


def _error_text(e: BaseException) -> str:
    text = str(e).strip()
    name = e.__class__.__name__
    return (f"{name}: {text}" if text and name not in text else text or name)[:300]


def _enforce_deadline(row: Any, now: datetime.datetime, why: str) -> bool:
    """Fail the running operation if its deadline has passed; ``why`` ends the reason
    ("Timed out after N minutes waiting <why>.")."""
    deadline = row.operation_deadline
    if deadline is None or now <= deadline:
        return False
    operations.fail(row.uuid, S(row.status),
                    f"Timed out after {operations.operation_minutes(row)} minutes waiting "
                    f"{why}.")
    return True


def _resume_if_lost(context: Any, row: Any, now: datetime.datetime,
                    grace: datetime.timedelta) -> bool:
    """Start or resume an operation that no live conductor is running. True if handled."""
    stale = now - grace
    started = row.operation_started_at
    unclaimed_too_long = started is None and (row.updated_at or row.created_at) < stale
    crashed_before_stack = started is not None and started < stale and not row.stack_id
    if not (unclaimed_too_long or crashed_before_stack):
        return False
    status = S(row.status)
    LOG.warning("Cluster %s: resuming lost %s operation", row.uuid, status.value)
    if status is S.CREATE_IN_PROGRESS:
        operations.create(context, row.uuid, stale_before=stale)
    elif status is S.DELETE_IN_PROGRESS:
        operations.delete(context, row.uuid, stale_before=stale)
    elif status is S.UPDATE_IN_PROGRESS and started is None:
        # the scaled default nodegroup (a CA rotation marks the default master instead)
        ng = next((n for n in row.nodegroups if n.is_default and n.role != "master"
                   and n.status == S.UPDATE_IN_PROGRESS.value), None)
        if ng is None:
            # an update that is not a scale (CA rotation) whose request no conductor ever
            # picked up: it cannot be replayed, but it must not stay in progress forever
            operations.fail(row.uuid, status, "The update request was lost before a "
                            "conductor ran it (no conductor was running, or it died); "
                            "nothing was changed: please retry the operation.")
            return True
        operations.scale(context, row.uuid, ng.uuid, ng.node_count, [], bool(row.rollback),
                         stale_before=stale)
    else:
        return False
    return True


def apply(row: Any, obs: Observation, now: datetime.datetime, context: Any = None) -> bool:
    """Apply one observation to one cluster row (compare-and-set on its current status)."""
    db = db_api.get_instance()
    current = S(row.status)
    if current is S.DELETE_IN_PROGRESS and any(not ng.is_default for ng in row.nodegroups):
        return False    # extra nodegroups' stacks first (continue_delete watches them)
    if obs.missing:
        if current is S.DELETE_IN_PROGRESS:
            db.destroy_cluster(uuid=row.uuid)
            certs.delete_cluster_certificates(context, row)
            trust.delete_for_cluster(row)
            LOG.info("Cluster %s deleted", row.uuid)
            _notify_deleted(row)
            return True
        operations.fail(row.uuid, current, f"Stack with id {row.stack_id} not found in Heat.")
        return True
    if obs.status is None:
        return _enforce_deadline(row, now, f"for the stack: Heat reported no status for "
                                           f"stack {row.stack_id}")
    if obs.status is S.DELETE_COMPLETE and current is S.DELETE_IN_PROGRESS:
        db.destroy_cluster(uuid=row.uuid)
        certs.delete_cluster_certificates(context, row)
        trust.delete_for_cluster(row)
        LOG.info("Cluster %s deleted", row.uuid)
        _notify_deleted(row)
        return True
    last = f"for the stack (last status {obs.status.value}: {obs.reason})"
    if current is S.UPDATE_IN_PROGRESS and getattr(row, "pending_scale", None):
        # a deferred scale waits for the earlier stack update: whatever that update ended
        # in is not this operation's outcome
        if obs.status in states.IN_PROGRESS:
            return _enforce_deadline(row, now, last)
        if _enforce_deadline(row, now, f"{last}; the deferred resize was not sent"):
            return True
        return operations.resume_deferred_scale(
            context, row, earlier_complete=obs.status in states.COMPLETE,
            observed_count=obs.node_count)
    started = row.operation_started_at
    stale_outcome = started is None or (
        obs.changed_at is not None and obs.changed_at < started - CLOCK_SLACK)
    if stale_outcome or not states.is_outcome(current, obs.status):
        # Not yet claimed (the conductor has not called the backend), or a final state left by
        # a previous operation (a second update finds the first one's UPDATE_COMPLETE): wait.
        return _enforce_deadline(row, now, last)
    reason = obs.reason or ""
    if CONF.heat.simulated_cloud:
        reason = f"{reason} (SIMULATED cloud: servers, networks and volumes are simulated)"
    values: dict[str, Any] = {"status": obs.status, "status_reason": reason}
    if obs.status not in states.IN_PROGRESS:
        # the operation ended; an outcome that is itself in progress (a rollback running)
        # keeps the claim and its deadline, so its end is still watched and timed
        values.update(operation_started_at=None, operation_deadline=None)
    for attr in ("api_address", "coe_version", "container_version"):
        if getattr(obs, attr) is not None:
            values[attr] = getattr(obs, attr)
    ngs: dict[str, dict[str, Any]] = {}
    failed = obs.status in states.FAILED
    for ng in row.nodegroups:
        if not ng.is_default:
            continue
        master = ng.role == "master"
        vals: dict[str, Any] = {"status": obs.status,
                                "status_reason": reason if failed else None}
        addrs = obs.master_addresses if master else obs.node_addresses
        if addrs is not None:
            vals["node_addresses"] = addrs
        count = obs.master_count if master else obs.node_count
        if count is not None:
            vals["node_count"] = count
        if getattr(ng, "previous_node_count", None) is not None and obs.status not in \
                states.IN_PROGRESS:
            # the scale ended: a failed one puts the count from before it back (§12.2; the
            # stack's parameter holds the count that was asked for), a complete one keeps
            # the stack's count
            if failed:
                vals["node_count"] = ng.previous_node_count
            vals["previous_node_count"] = None
        ngs[ng.uuid] = vals
    # with extra nodegroups the cluster's status follows all of them (§12.3)
    updated = db.settle_cluster(uuid=row.uuid, expect_status=[current], values=values,
                                nodegroups=ngs)
    if updated is not None:
        LOG.info("Cluster %s: %s -> %s", row.uuid, current.value, obs.status.value)
        _notify_outcome(updated, obs.status)
    return updated is not None


def _notify_deleted(row: Any) -> None:
    """A finished delete: ``delete``/``success`` (initiator: the cluster's user/project)."""
    notifications.notify(None, row, notifications.DELETE, notifications.SUCCESS,
                         overrides={"status": S.DELETE_COMPLETE.value})


def _notify_outcome(row: Any, status: S) -> None:
    """An observed final status: success for *_COMPLETE, failure for *_FAILED, with the
    action of the status (CREATE -> create, UPDATE/ROLLBACK -> update, DELETE -> delete)."""
    action = notifications.action_for(status)
    if action is None:
        return
    if status in states.COMPLETE:
        notifications.notify(None, row, action, notifications.SUCCESS)
    elif status in states.FAILED:
        notifications.notify(None, row, action, notifications.FAILURE)
