"""Cluster operations run by the conductor: create, scale, delete, CA and credential rotation.

Each operation first *claims* the cluster (compare-and-set on status + an unclaimed operation),
so a cast delivered twice, or resumed by the reconcile loop after a crash, runs once. Errors
become the matching *_FAILED status with the error text as ``status_reason``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Any

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


def _load(uuid: str) -> tuple[Any, Any, Any]:
    db = db_api.get_instance()
    cluster = db.get_cluster(ident=uuid, project_id=None)
    template = db.get_cluster_templates(uuids=[cluster.cluster_template_id])[
        cluster.cluster_template_id]
    return cluster, template, driver_factory.for_template(
        {c: getattr(template, c) for c in ("driver", "server_type", "cluster_distro", "coe")})


def fail(uuid: str, current: states.Status, reason: str, context: Any = None) -> None:
    """Move an in-progress cluster (and its in-progress nodegroups) to the failure status,
    and notify the failure (initiator: ``context``'s user, else the cluster's)."""
    db = db_api.get_instance()
    failed = states.failed_status_for(current)
    cluster = db.get_cluster(ident=uuid, project_id=None)
    ngs = {ng.uuid: {"status": failed, "status_reason": reason} for ng in cluster.nodegroups
           if ng.status == current}
    updated = db.update_cluster(uuid=uuid, expect_status=[current], nodegroups=ngs,
                                values={"status": failed, "status_reason": reason})
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
    db = db_api.get_instance()
    deadline = _now() + datetime.timedelta(minutes=CONF.cluster.default_create_timeout)
    claimed = db.claim_cluster(uuid=uuid, status=S.UPDATE_IN_PROGRESS, deadline=deadline,
                               stale_before=stale_before)
    if claimed is None:
        LOG.info("Update of cluster %s already claimed or no longer pending", uuid)
        return
    try:
        cluster, template, drv = _load(uuid)
        ng = next(n for n in cluster.nodegroups if n.uuid == nodegroup_uuid)
        notifications.notify(context, cluster, notifications.UPDATE, notifications.PENDING)
        drv.scale_cluster(context, views.view(cluster, template),
                          nodegroup={"uuid": ng.uuid, "role": ng.role, "name": ng.name},
                          node_count=node_count, nodes_to_remove=nodes_to_remove,
                          rollback=rollback)
        LOG.info("Cluster %s: nodegroup %s scaling to %d", uuid, ng.name, node_count)
    except Exception as e:  # noqa: BLE001
        LOG.exception("Cluster %s update failed", uuid)
        fail(uuid, S.UPDATE_IN_PROGRESS, str(e) or e.__class__.__name__, context)


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
