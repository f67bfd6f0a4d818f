"""Cluster operations run by the conductor: create, scale, delete, CA and credential rotation.

Each operation first *claims* the cluster (compare-and-set on status + an unclaimed operation),
so a cast delivered twice, or resumed by the reconcile loop after a crash, runs once. Errors
become the matching *_FAILED status with the error text as ``status_reason``; a failed scale
puts the nodegroup's previous count back (§12.2).

A resize accepted while an earlier stack update still runs (allowed: autoscalers retry) must
not be sent to Heat then (a convergence Heat would cancel the running update and fail the
stack; a legacy Heat answers 409). It is not a failure either: the scale is *deferred*
(``pending_scale``), the cluster stays UPDATE_IN_PROGRESS with a reason saying what it waits
for, and the reconcile loop sends it (:func:`resume_deferred_scale`) once the stack is no
longer in progress, within the operation's deadline.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Any

from heatclient import exc as heat_exc

from magnum_clone.common import driver_factory, notifications, states
from magnum_clone.common import exceptions as exc
from magnum_clone.conductor import certs, discovery, trust, views
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api

LOG = logging.getLogger(__name__)
S = states.Status


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def timeout_minutes(cluster: Any) -> int:
    return int(cluster.create_timeout or CONF.cluster.default_create_timeout)


def operation_minutes(cluster: Any) -> int:
    """The time the running operation is given: ``create_timeout`` for a create, the default
    for the others (update, delete, rotation)."""
    if cluster.status == S.CREATE_IN_PROGRESS.value:
        return timeout_minutes(cluster)
    return int(CONF.cluster.default_create_timeout)


def _load(uuid: str) -> tuple[Any, Any, Any]:
    db = db_api.get_instance()
    cluster = db.get_cluster(ident=uuid, project_id=None)
    template = db.get_cluster_templates(uuids=[cluster.cluster_template_id])[
        cluster.cluster_template_id]
    return cluster, template, driver_factory.for_template(
        {c: getattr(template, c) for c in ("driver", "server_type", "cluster_distro", "coe")})


def restored_counts(nodegroups: Any) -> dict[str, dict[str, Any]]:
    """Nodegroup values putting back the count kept before an unfinished scale (§12.2)."""
    return {ng.uuid: {"node_count": ng.previous_node_count, "previous_node_count": None}
            for ng in nodegroups if getattr(ng, "previous_node_count", None) is not None}


def fail(uuid: str, current: states.Status, reason: str, context: Any = None) -> None:
    """Move an in-progress cluster (and its in-progress nodegroups) to the failure status,
    and notify the failure (initiator: ``context``'s user, else the cluster's). A failed
    update restores the node counts the unfinished scale(s) changed and drops a deferred
    scale.

    This is the failure of the cluster's own stack: extra nodegroups (their own stacks) are
    left to their own operations, except in a delete, which is theirs too. With extra
    nodegroups the cluster's status then follows all of them (§12.3, ``settle_cluster``)."""
    db = db_api.get_instance()
    failed = states.failed_status_for(current)
    cluster = db.get_cluster(ident=uuid, project_id=None)
    mine = [ng for ng in cluster.nodegroups if ng.is_default or current is S.DELETE_IN_PROGRESS]
    ngs: dict[str, dict[str, Any]] = {}
    if current in (S.UPDATE_IN_PROGRESS, S.ROLLBACK_IN_PROGRESS):
        ngs = restored_counts(mine)
    for ng in mine:
        if ng.status == current:
            ngs.setdefault(ng.uuid, {}).update({"status": failed, "status_reason": reason})
    updated = db.settle_cluster(uuid=uuid, expect_status=[current], nodegroups=ngs,
                                values={"status": failed, "status_reason": reason,
                                        "pending_scale": None})
    LOG.warning("Cluster %s: %s -> %s: %s", uuid, current, failed, reason)
    action = notifications.action_for(current)
    if updated is not None and action is not None:
        notifications.notify(context, updated, action, notifications.FAILURE)


def create(context: Any, uuid: str, stale_before: datetime.datetime | None = None) -> None:
    db = db_api.get_instance()
    try:
        cluster = db.get_cluster(ident=uuid, project_id=None)
    except exc.ClusterNotFound:
        return
    deadline = _now() + datetime.timedelta(minutes=timeout_minutes(cluster))
    claimed = db.claim_cluster(uuid=uuid, status=S.CREATE_IN_PROGRESS, deadline=deadline,
                               stale_before=stale_before)
    if claimed is None:
        LOG.info("Create of cluster %s already claimed or no longer pending", uuid)
        return
    try:
        cluster, template, drv = _load(uuid)
        cluster = trust.create_for_cluster(context, cluster)
        cluster = certs.ensure_cluster_certificates(context, cluster, template)
        cluster = discovery.ensure(cluster)
        view = views.view(cluster, template)
        if not cluster.stack_id:
            notifications.notify(context, cluster, notifications.CREATE, notifications.PENDING)
        stack_id = cluster.stack_id or drv.find_backend_id(context, view)
        if stack_id is None:
            stack_id = drv.create_cluster(context, view, timeout_minutes(cluster))
        db.update_cluster(uuid=uuid, expect_status=[S.CREATE_IN_PROGRESS],
                          values={"stack_id": stack_id},
                          nodegroups={ng.uuid: {"stack_id": stack_id}
                                      for ng in cluster.nodegroups if ng.is_default})
        LOG.info("Cluster %s: stack %s created", uuid, stack_id)
    except Exception as e:  # noqa: BLE001 - any failure is the cluster's failure
        LOG.exception("Cluster %s create failed", uuid)
        fail(uuid, S.CREATE_IN_PROGRESS, str(e) or e.__class__.__name__, context)


def scale(context: Any, uuid: str, nodegroup_uuid: str, node_count: int,
          nodes_to_remove: Sequence[str], rollback: bool,
          stale_before: datetime.datetime | None = None) -> None:
    """Scale a default nodegroup (the cluster's stack); an extra nodegroup's resize is its
    own stack's (:func:`magnum_clone.conductor.nodegroups.scale`)."""
    db = db_api.get_instance()
    try:
        current = db.get_cluster(ident=uuid, project_id=None)
    except exc.ClusterNotFound:
        return
    if any(ng.uuid == nodegroup_uuid and not ng.is_default for ng in current.nodegroups):
        from magnum_clone.conductor import nodegroups

        nodegroups.scale(context, uuid, nodegroup_uuid, node_count, nodes_to_remove,
                         stale_before=stale_before)
        return
    deadline = _now() + datetime.timedelta(minutes=CONF.cluster.default_create_timeout)
    claimed = db.claim_cluster(uuid=uuid, status=S.UPDATE_IN_PROGRESS, deadline=deadline,
                               stale_before=stale_before)
    if claimed is None:
        LOG.info("Update of cluster %s already claimed or no longer pending", uuid)
        return
    try:
        cluster, template, drv = _load(uuid)
        ng = next(n for n in cluster.nodegroups if n.uuid == nodegroup_uuid)
        if ng.node_count != node_count:
            # a later resize was accepted before this claim (its own cast will find the
            # operation claimed): the stored count is the one wanted now
            LOG.info("Cluster %s: nodegroup %s now wants %d nodes (a later request), not %d",
                     uuid, ng.name, ng.node_count, node_count)
            node_count, nodes_to_remove = ng.node_count, []
        notifications.notify(context, cluster, notifications.UPDATE, notifications.PENDING)
        _send_scale(context, cluster, template, drv, ng, node_count, nodes_to_remove,
                    rollback)
    except Exception as e:  # noqa: BLE001
        LOG.exception("Cluster %s update failed", uuid)
        fail(uuid, S.UPDATE_IN_PROGRESS, str(e) or e.__class__.__name__, context)


def _send_scale(context: Any, cluster: Any, template: Any, drv: Any, ng: Any, node_count: int,
                nodes_to_remove: Sequence[str], rollback: bool, *, check_busy: bool = True
                ) -> bool:
    """Ask the driver to scale; True if sent. While the stack is still being updated by an
    earlier operation the scale is deferred instead (False): a second stack update would not
    wait for the first one (a convergence Heat supersedes it and cancels the nested updates
    in flight, which fails the stack; a legacy Heat answers 409). Other errors are raised.
    ``check_busy``: look at the stack first (the caller has not just observed it)."""
    view = views.view(cluster, template)
    if check_busy:
        obs = drv.observe(context, [view]).get(cluster.uuid)
        if obs is not None and obs.status in states.IN_PROGRESS:
            _defer(cluster, ng, node_count, nodes_to_remove, rollback,
                   f"the stack is {obs.status.value}")
            return False
    try:
        drv.scale_cluster(context, view,
                          nodegroup={"uuid": ng.uuid, "role": ng.role, "name": ng.name},
                          node_count=node_count, nodes_to_remove=nodes_to_remove,
                          rollback=rollback)
    except (heat_exc.HTTPConflict, exc.Conflict) as e:
        _defer(cluster, ng, node_count, nodes_to_remove, rollback, f"Heat: {_heat_error(e)}")
        return False
    LOG.info("Cluster %s: nodegroup %s scaling to %d", cluster.uuid, ng.name, node_count)
    if cluster.pending_scale is not None:
        db_api.get_instance().update_cluster(
            uuid=cluster.uuid, expect_status=[S.UPDATE_IN_PROGRESS],
            values={"pending_scale": None, "status_reason": None})
    return True


def _defer(cluster: Any, ng: Any, node_count: int, nodes_to_remove: Sequence[str],
           rollback: bool, why: str) -> None:
    """Keep the scale for the reconcile loop (:func:`resume_deferred_scale`); the cluster
    stays UPDATE_IN_PROGRESS and says what it waits for."""
    pending = {"nodegroup": ng.uuid, "node_count": node_count,
               "nodes_to_remove": list(nodes_to_remove), "rollback": rollback}
    reason = (f"Waiting for the stack update in progress to finish before resizing "
              f"{ng.name} to {node_count} ({why}).")
    db_api.get_instance().update_cluster(
        uuid=cluster.uuid, expect_status=[S.UPDATE_IN_PROGRESS],
        values={"pending_scale": pending, "status_reason": reason})
    LOG.info("Cluster %s: %s", cluster.uuid, reason)


def _heat_error(e: Exception) -> str:
    """heatclient's "ERROR: <message>" (and any traceback after it) as just the message."""
    text = (str(e).strip().splitlines() or [""])[0].removeprefix("ERROR: ").strip()
    return (text or e.__class__.__name__)[:300]


def resume_deferred_scale(context: Any, row: Any, *, earlier_complete: bool,
                          observed_count: int | None) -> bool:
    """The stack is no longer in progress and a deferred scale waits (``pending_scale``):
    send it, with the count the nodegroup wants now. ``earlier_complete``/``observed_count``:
    the earlier update finished well, so its count is what a failure of this one restores.
    True if this call handled it (sent, deferred again, or failed)."""
    db = db_api.get_instance()
    pending: dict[str, Any] = dict(row.pending_scale or {})
    now = _now()
    # the deadline is kept while the scale is deferred (a Heat that keeps answering 409 ends
    # in a timeout); it restarts once the scale was sent
    claimed = db.claim_pending_scale(
        uuid=row.uuid, seen_started=row.operation_started_at, started=now,
        deadline=row.operation_deadline or now + datetime.timedelta(
            minutes=CONF.cluster.default_create_timeout))
    if claimed is None:
        return False
    try:
        cluster, template, drv = _load(row.uuid)
        ng = next((n for n in cluster.nodegroups if n.uuid == pending.get("nodegroup")), None)
        if ng is None:
            raise exc.NodeGroupNotFound(nodegroup=pending.get("nodegroup"))
        if earlier_complete and observed_count is not None and ng.is_default \
                and ng.role != "master":
            cluster = db.update_cluster(
                uuid=row.uuid, expect_status=[S.UPDATE_IN_PROGRESS], values={},
                nodegroups={ng.uuid: {"previous_node_count": observed_count}}) or cluster
        count = int(ng.node_count)
        remove = list(pending.get("nodes_to_remove") or []) \
            if pending.get("node_count") == count else []
        if _send_scale(context, cluster, template, drv, ng, count, remove,
                       bool(pending.get("rollback")), check_busy=False):
            deadline = _now() + datetime.timedelta(minutes=CONF.cluster.default_create_timeout)
            db.update_cluster(uuid=row.uuid, expect_status=[S.UPDATE_IN_PROGRESS],
                              values={"operation_deadline": deadline})
    except Exception as e:  # noqa: BLE001
        LOG.exception("Cluster %s deferred scale failed", row.uuid)
        fail(row.uuid, S.UPDATE_IN_PROGRESS, str(e) or e.__class__.__name__, context)
    return True


def delete(context: Any, uuid: str, stale_before: datetime.datetime | None = None) -> None:
    db = db_api.get_instance()
    deadline = _now() + datetime.timedelta(minutes=CONF.cluster.default_create_timeout)
    claimed = db.claim_cluster(uuid=uuid, status=S.DELETE_IN_PROGRESS, deadline=deadline,
                               stale_before=stale_before)
    if claimed is None:
        return
    try:
        cluster, template, drv = _load(uuid)
        notifications.notify(context, cluster, notifications.DELETE, notifications.PENDING)
        if any(not ng.is_default for ng in cluster.nodegroups):
            from magnum_clone.conductor import nodegroups

            # the extra nodegroups' stacks first: their workers use the cluster stack's
            # network and security group; the reconcile loop deletes the cluster's stack
            # once they are gone
            if nodegroups.delete_extras(context, cluster, template, drv):
                LOG.info("Cluster %s: deleting the nodegroups' stacks first", uuid)
                return
            cluster = db.get_cluster(ident=uuid, project_id=None)
        view = views.view(cluster, template)
        stack_id = cluster.stack_id or drv.find_backend_id(context, view)
        if stack_id is None:
            db.destroy_cluster(uuid=uuid)
            certs.delete_cluster_certificates(context, cluster)
            trust.delete_for_cluster(cluster)
            LOG.info("Cluster %s had no stack: deleted", uuid)
            notifications.notify(context, cluster, notifications.DELETE, notifications.SUCCESS,
                                 overrides={"status": S.DELETE_COMPLETE.value})
            return
        if stack_id != cluster.stack_id:
            db.update_cluster(uuid=uuid, values={"stack_id": stack_id})
            view = views.view(db.get_cluster(ident=uuid, project_id=None), template)
        drv.delete_cluster(context, view)
        LOG.info("Cluster %s: stack %s deleting", uuid, stack_id)
    except Exception as e:  # noqa: BLE001
        LOG.exception("Cluster %s delete failed", uuid)
        fail(uuid, S.DELETE_IN_PROGRESS, str(e) or e.__class__.__name__, context)


def ca_rotate(context: Any, uuid: str, stale_before: datetime.datetime | None = None) -> None:
    """Rotate the cluster's CAs (the API set UPDATE_IN_PROGRESS): new CAs stored, then the
    driver pushes them (a stack update); the reconcile loop brings UPDATE_COMPLETE/FAILED."""
    db = db_api.get_instance()
    deadline = _now() + datetime.timedelta(minutes=CONF.cluster.default_create_timeout)
    claimed = db.claim_cluster(uuid=uuid, status=S.UPDATE_IN_PROGRESS, deadline=deadline,
                               stale_before=stale_before)
    if claimed is None:
        LOG.info("CA rotation of cluster %s already claimed or no longer pending", uuid)
        return
    try:
        cluster, template, drv = _load(uuid)
        notifications.notify(context, cluster, notifications.UPDATE, notifications.PENDING)
        certs.rotate_ca(context, cluster, template, [S.UPDATE_IN_PROGRESS.value],
                        push=lambda row: drv.rotate_ca_certificate(context,
                                                                   views.view(row, template)))
        LOG.info("Cluster %s: CA rotation pushed to the stack", uuid)
    except Exception as e:  # noqa: BLE001
        LOG.exception("Cluster %s CA rotation failed", uuid)
        fail(uuid, S.UPDATE_IN_PROGRESS, str(e) or e.__class__.__name__, context)


def rotate_credential(context: Any, uuid: str) -> None:
    """Rotate the credential the cluster's nodes use to call OpenStack (synchronous: errors
    are raised to the caller; the cluster status is not changed). With Keystone: a new
    trustee and trust are stored and pushed by the driver (stack update), then the old ones
    are deleted; if the push fails the old ones are put back and the new ones deleted."""
    cluster, template, drv = _load(uuid)
    if not states.can_start(states.Op.CREDENTIAL_ROTATE, cluster.status):
        raise exc.InvalidState(status=cluster.status)
    if not drv.supports_credential_rotation:
        raise exc.Invalid("Credential rotation is not supported by driver.")
    if not trust.enabled():
        raise exc.Invalid("Credential rotation is not possible with auth_strategy noauth: the "
                          "cluster has no OpenStack credential (trustee) to rotate.")
    allowed = [s.value for s in states.allowed_from(states.Op.CREDENTIAL_ROTATE)]
    trust.rotate_for_cluster(context, cluster, allowed,
                             push=lambda row: drv.rotate_credential(context,
                                                                    views.view(row, template)))
    LOG.info("Cluster %s: credential rotated", uuid)
