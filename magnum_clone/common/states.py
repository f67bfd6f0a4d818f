"""The one declared status state machine of clusters and nodegroups.

Every status change in the service goes through :func:`check_transition` /
the DB's compare-and-set (``db.api.Connection.cas_cluster_status``), using the tables below.
Heat stack states are mapped to these values at the driver edge (:func:`from_stack_status`);
nowhere else matches statuses by suffix.

Usage::

    allowed = states.allowed_from(states.Op.UPDATE)   # statuses an update may start from
    new = states.start_status(states.Op.UPDATE)        # UPDATE_IN_PROGRESS
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Status(str, enum.Enum):
    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    CREATE_FAILED = "CREATE_FAILED"
    CREATE_COMPLETE = "CREATE_COMPLETE"
    UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
    UPDATE_FAILED = "UPDATE_FAILED"
    UPDATE_COMPLETE = "UPDATE_COMPLETE"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    DELETE_FAILED = "DELETE_FAILED"
    DELETE_COMPLETE = "DELETE_COMPLETE"
    RESUME_COMPLETE = "RESUME_COMPLETE"
    RESUME_FAILED = "RESUME_FAILED"
    RESTORE_COMPLETE = "RESTORE_COMPLETE"
    ROLLBACK_IN_PROGRESS = "ROLLBACK_IN_PROGRESS"
    ROLLBACK_FAILED = "ROLLBACK_FAILED"
    ROLLBACK_COMPLETE = "ROLLBACK_COMPLETE"
    SNAPSHOT_COMPLETE = "SNAPSHOT_COMPLETE"
    CHECK_COMPLETE = "CHECK_COMPLETE"
    ADOPT_COMPLETE = "ADOPT_COMPLETE"

    def __str__(self) -> str:
        return self.value


S = Status

ALL: tuple[str, ...] = tuple(s.value for s in Status)

COMPLETE: frozenset[Status] = frozenset({
    S.CREATE_COMPLETE, S.UPDATE_COMPLETE, S.RESUME_COMPLETE, S.RESTORE_COMPLETE,
    S.ROLLBACK_COMPLETE, S.SNAPSHOT_COMPLETE, S.CHECK_COMPLETE, S.ADOPT_COMPLETE,
})
FAILED: frozenset[Status] = frozenset({
    S.CREATE_FAILED, S.UPDATE_FAILED, S.DELETE_FAILED, S.ROLLBACK_FAILED, S.RESUME_FAILED,
})
IN_PROGRESS: frozenset[Status] = frozenset({
    S.CREATE_IN_PROGRESS, S.UPDATE_IN_PROGRESS, S.DELETE_IN_PROGRESS, S.ROLLBACK_IN_PROGRESS,
})


class Op(str, enum.Enum):
    """Operations a user (or the conductor) starts on a cluster."""

    CREATE = "create"
    UPDATE = "update"
    RESIZE = "resize"
    UPGRADE = "upgrade"
    CA_ROTATE = "ca_rotate"
    CREDENTIAL_ROTATE = "credential_rotate"
    NODEGROUP = "nodegroup"
    NODEGROUP_CREATE = "nodegroup_create"
    NODEGROUP_DELETE = "nodegroup_delete"
    DELETE = "delete"


_ANY: frozenset[Status] = frozenset(Status)
_DELETING: frozenset[Status] = frozenset({S.DELETE_IN_PROGRESS, S.DELETE_FAILED,
                                          S.DELETE_COMPLETE})

# operation -> (statuses it may start from, status it moves the cluster to)
_OPERATIONS: dict[Op, tuple[frozenset[Status], Status | None]] = {
    Op.CREATE: (frozenset(), S.CREATE_IN_PROGRESS),
    Op.UPDATE: (COMPLETE, S.UPDATE_IN_PROGRESS),
    # resize may retry a failed or running update (autoscalers do that)
    Op.RESIZE: (COMPLETE | {S.UPDATE_FAILED, S.UPDATE_IN_PROGRESS}, S.UPDATE_IN_PROGRESS),
    Op.UPGRADE: (COMPLETE, S.UPDATE_IN_PROGRESS),
    Op.CA_ROTATE: (COMPLETE, S.UPDATE_IN_PROGRESS),
    Op.CREDENTIAL_ROTATE: (COMPLETE | {S.UPDATE_IN_PROGRESS, S.UPDATE_FAILED}, None),
    Op.NODEGROUP: (COMPLETE | {S.UPDATE_IN_PROGRESS, S.UPDATE_FAILED}, S.UPDATE_IN_PROGRESS),
    # adding or removing an extra nodegroup (its own stack) may run beside other nodegroup
    # operations and resizes; the cluster is UPDATE_IN_PROGRESS until all of them finished
    Op.NODEGROUP_CREATE: (COMPLETE | {S.UPDATE_IN_PROGRESS, S.UPDATE_FAILED},
                          S.UPDATE_IN_PROGRESS),
    Op.NODEGROUP_DELETE: (COMPLETE | {S.UPDATE_IN_PROGRESS, S.UPDATE_FAILED},
                          S.UPDATE_IN_PROGRESS),
    # delete is accepted from any status, including a delete already running (idempotent)
    Op.DELETE: (_ANY - {S.DELETE_COMPLETE}, S.DELETE_IN_PROGRESS),
}

# operations on one extra nodegroup (its own stack) -> (statuses of the *nodegroup* it may
# start from, status the nodegroup takes); the cluster's own check is _OPERATIONS above
_NODEGROUP_OPERATIONS: dict[Op, tuple[frozenset[Status], Status]] = {
    Op.NODEGROUP_CREATE: (frozenset(), S.CREATE_IN_PROGRESS),
    # a resize of an extra nodegroup waits for nothing: refused while its stack is busy
    Op.RESIZE: (COMPLETE | {S.UPDATE_FAILED}, S.UPDATE_IN_PROGRESS),
    # delete is accepted whatever the nodegroup is doing (a create in flight is abandoned)
    Op.NODEGROUP_DELETE: (_ANY - {S.DELETE_COMPLETE}, S.DELETE_IN_PROGRESS),
}

# outcome transitions the backend (Heat) reports: in-progress status -> legal final statuses
OUTCOMES: dict[Status, frozenset[Status]] = {
    S.CREATE_IN_PROGRESS: frozenset({S.CREATE_COMPLETE, S.CREATE_FAILED}),
    S.UPDATE_IN_PROGRESS: frozenset({S.UPDATE_COMPLETE, S.UPDATE_FAILED, S.ROLLBACK_IN_PROGRESS,
                                     S.ROLLBACK_COMPLETE, S.ROLLBACK_FAILED}),
    S.ROLLBACK_IN_PROGRESS: frozenset({S.ROLLBACK_COMPLETE, S.ROLLBACK_FAILED}),
    S.DELETE_IN_PROGRESS: frozenset({S.DELETE_COMPLETE, S.DELETE_FAILED}),
}


def allowed_from(op: Op) -> frozenset[Status]:
    """Statuses from which ``op`` may start."""
    return _OPERATIONS[op][0]


def start_status(op: Op) -> Status | None:
    """Status the cluster takes when ``op`` starts (None: unchanged)."""
    return _OPERATIONS[op][1]


def nodegroup_allowed_from(op: Op) -> frozenset[Status]:
    """Statuses of an extra nodegroup from which ``op`` may start on it."""
    return _NODEGROUP_OPERATIONS[op][0]


def nodegroup_start_status(op: Op) -> Status:
    """Status an extra nodegroup takes when ``op`` starts on it."""
    return _NODEGROUP_OPERATIONS[op][1]


def aggregate(nodegroups: Iterable[tuple[str, str | None, bool]]) -> tuple[Status, list[str]]:
    """The cluster status derived from its nodegroups' (reference §12.3), for a cluster
    whose extra nodegroups have their own stacks: ``(name, status, is_default_master)``
    triples -> (status, names of the failed nodegroups).

    The class present first in the order *in progress*, *failed*, *complete* wins; the
    action is DELETE while the default master nodegroup is being deleted (the cluster is),
    else UPDATE (a cluster whose nodegroups all completed has been updated, whatever its
    nodegroups were created or last updated with).
    """
    rows = [(name, Status(status) if status else S.CREATE_COMPLETE, master)
            for name, status, master in nodegroups]
    deleting = any(master and st in _DELETING for _n, st, master in rows)
    failed = [name for name, st, _m in rows if st in FAILED]
    if any(st in IN_PROGRESS for _n, st, _m in rows):
        return (S.DELETE_IN_PROGRESS if deleting else S.UPDATE_IN_PROGRESS), failed
    if failed:
        return (S.DELETE_FAILED if deleting else S.UPDATE_FAILED), failed
    return (S.DELETE_COMPLETE if deleting else S.UPDATE_COMPLETE), failed


def failed_reason(names: Iterable[str]) -> str:
    """The cluster's reason when nodegroups failed: ``"<ng> failed, <ng2> failed"``."""
    return ", ".join(f"{n} failed" for n in names)


def can_start(op: Op, current: str) -> bool:
    return Status(current) in _OPERATIONS[op][0]


def is_outcome(current: str, new: str) -> bool:
    """True if ``new`` is a legal final status for the in-progress status ``current``."""
    return Status(new) in OUTCOMES.get(Status(current), frozenset())


def failed_status_for(current: str) -> Status:
    """The failure status matching an in-progress status (for timeouts and lost stacks)."""
    return {
        S.CREATE_IN_PROGRESS: S.CREATE_FAILED,
        S.UPDATE_IN_PROGRESS: S.UPDATE_FAILED,
        S.ROLLBACK_IN_PROGRESS: S.ROLLBACK_FAILED,
        S.DELETE_IN_PROGRESS: S.DELETE_FAILED,
    }.get(Status(current), S.UPDATE_FAILED)


# Heat stack_status values -> ours. Heat's INIT_* and SUSPEND_* never reach a cluster.
_STACK_MAP: dict[str, Status] = {s.value: s for s in Status}
_STACK_MAP.update({
    "INIT_COMPLETE": S.CREATE_IN_PROGRESS,
    "INIT_IN_PROGRESS": S.CREATE_IN_PROGRESS,
    "INIT_FAILED": S.CREATE_FAILED,
    "RESUME_IN_PROGRESS": S.UPDATE_IN_PROGRESS,
    "SUSPEND_COMPLETE": S.UPDATE_COMPLETE,
    "SUSPEND_IN_PROGRESS": S.UPDATE_IN_PROGRESS,
    "SUSPEND_FAILED": S.UPDATE_FAILED,
    "CHECK_IN_PROGRESS": S.UPDATE_IN_PROGRESS,
    "CHECK_FAILED": S.UPDATE_FAILED,
    "SNAPSHOT_IN_PROGRESS": S.UPDATE_IN_PROGRESS,
    "SNAPSHOT_FAILED": S.UPDATE_FAILED,
    "RESTORE_IN_PROGRESS": S.UPDATE_IN_PROGRESS,
    "RESTORE_FAILED": S.UPDATE_FAILED,
    "ADOPT_IN_PROGRESS": S.CREATE_IN_PROGRESS,
    "ADOPT_FAILED": S.CREATE_FAILED,
})


def from_stack_status(stack_status: str) -> Status:
    """Map a Heat ``stack_status`` to a cluster status (driver edge only)."""
    try:
        return _STACK_MAP[stack_status]
    except KeyError:
        raise ValueError(f"unknown stack status {stack_status!r}") from None


class HealthStatus(str, enum.Enum):
    HEALTHY = "HEALTHY"
    UNHEALTHY = "UNHEALTHY"
    UNKNOWN = "UNKNOWN"
