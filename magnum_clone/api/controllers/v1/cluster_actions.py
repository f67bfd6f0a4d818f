"""Cluster state changes started by the API (scale, delete) and the /actions routes.

The API checks the state machine before casting: the status is compare-and-set to the
operation's in-progress status in the same transaction that stores the new node count, and a
refusal is a synchronous 409 instead of upstream's silent failure in the conductor. A refusal
still sends the CADF notification upstream's conductor sends for it (reference §15):
``magnum.cluster.update`` failure for an update, resize or upgrade refused for its state,
``magnum.cluster.delete`` failure for a delete refused (an operation in progress).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pecan

from magnum_clone.api import versions
from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import common
from magnum_clone.api.types import base as t
from magnum_clone.api.types import cluster as ctypes
from magnum_clone.common import exceptions as exc
from magnum_clone.common import notifications, policy, states
from magnum_clone.conductor import rpcapi
from magnum_clone.db import api as db_api


def _refused(row: Any, op: states.Op) -> exc.ClusterOperationConflict:
    """The 409 of an operation refused for the cluster's status (``row``: as it is now),
    after its failure notification."""
    notify_refused(row, op)
    verb = "Deleting" if op is states.Op.DELETE else "Updating"
    return exc.ClusterOperationConflict(
        msg=f'{verb} a cluster when status is "{row.status}" is not supported.')


def notify_refused(row: Any, op: states.Op) -> None:
    """``delete``/failure for a refused delete, ``update``/failure for any other operation
    (update, resize, upgrade), initiated by the caller."""
    action = notifications.DELETE if op is states.Op.DELETE else notifications.UPDATE
    notifications.notify(common.context(), row, action, notifications.FAILURE)


def _zero_nodes(node_count: int) -> None:
    if node_count == 0 and not versions.allow_zero_nodes(common.version()):
        raise exc.Invalid("Resizing a nodegroup to zero is not supported in the provided "
                          "microversion.")


def default_worker(row: Any) -> Any:
    return next(ng for ng in row.nodegroups if ng.is_default and ng.role != "master")


def update(row: Any, node_count: int, rollback: bool, *, health: dict[str, Any]) -> None:
    """A cluster PATCH: the default worker's new count and/or the health fields.

    Allowed only from the statuses an update may start from (409 otherwise, even when
    nothing changes); a count change moves the cluster to UPDATE_IN_PROGRESS and casts,
    health fields alone are saved with the status kept.
    """
    _zero_nodes(node_count)
    worker = default_worker(row)
    if node_count != worker.node_count:
        scale(row, worker, node_count, [], rollback, health=health)
        return
    allowed = states.allowed_from(states.Op.UPDATE)
    if not health:
        if states.Status(row.status) not in allowed:
            raise _refused(row, states.Op.UPDATE)
        return
    if db_api.get_instance().update_cluster(uuid=row.uuid, values=health,
                                            expect_status=allowed) is None:
        raise _refused(db_api.get_instance().get_cluster(ident=row.uuid, project_id=None),
                       states.Op.UPDATE)


def scale(row: Any, nodegroup: Any, node_count: int, nodes_to_remove: Sequence[str],
          rollback: bool, *, op: states.Op = states.Op.UPDATE,
          health: dict[str, Any] | None = None) -> None:
    """Store the new count and UPDATE_IN_PROGRESS atomically (compare-and-set on the
    status), then cast the scale. A refusal writes nothing.

    The count the nodegroup had is kept (``previous_node_count``, unless an unfinished scale
    already kept one) so a failure can put it back (§12.2). The claim is released
    (``operation_started_at`` cleared) so the conductor claims this request even while an
    earlier update runs: while the stack is still being updated the conductor defers this
    scale and the reconcile loop sends it once the stack update has finished."""
    _zero_nodes(node_count)
    new_status = states.start_status(op)
    updated = db_api.get_instance().update_cluster(
        uuid=row.uuid, expect_status=states.allowed_from(op),
        values={"status": new_status, "status_reason": None, "rollback": rollback,
                "operation_started_at": None, **(health or {})},
        nodegroups={nodegroup.uuid: {"node_count": node_count, "status": new_status}},
        remember_counts=[nodegroup.uuid])
    if updated is None:
        raise _refused(db_api.get_instance().get_cluster(ident=row.uuid, project_id=None), op)
    rpcapi.get_api().cluster_update(common.context(), cluster_uuid=row.uuid,
                                    nodegroup_uuid=nodegroup.uuid, node_count=node_count,
                                    nodes_to_remove=nodes_to_remove, rollback=rollback)


def scale_nodegroup(row: Any, nodegroup: Any, node_count: int,
                    nodes_to_remove: Sequence[str]) -> None:
    """Resize an extra nodegroup (its own stack): its new count and UPDATE_IN_PROGRESS, and
    the cluster's UPDATE_IN_PROGRESS, compare-and-set on both statuses in one transaction
    (409 otherwise: no waiting for a nodegroup stack that is still busy), then cast. The
    count it had is kept to be put back if the resize fails; the cluster's own operation
    bookkeeping is not touched (a resize of its default nodegroup may run meanwhile)."""
    op = states.Op.RESIZE
    outcome = db_api.get_instance().start_nodegroup_operation(
        cluster_uuid=row.uuid, nodegroup_uuid=nodegroup.uuid,
        cluster_expect=[s.value for s in states.allowed_from(op)],
        cluster_values={"status": states.start_status(op), "status_reason": None},
        nodegroup_expect=[s.value for s in states.nodegroup_allowed_from(op)],
        nodegroup_values={"node_count": node_count, "status": states.nodegroup_start_status(op),
                          "status_reason": None, "operation_started_at": None,
                          "operation_deadline": None},
        remember_count=True)
    refused_nodegroup(row, nodegroup, outcome, op)
    rpcapi.get_api().cluster_update(common.context(), cluster_uuid=row.uuid,
                                    nodegroup_uuid=nodegroup.uuid, node_count=node_count,
                                    nodes_to_remove=nodes_to_remove, rollback=False)


def refused_nodegroup(row: Any, nodegroup: Any, outcome: str, op: states.Op) -> None:
    """The 409 of an extra-nodegroup operation the cluster's or the nodegroup's status
    refused (``outcome`` of ``start_nodegroup_operation``); nothing for ``"ok"``. Only a
    refused resize notifies (nodegroup create/delete send no notifications, §15)."""
    if outcome == "ok":
        return
    db = db_api.get_instance()
    if outcome == "cluster":
        current = db.get_cluster(ident=row.uuid, project_id=None)
        if op is states.Op.RESIZE:
            raise _refused(current, op)
        raise exc.ClusterOperationConflict(
            msg=f'Updating a cluster when status is "{current.status}" is not supported.')
    ng = db.get_nodegroup(cluster_uuid=row.uuid, ident=nodegroup.uuid)
    verb = "Deleting" if op is states.Op.NODEGROUP_DELETE else "Updating"
    raise exc.ClusterOperationConflict(
        msg=f'{verb} a nodegroup when status is "{ng.status}" is not supported.')


def delete(row: Any) -> None:
    op = states.Op.DELETE
    updated = db_api.get_instance().update_cluster(
        uuid=row.uuid, expect_status=states.allowed_from(op),
        values={"status": states.start_status(op), "status_reason": None,
                "operation_started_at": None},
        nodegroups={ng.uuid: {"status": states.start_status(op)} for ng in row.nodegroups})
    if updated is None:
        raise _refused(row, op)
    rpcapi.get_api().cluster_delete(common.context(), cluster_uuid=row.uuid)


class ActionsController(routing.Actions):
    """POST /v1/clusters/{ident}/actions/{resize,upgrade}."""

    actions = ("resize", "upgrade")

    def __init__(self, ident: str) -> None:
        self.ident = ident

    @pecan.expose("json")
    def resize(self, **kwargs: str) -> dict[str, Any]:
        """Resize a nodegroup (>= 1.7); nodes_to_remove are removed first."""
        common.require_version(versions.RESIZE, "resize")
        common.no_args(kwargs)
        req = t.parse_body(ctypes.ClusterResizeRequest, "cluster_resize_req", common.body(),
                           common.content_type())
        _zero_nodes(req.node_count)
        from magnum_clone.api.controllers.v1.clusters import get_cluster, target

        row = get_cluster(self.ident)
        ctx = common.context()
        policy.authorize("cluster:resize", ctx, target(row))
        ng = _nodegroup(row, req.nodegroup if req.nodegroup not in (t.Unset, None) else None)
        if ng.role == "master":
            raise exc.Invalid("Resizing the master nodegroup is not supported by this driver.")
        count = req.node_count
        if count < ng.min_node_count or (ng.max_node_count is not None
                                         and count > ng.max_node_count):
            raise exc.Invalid(f"Resizing {ng.name} outside the allowed range: min_node_count = "
                              f"{ng.min_node_count}, max_node_count = {ng.max_node_count}")
        remove = req.nodes_to_remove if req.nodes_to_remove not in (t.Unset, None) else []
        if ng.is_default:
            scale(row, ng, count, remove, False, op=states.Op.RESIZE)
        else:
            scale_nodegroup(row, ng, count, remove)
        common.set_status(202)
        return {"uuid": row.uuid}

    @pecan.expose("json")
    def upgrade(self, **kwargs: str) -> dict[str, Any]:
        """Upgrade (>= 1.8). No driver of ours upgrades in place yet: refused with 400."""
        common.require_version(versions.RESIZE, "upgrade")
        if not common.version().at_least(versions.UPGRADE):
            raise exc.Invalid("Cluster upgrade is not supported in the provided microversion.")
        common.no_args(kwargs)
        req = t.parse_body(ctypes.ClusterUpgradeRequest, "cluster_upgrade_req", common.body(),
                           common.content_type())
        from magnum_clone.api.controllers.v1.clusters import get_cluster, target

        row = get_cluster(self.ident, "cluster:upgrade_all_projects")
        ctx = common.context()
        policy.authorize("cluster:upgrade", ctx, target(row))
        template = db_api.get_instance().get_cluster_template(
            ident=req.cluster_template, project_id=ctx.project_id, is_admin=ctx.is_admin)
        if req.nodegroup not in (t.Unset, None):
            ng = _nodegroup(row, req.nodegroup)
            if template.uuid != row.cluster_template_id and not ng.is_default:
                current = db_api.get_instance().get_cluster_templates(
                    uuids=[row.cluster_template_id]).get(row.cluster_template_id)
                name = current.name if current else row.cluster_template_id
                raise exc.Conflict(f"Cluster Template is not valid for upgrade: Nodegroup "
                                   f"{ng.name} can be upgraded only to match cluster's "
                                   f"template ({name}).")
        if states.Status(row.status) not in states.allowed_from(states.Op.UPGRADE):
            notify_refused(row, states.Op.UPGRADE)
            raise exc.Invalid(f'Upgrading a cluster when status is "{row.status}" is not '
                              "supported.")
        raise exc.Invalid("Upgrading a cluster that uses the Magnum Heat driver is not "
                          "supported.")


def _nodegroup(row: Any, ident: str | None) -> Any:
    for ng in row.nodegroups:
        if ident is None and ng.is_default and ng.role != "master":
            return ng
        if ident is not None and ident in (ng.uuid, ng.name):
            return ng
    raise exc.NodeGroupNotFound(nodegroup=ident)
