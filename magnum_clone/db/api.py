"""The one DB interface of the service.

Controllers and the conductor call :func:`get_instance` and the named methods of
:class:`Connection`; SQLAlchemy stays behind it (``db/sqlalchemy/api.py``). Methods take
keyword-only, typed arguments. Visibility is explicit: ``project_id=None`` means every project
(admins), otherwise only that project's rows. Status changes are compare-and-set
(:meth:`Connection.update_cluster` with ``expect_status``) so concurrent writers cannot race.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from magnum_clone.db.sqlalchemy import models


class Connection(abc.ABC):
    # ---- cluster templates -------------------------------------------------------------
    @abc.abstractmethod
    def create_cluster_template(self, *, values: Mapping[str, Any]) -> models.ClusterTemplate:
        """Insert a template; 409 if its uuid exists."""

    @abc.abstractmethod
    def get_cluster_template(self, *, ident: str, project_id: str | None,
                             is_admin: bool = False) -> models.ClusterTemplate:
        """One template by uuid (if ``ident`` looks like one) or name, visible to the caller."""

    @abc.abstractmethod
    def list_cluster_templates(self, *, project_id: str | None, is_admin: bool, limit: int,
                               marker: str | None, sort_key: str,
                               sort_dir: str) -> list[models.ClusterTemplate]:
        """A page of the templates visible to the caller."""

    @abc.abstractmethod
    def update_cluster_template(self, *, uuid: str, values: Mapping[str, Any],
                                refuse_if_in_use: bool = False) -> models.ClusterTemplate:
        """Update a template; with ``refuse_if_in_use``, refuse (400) when any cluster
        references it, checked in the same transaction as the write."""

    @abc.abstractmethod
    def destroy_cluster_template(self, *, uuid: str) -> None:
        """Delete a template, atomically refusing when any cluster references it."""

    @abc.abstractmethod
    def cluster_template_in_use(self, *, uuid: str) -> bool:
        ...

    # ---- clusters ----------------------------------------------------------------------
    @abc.abstractmethod
    def create_cluster(self, *, values: Mapping[str, Any],
                       nodegroups: Sequence[Mapping[str, Any]],
                       quota_limit: int | None = None) -> models.Cluster:
        """Insert a cluster and its nodegroups in one transaction; with ``quota_limit``, refuse
        (ResourceLimitExceeded) when the project already has that many clusters."""

    @abc.abstractmethod
    def get_cluster(self, *, ident: str, project_id: str | None) -> models.Cluster:
        """One cluster (with nodegroups) by uuid or name."""

    @abc.abstractmethod
    def list_clusters(self, *, project_id: str | None, limit: int | None = None,
                      marker: str | None = None, sort_key: str = "id", sort_dir: str = "asc",
                      statuses: Iterable[str] | None = None) -> list[models.Cluster]:
        """A page of clusters with their nodegroups, in two queries whatever the page size.

        Returns plain records (attribute access); nodegroup records omit the per-node JSON
        fields (labels, node_labels, node_taints), which :meth:`get_cluster` has."""

    @abc.abstractmethod
    def update_cluster(self, *, uuid: str, values: Mapping[str, Any],
                       expect_status: Iterable[str] | None = None,
                       nodegroups: Mapping[str, Mapping[str, Any]] | None = None,
                       remember_counts: Iterable[str] = ()) -> models.Cluster | None:
        """Update a cluster (and, in the same transaction, some of its nodegroups by uuid).
        With ``expect_status``, only if its status is one of them (compare-and-set); returns
        None when the condition did not hold.

        ``remember_counts``: nodegroup uuids whose current ``node_count`` is kept as
        ``previous_node_count`` (unless one is kept already: the count before the first of
        several unfinished scales) before ``nodegroups`` is applied, in the same transaction."""

    @abc.abstractmethod
    def get_cluster_templates(self, *, uuids: Iterable[str]) -> dict[str, models.ClusterTemplate]:
        """Templates by uuid, in one query (for rendering label differences of a page)."""

    @abc.abstractmethod
    def claim_cluster(self, *, uuid: str, status: str, deadline: Any,
                      stale_before: Any = None) -> models.Cluster | None:
        """Claim the running operation of a cluster for this conductor: only if its status is
        ``status`` and the operation is unclaimed (or claimed before ``stale_before``: its
        conductor died). Sets the start time and ``deadline``; None if not claimed."""

    @abc.abstractmethod
    def claim_pending_scale(self, *, uuid: str, seen_started: Any, started: Any,
                            deadline: Any) -> models.Cluster | None:
        """Claim the re-issue of a deferred scale (``pending_scale``): only if the cluster is
        UPDATE_IN_PROGRESS, a scale is pending and ``operation_started_at`` is still
        ``seen_started`` (so two passes never both send it). Sets the new start time and
        ``deadline``; None if not claimed."""

    @abc.abstractmethod
    def destroy_cluster(self, *, uuid: str) -> None:
        """Delete a cluster and its nodegroups."""

    @abc.abstractmethod
    def count_clusters(self, *, project_id: str | None) -> int:
        ...

    # ---- nodegroups --------------------------------------------------------------------
    @abc.abstractmethod
    def list_nodegroups(self, *, cluster_uuid: str) -> list[models.NodeGroup]:
        ...

    @abc.abstractmethod
    def update_nodegroup(self, *, uuid: str, values: Mapping[str, Any],
                         expect_status: Iterable[str] | None = None) -> models.NodeGroup | None:
        """Update one nodegroup; with ``expect_status``, only if its status is one of them
        (compare-and-set; None when the condition did not hold)."""

    @abc.abstractmethod
    def get_nodegroup(self, *, cluster_uuid: str, ident: str) -> models.NodeGroup:
        """One nodegroup of a cluster by uuid (if ``ident`` looks like one) or name."""

    @abc.abstractmethod
    def page_nodegroups(self, *, cluster_uuid: str, limit: int | None, marker: str | None,
                        sort_key: str = "id", sort_dir: str = "asc",
                        role: str | None = None) -> list[Any]:
        """A page of a cluster's nodegroups (plain records), optionally of one role."""

    @abc.abstractmethod
    def create_nodegroup(self, *, values: Mapping[str, Any]) -> models.NodeGroup:
        """Insert a nodegroup (``cluster_id`` = cluster uuid); 409 on a name clash."""

    @abc.abstractmethod
    def destroy_nodegroup(self, *, uuid: str) -> None:
        """Delete one nodegroup; NodeGroupNotFound (404) if missing."""

    # ---- extra nodegroups (their own stacks; reference §5, §12.2, §12.3) ---------------
    @abc.abstractmethod
    def add_nodegroup(self, *, values: Mapping[str, Any], cluster_expect: Iterable[str],
                      cluster_values: Mapping[str, Any]) -> models.NodeGroup | None:
        """Insert an extra nodegroup (``cluster_id`` = cluster uuid) and, in the same
        transaction, update its cluster: only if the cluster's status is one of
        ``cluster_expect`` (compare-and-set; None and nothing written otherwise).
        Duplicate (409) on a name clash, ClusterNotFound if the cluster is gone."""

    @abc.abstractmethod
    def start_nodegroup_operation(self, *, cluster_uuid: str, nodegroup_uuid: str,
                                  cluster_expect: Iterable[str],
                                  cluster_values: Mapping[str, Any],
                                  nodegroup_expect: Iterable[str],
                                  nodegroup_values: Mapping[str, Any],
                                  remember_count: bool = False) -> str:
        """Start an operation on one extra nodegroup: compare-and-set on both the cluster's
        and the nodegroup's status, both rows written in one transaction. Returns ``"ok"``,
        or which status refused it (``"cluster"``, ``"nodegroup"``; nothing written).
        ``remember_count``: keep the nodegroup's count as ``previous_node_count`` first
        (unless one is kept already). NodeGroupNotFound if the nodegroup is gone."""

    @abc.abstractmethod
    def claim_nodegroup(self, *, uuid: str, status: str, deadline: Any,
                        stale_before: Any = None) -> models.NodeGroup | None:
        """Claim the running operation of an extra nodegroup for this conductor: only if its
        status is ``status`` and the operation is unclaimed (or claimed before
        ``stale_before``). Sets the start time and ``deadline``; None if not claimed."""

    @abc.abstractmethod
    def settle_cluster(self, *, uuid: str, values: Mapping[str, Any],
                       nodegroups: Mapping[str, Mapping[str, Any]] | None = None,
                       expect_status: Iterable[str] | None = None,
                       expect_nodegroups: Mapping[str, Iterable[str]] | None = None,
                       destroy_nodegroups: Iterable[str] = ()) -> models.Cluster | None:
        """Write an outcome: nodegroup values (by uuid), nodegroup rows removed, and the
        cluster's values, in one transaction that locks the cluster row first. Refused
        (None, nothing written) when the cluster is gone or its status is not one of
        ``expect_status``, or a nodegroup of ``expect_nodegroups`` is gone or not in one of
        its statuses.

        The cluster's status is ``values["status"]`` when the cluster has only its default
        nodegroups (their one stack is the cluster's); otherwise, and whenever no status is
        given, it is derived from every nodegroup's status as written
        (:func:`magnum_clone.common.states.aggregate`): a failure's reason names the failed
        nodegroups, an in-progress status keeps the reason it had."""

    # ---- federations (reference §11) ---------------------------------------------------
    @abc.abstractmethod
    def create_federation(self, *, values: Mapping[str, Any]) -> models.Federation:
        """Insert a federation; Duplicate (409) if its uuid exists."""

    @abc.abstractmethod
    def get_federation(self, *, ident: str, project_id: str | None) -> models.Federation:
        """One federation by uuid (if ``ident`` looks like one) or name; FederationNotFound
        (404), Duplicate (409) for a name several federations have."""

    @abc.abstractmethod
    def list_federations(self, *, project_id: str | None, limit: int | None = None,
                         marker: str | None = None, sort_key: str = "id",
                         sort_dir: str = "asc") -> list[Any]:
        """A page of federations (plain records)."""

    @abc.abstractmethod
    def update_federation(self, *, uuid: str, values: Mapping[str, Any],
                          expect: Mapping[str, Any] | None = None
                          ) -> models.Federation | None:
        """Update a federation; with ``expect``, only if each of those columns still holds
        that value (compare-and-set in one transaction: two member changes read from the same
        list cannot both win); None when the condition did not hold. FederationNotFound
        (404) if missing."""

    @abc.abstractmethod
    def destroy_federation(self, *, uuid: str) -> None:
        """Delete a federation; FederationNotFound (404) if missing."""

    # ---- x509 key pairs (the x509keypair cert manager's storage) -------------------------
    @abc.abstractmethod
    def create_x509keypair(self, *, values: Mapping[str, Any]) -> str:
        """Insert a row (``certificate``, ``private_key``, ``private_key_passphrase``, optional
        ``project_id``/``user_id``); returns its new uuid."""

    @abc.abstractmethod
    def get_x509keypair(self, *, uuid: str) -> dict[str, Any] | None:
        """The row as a dict of its columns, or None."""

    @abc.abstractmethod
    def destroy_x509keypair(self, *, uuid: str) -> bool:
        """Delete the row; True if one was deleted."""

    # ---- services ----------------------------------------------------------------------
    @abc.abstractmethod
    def heartbeat_service(self, *, host: str, binary: str) -> models.MagnumService:
        """Create the (host, binary) row if missing and count one more report."""

    @abc.abstractmethod
    def list_services(self) -> list[models.MagnumService]:
        ...

    # ---- quotas ------------------------------------------------------------------------
    @abc.abstractmethod
    def get_quota_limit(self, *, project_id: str, resource: str) -> int | None:
        ...

    @abc.abstractmethod
    def create_quota(self, *, values: Mapping[str, Any]) -> models.Quota:
        """Insert a quota row (``project_id``, ``resource``, ``hard_limit``); 409 when the
        project already has one for that resource."""

    @abc.abstractmethod
    def get_quota(self, *, project_id: str, resource: str) -> models.Quota:
        """One quota row; QuotaNotFound (404) if missing."""

    @abc.abstractmethod
    def list_quotas(self, *, project_id: str | None, limit: int | None = None,
                    marker: int | None = None, sort_key: str = "id",
                    sort_dir: str = "asc") -> list[models.Quota]:
        """A page of quota rows (``marker`` is the integer ``id`` of the last row seen)."""

    @abc.abstractmethod
    def update_quota(self, *, project_id: str, resource: str,
                     values: Mapping[str, Any]) -> models.Quota:
        """Update one quota row; QuotaNotFound (404) if missing."""

    @abc.abstractmethod
    def destroy_quota(self, *, project_id: str, resource: str) -> None:
        """Delete one quota row; QuotaNotFound (404) if missing."""

    # ---- stats -------------------------------------------------------------------------
    @abc.abstractmethod
    def cluster_stats(self, *, project_id: str | None) -> tuple[int, int]:
        """(number of clusters, sum of node_count over all their nodegroups, masters
        included) of one project, or of every project when ``project_id`` is None."""


_INSTANCE: Connection | None = None


def get_instance() -> Connection:
    """The process-wide DB connection object."""
    global _INSTANCE
    if _INSTANCE is None:
        from magnum_clone.db.sqlalchemy import api as sa_api

        _INSTANCE = sa_api.SQLAlchemyConnection()
    return _INSTANCE
