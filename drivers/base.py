"""The driver contract: what a COE+distro driver provides and what the conductor calls.

A driver is found once at start-up through the ``magnum_clone.drivers`` entry points
(:mod:`magnum_clone.common.driver_factory`). It declares the ``(server_type, os, coe)`` tuples it
provides, validates its labels, and turns cluster operations into backend calls. Status comes
back through :meth:`Driver.observe`, which must be batched: one backend call for many clusters.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from magnum_clone.common import exceptions as exc
from magnum_clone.common import states


@dataclass(frozen=True)
class Provides:
    server_type: str
    os: str
    coe: str

    def as_dict(self) -> dict[str, str]:
        return {"server_type": self.server_type, "os": self.os, "coe": self.coe}


@dataclass(frozen=True)
class ClusterView:
    """What a driver needs to know about a cluster, its template and nodegroups (plain data).

    ``worker``: set in the view of one extra nodegroup's own stack (:meth:`for_nodegroup`):
    that nodegroup stands in for the worker role and its labels are the labels.
    ``observe_main``: whether :meth:`Driver.observe` should report the cluster's own stack
    (False while only extra nodegroups are busy).
    """

    cluster: Mapping[str, Any]
    template: Mapping[str, Any]
    nodegroups: Sequence[Mapping[str, Any]]
    worker: Mapping[str, Any] | None = None
    observe_main: bool = True

    def nodegroup(self, role: str) -> Mapping[str, Any]:
        if self.worker is not None and role != "master":
            return self.worker
        for ng in self.nodegroups:
            if ng["is_default"] and (ng["role"] == "master") == (role == "master"):
                return ng
        raise exc.NodeGroupNotFound(nodegroup=f"default-{role}")

    def by_uuid(self, uuid: str) -> Mapping[str, Any]:
        for ng in self.nodegroups:
            if ng["uuid"] == uuid:
                return ng
        raise exc.NodeGroupNotFound(nodegroup=uuid)

    @property
    def extra_nodegroups(self) -> list[Mapping[str, Any]]:
        """The nodegroups with stacks of their own (every non-default one)."""
        return [ng for ng in self.nodegroups if not ng["is_default"]]

    def for_nodegroup(self, uuid: str) -> ClusterView:
        """The view an extra nodegroup's stack is rendered from."""
        return dataclasses.replace(self, worker=self.by_uuid(uuid))

    @property
    def labels(self) -> Mapping[str, str]:
        source = self.cluster if self.worker is None else self.worker
        return {k: str(v) for k, v in (source.get("labels") or {}).items()}


@dataclass
class Observation:
    """What the backend says about one cluster right now."""

    status: states.Status | None = None
    reason: str | None = None
    missing: bool = False
    api_address: str | None = None
    master_addresses: list[str] | None = None
    node_addresses: list[str] | None = None
    master_count: int | None = None
    node_count: int | None = None
    coe_version: str | None = None
    container_version: str | None = None
    # when the backend last changed state (naive UTC): an outcome older than the running
    # operation belongs to a previous operation and must not complete this one
    changed_at: datetime.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # the stacks of busy extra nodegroups, by nodegroup uuid (``status``, ``reason``,
    # ``missing``, ``node_addresses``, ``node_count``, ``changed_at`` are filled); a busy
    # nodegroup with a stack that is absent here could not be observed
    nodegroups: dict[str, Observation] = field(default_factory=dict)


class Driver(abc.ABC):
    """Base of every driver. Subclasses set the class attributes and the operations."""

    name: ClassVar[str]
    provides: ClassVar[Sequence[Provides]]
    version: ClassVar[str] = "1.0.0"
    container_version: ClassVar[str | None] = None
    beta: ClassVar[bool] = False
    # whether :meth:`rotate_ca_certificate` / :meth:`rotate_credential` are implemented
    supports_ca_rotation: ClassVar[bool] = False
    supports_credential_rotation: ClassVar[bool] = False

    @property
    def template_path(self) -> str | None:
        return None

    # ---- validation (called by the API before anything is stored) -------------------------
    def validate_labels(self, labels: Mapping[str, str]) -> None:  # noqa: B027 - optional hook
        """Raise :class:`exc.InvalidParameterValue` naming a bad label and its allowed values."""

    def validate_master_size(self, master_count: int) -> None:
        if master_count < 1 or master_count % 2 == 0:
            raise exc.Invalid(f"master nodegroup size of {master_count} is invalid, size "
                              "cannot be an even number.")

    # ---- operations (called by the conductor) ---------------------------------------------
    @abc.abstractmethod
    def create_cluster(self, context: Any, view: ClusterView, timeout_minutes: int) -> str:
        """Start provisioning; returns the backend id (Heat stack id)."""

    @abc.abstractmethod
    def scale_cluster(self, context: Any, view: ClusterView, *, nodegroup: Mapping[str, Any],
                      node_count: int, nodes_to_remove: Sequence[str], rollback: bool) -> None:
        """Change the node count of a nodegroup (count already stored)."""

    @abc.abstractmethod
    def delete_cluster(self, context: Any, view: ClusterView) -> None:
        """Start deleting; the reconcile loop removes the rows when the backend is gone."""

    @abc.abstractmethod
    def observe(self, context: Any, views: Sequence[ClusterView]) -> dict[str, Observation]:
        """Current backend state of many clusters at once, keyed by cluster uuid."""

    def rotate_ca_certificate(self, context: Any, view: ClusterView) -> None:
        """Push the cluster's new CAs (already stored on the row) to the cluster."""
        raise exc.Invalid("'rotate_ca_certificate' is not supported by this driver.")

    def rotate_credential(self, context: Any, view: ClusterView) -> None:
        """Push the cluster's new OpenStack credential (already stored on the row)."""
        raise exc.Invalid("Credential rotation is not supported by driver.")

    def find_backend_id(self, context: Any, view: ClusterView) -> str | None:
        """After a crash: the backend id of a cluster whose id was never stored, if any."""
        return None

    # ---- extra nodegroups (reference §5; each has a backend resource of its own) ----------
    def supports_nodegroups(self) -> bool:
        """Whether :meth:`create_nodegroup` / :meth:`delete_nodegroup` are implemented (the
        API refuses with 400 otherwise)."""
        return False

    def create_nodegroup(self, context: Any, view: ClusterView, nodegroup_uuid: str,
                         timeout_minutes: int) -> str:
        """Start provisioning the extra nodegroup ``nodegroup_uuid`` of ``view`` (its row is
        stored, CREATE_IN_PROGRESS); returns its backend id (Heat: its stack id)."""
        raise exc.Invalid("Creating nodegroups is not supported by this driver yet.")

    def delete_nodegroup(self, context: Any, view: ClusterView, nodegroup_uuid: str) -> bool:
        """Start deleting an extra nodegroup's backend resource; False if there is none (the
        caller then removes the row at once)."""
        raise exc.Invalid("Deleting nodegroups is not supported by this driver yet.")

    def find_nodegroup_backend_id(self, context: Any, view: ClusterView,
                                  nodegroup_uuid: str) -> str | None:
        """After a crash: the backend id of an extra nodegroup whose id was never stored."""
        return None
