"""SQLAlchemy implementation of :class:`magnum_clone.db.api.Connection` (oslo.db enginefacade).

The engine and session plumbing lives in :mod:`.session` (``reset_engine``/``get_engine`` are
re-exported here), the nodegroup queries in :mod:`.nodegroups`, the federation queries in
:mod:`.federations`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as db_utils
from oslo_utils import uuidutils
from sqlalchemy.orm import Session, selectinload

from magnum_clone.common import exceptions as exc
from magnum_clone.db import api
from magnum_clone.db.sqlalchemy import models
from magnum_clone.db.sqlalchemy.federations import FederationQueries
from magnum_clone.db.sqlalchemy.nodegroups import NodeGroupQueries
from magnum_clone.db.sqlalchemy.session import (
    _LIST_NG_COLUMNS,
    _by_ident,
    _columns,
    _one,
    _paginate,
    _reader,
    _records,
    _template_visibility,
    _writer,
)
from magnum_clone.db.sqlalchemy.session import get_engine as get_engine  # re-exported
from magnum_clone.db.sqlalchemy.session import reset_engine as reset_engine  # re-exported


class SQLAlchemyConnection(NodeGroupQueries, FederationQueries, api.Connection):
    # ---- cluster templates -------------------------------------------------------------
    def create_cluster_template(self, *, values: Mapping[str, Any]) -> models.ClusterTemplate:
        row = models.ClusterTemplate(**values)
        try:
            with _writer() as session:
                session.add(row)
                session.flush()
        except db_exc.DBDuplicateEntry:
            raise exc.ClusterTemplateAlreadyExists(uuid=values.get("uuid")) from None
        return row

    def get_cluster_template(self, *, ident: str, project_id: str | None,
                             is_admin: bool = False) -> models.ClusterTemplate:
        with _reader() as session:
            q = _template_visibility(session.query(models.ClusterTemplate), project_id, is_admin)
            return _one(_by_ident(q, models.ClusterTemplate, ident),
                        exc.ClusterTemplateNotFound(clustertemplate=ident),
                        "Multiple ClusterTemplates exist with same name. "
                        "Please use the ClusterTemplate uuid instead.")

    def list_cluster_templates(self, *, project_id: str | None, is_admin: bool, limit: int,
                               marker: str | None, sort_key: str,
                               sort_dir: str) -> list[models.ClusterTemplate]:
        with _reader() as session:
            q = session.query(*_columns(models.ClusterTemplate))
            q = _template_visibility(q, project_id, is_admin)
            return (_paginate(
                session, q, models.ClusterTemplate, limit=limit, marker=marker,
                sort_key=sort_key, sort_dir=sort_dir,
                marker_missing=exc.ClusterTemplateNotFound(clustertemplate=marker)))

    def update_cluster_template(self, *, uuid: str, values: Mapping[str, Any],
                                refuse_if_in_use: bool = False) -> models.ClusterTemplate:
        with _writer() as session:
            row = session.query(models.ClusterTemplate).filter_by(uuid=uuid).one_or_none()
            if row is None:
                raise exc.ClusterTemplateNotFound(clustertemplate=uuid)
            if refuse_if_in_use and self._in_use(session, uuid):
                raise exc.ClusterTemplateReferenced(clustertemplate=uuid)
            for k, v in values.items():
                setattr(row, k, v)
            session.flush()
            return row

    @staticmethod
    def _in_use(session: Session, uuid: str) -> bool:
        q = session.query(models.Cluster.id).filter_by(cluster_template_id=uuid).limit(1)
        return q.first() is not None

    def destroy_cluster_template(self, *, uuid: str) -> None:
        with _writer() as session:
            if self._in_use(session, uuid):
                raise exc.ClusterTemplateReferenced(clustertemplate=uuid)
            n = session.query(models.ClusterTemplate).filter_by(uuid=uuid).delete()
            if not n:
                raise exc.ClusterTemplateNotFound(clustertemplate=uuid)

    def cluster_template_in_use(self, *, uuid: str) -> bool:
        with _reader() as session:
            return self._in_use(session, uuid)

    # ---- clusters ----------------------------------------------------------------------
    @oslo_db_api.wrap_db_retry(max_retries=10, retry_on_deadlock=True)
    def create_cluster(self, *, values: Mapping[str, Any],
                       nodegroups: Sequence[Mapping[str, Any]],
                       quota_limit: int | None = None) -> models.Cluster:
        with _writer() as session:
            if quota_limit is not None:
                n = _locked_cluster_count(session, values["project_id"])
                if n >= quota_limit:
                    raise exc.ClusterQuotaExceeded(limit=quota_limit)
            row = models.Cluster(**values)
            session.add(row)
            for ng in nodegroups:
                session.add(models.NodeGroup(cluster_id=row.uuid, **ng))
            session.flush()
        return self.get_cluster(ident=values["uuid"], project_id=None)

    def get_cluster(self, *, ident: str, project_id: str | None) -> models.Cluster:
        with _reader() as session:
            q = session.query(models.Cluster).options(selectinload(models.Cluster.nodegroups))
            if project_id is not None:
                q = q.filter(models.Cluster.project_id == project_id)
            return _one(_by_ident(q, models.Cluster, ident), exc.ClusterNotFound(cluster=ident),
                        "Multiple clusters exist with same name. "
                        "Please use the cluster uuid instead.")

    def list_clusters(self, *, project_id: str | None, limit: int | None = None,
                      marker: str | None = None, sort_key: str = "id", sort_dir: str = "asc",
                      statuses: Iterable[str] | None = None) -> list[models.Cluster]:
        with _reader() as session:
            q = session.query(*_columns(models.Cluster))
            if project_id is not None:
                q = q.filter(models.Cluster.project_id == project_id)
            if statuses is not None:
                q = q.filter(models.Cluster.status.in_(list(statuses)))
            clusters = (_paginate(
                session, q, models.Cluster, limit=limit, marker=marker, sort_key=sort_key,
                sort_dir=sort_dir, marker_missing=exc.ClusterNotFound(cluster=marker)))
            by_cluster: dict[str, list[Any]] = {c.uuid: [] for c in clusters}
            if by_cluster:
                # the per-node JSON fields (labels, node_labels, node_taints) are not needed
                # by lists or the reconcile loop; skipping them halves the decoding cost
                ngq = session.query(*_LIST_NG_COLUMNS).filter(
                    models.NodeGroup.cluster_id.in_(list(by_cluster))).order_by(
                    models.NodeGroup.id)
                for ng in _records(session.connection().execute(ngq.statement)):
                    by_cluster[ng.cluster_id].append(ng)
            for c in clusters:
                c.nodegroups = by_cluster[c.uuid]
            return clusters

    def update_cluster(self, *, uuid: str, values: Mapping[str, Any],
                       expect_status: Iterable[str] | None = None,
                       nodegroups: Mapping[str, Mapping[str, Any]] | None = None,
                       remember_counts: Iterable[str] = ()) -> models.Cluster | None:
        with _writer() as session:
            q = session.query(models.Cluster).filter(models.Cluster.uuid == uuid)
            if expect_status is not None:
                q = q.filter(models.Cluster.status.in_([str(s) for s in expect_status]))
            vals = {k: (str(v) if k == "status" else v) for k, v in values.items()}
            vals["updated_at"] = models.utcnow()
            n = q.update(vals, synchronize_session=False)
            if not n:
                if expect_status is None:
                    raise exc.ClusterNotFound(cluster=uuid)
                return None
            remember = list(remember_counts)
            if remember:
                # its own statement, before the new counts are written: MariaDB evaluates a
                # multi-column SET left to right, so it must not share one with node_count
                NG = models.NodeGroup
                session.query(NG).filter(NG.cluster_id == uuid, NG.uuid.in_(remember)).update(
                    {NG.previous_node_count: sa.func.coalesce(NG.previous_node_count,
                                                              NG.node_count)},
                    synchronize_session=False)
            for ng_uuid, ng_vals in (nodegroups or {}).items():
                ng_vals = {k: (str(v) if k == "status" else v) for k, v in ng_vals.items()}
                session.query(models.NodeGroup).filter_by(uuid=ng_uuid, cluster_id=uuid).update(
                    {**ng_vals, "updated_at": models.utcnow()}, synchronize_session=False)
        return self.get_cluster(ident=uuid, project_id=None)

    def get_cluster_templates(self, *, uuids: Iterable[str]) -> dict[str, models.ClusterTemplate]:
        wanted = list(set(uuids))
        if not wanted:
            return {}
        with _reader() as session:
            rows = session.query(models.ClusterTemplate).filter(
                models.ClusterTemplate.uuid.in_(wanted)).all()
            return {r.uuid: r for r in rows}

    def claim_cluster(self, *, uuid: str, status: str, deadline: Any,
                      stale_before: Any = None) -> models.Cluster | None:
        now = models.utcnow()
        with _writer() as session:
            C = models.Cluster
            cond: Any = C.operation_started_at.is_(None)
            if stale_before is not None:
                cond = sa.or_(cond, C.operation_started_at < stale_before)
            n = session.query(C).filter(C.uuid == uuid, C.status == str(status), cond).update(
                {"operation_started_at": now, "operation_deadline": deadline},
                synchronize_session=False)
            if not n:
                return None
        return self.get_cluster(ident=uuid, project_id=None)

    def claim_pending_scale(self, *, uuid: str, seen_started: Any, started: Any,
                            deadline: Any) -> models.Cluster | None:
        with _writer() as session:
            C = models.Cluster
            same: Any = (C.operation_started_at.is_(None) if seen_started is None
                         else C.operation_started_at == seen_started)
            n = session.query(C).filter(
                C.uuid == uuid, C.status == "UPDATE_IN_PROGRESS", C.pending_scale.isnot(None),
                same).update({"operation_started_at": started, "operation_deadline": deadline,
                              "updated_at": models.utcnow()}, synchronize_session=False)
            if not n:
                return None
        return self.get_cluster(ident=uuid, project_id=None)

    def destroy_cluster(self, *, uuid: str) -> None:
        with _writer() as session:
            session.query(models.NodeGroup).filter_by(cluster_id=uuid).delete()
            session.query(models.Cluster).filter_by(uuid=uuid).delete()

    def count_clusters(self, *, project_id: str | None) -> int:
        with _reader() as session:
            q = session.query(sa.func.count(models.Cluster.id))
            if project_id is not None:
                q = q.filter(models.Cluster.project_id == project_id)
            return int(q.scalar() or 0)

    # ---- x509 key pairs ----------------------------------------------------------------
    _X509_WRITABLE = ("certificate", "private_key", "private_key_passphrase", "intermediates",
                      "project_id", "user_id")

    def create_x509keypair(self, *, values: Mapping[str, Any]) -> str:
        uuid = uuidutils.generate_uuid()
        with _writer() as session:
            session.add(models.X509KeyPair(
                uuid=uuid, **{k: v for k, v in values.items() if k in self._X509_WRITABLE}))
        return uuid

    def get_x509keypair(self, *, uuid: str) -> dict[str, Any] | None:
        with _reader() as session:
            row = session.query(models.X509KeyPair).filter_by(uuid=uuid).first()
            if row is None:
                return None
            return {c.key: getattr(row, c.key) for c in models.X509KeyPair.__table__.columns}

    def destroy_x509keypair(self, *, uuid: str) -> bool:
        with _writer() as session:
            return bool(session.query(models.X509KeyPair).filter_by(uuid=uuid).delete())

    # ---- services ----------------------------------------------------------------------
    def heartbeat_service(self, *, host: str, binary: str) -> models.MagnumService:
        now = models.utcnow()
        for _attempt in range(3):
            try:
                with _writer() as session:
                    row = session.query(models.MagnumService).filter_by(
                        host=host, binary=binary).one_or_none()
                    if row is None:
                        row = models.MagnumService(host=host, binary=binary, report_count=0)
                        session.add(row)
                    row.report_count = (row.report_count or 0) + 1
                    row.last_seen_up = now
                    session.flush()
                    return row
            except db_exc.DBDuplicateEntry:
                continue  # another process registered the same row first
        raise exc.Conflict("service registration raced too often")

    def list_services(self) -> list[models.MagnumService]:
        with _reader() as session:
            return list(session.query(models.MagnumService).order_by(models.MagnumService.id))

    # ---- quotas ------------------------------------------------------------------------
    def get_quota_limit(self, *, project_id: str, resource: str) -> int | None:
        with _reader() as session:
            row = session.query(models.Quota).filter_by(project_id=project_id,
                                                        resource=resource).one_or_none()
            return None if row is None else row.hard_limit

    @staticmethod
    def _quota_not_found(project_id: str, resource: str) -> exc.QuotaNotFound:
        return exc.QuotaNotFound(msg=f"project_id {project_id} resource {resource}.")

    def create_quota(self, *, values: Mapping[str, Any]) -> models.Quota:
        row = models.Quota(**values)
        try:
            with _writer() as session:
                session.add(row)
                session.flush()
        except db_exc.DBDuplicateEntry:
            raise exc.Duplicate(msg=f"Quota for project {values['project_id']} already exists "
                                    f"for resource {values['resource']}.") from None
        return row

    def get_quota(self, *, project_id: str, resource: str) -> models.Quota:
        with _reader() as session:
            row = session.query(models.Quota).filter_by(project_id=project_id,
                                                        resource=resource).one_or_none()
            if row is None:
                raise self._quota_not_found(project_id, resource)
            return row

    def list_quotas(self, *, project_id: str | None, limit: int | None = None,
                    marker: int | None = None, sort_key: str = "id",
                    sort_dir: str = "asc") -> list[models.Quota]:
        with _reader() as session:
            q = session.query(models.Quota)
            if project_id is not None:
                q = q.filter(models.Quota.project_id == project_id)
            marker_obj = None
            if marker is not None:
                marker_obj = session.query(models.Quota).filter_by(id=marker).first()
                if marker_obj is None:
                    raise exc.QuotaNotFound(msg=f"quota id {marker} .")
            sort_keys = [sort_key] if sort_key == "id" else [sort_key, "id"]
            try:
                q = db_utils.paginate_query(q, models.Quota, limit, sort_keys,
                                            marker=marker_obj, sort_dir=sort_dir)
            except db_exc.InvalidSortKey:
                raise exc.Invalid(f'The sort_key value "{sort_key}" is an invalid field for '
                                  'sorting') from None
            return list(q.all())

    def update_quota(self, *, project_id: str, resource: str,
                     values: Mapping[str, Any]) -> models.Quota:
        with _writer() as session:
            row = session.query(models.Quota).filter_by(project_id=project_id,
                                                        resource=resource).one_or_none()
            if row is None:
                raise self._quota_not_found(project_id, resource)
            for k, v in values.items():
                setattr(row, k, v)
            row.updated_at = models.utcnow()
            session.flush()
            return row

    def destroy_quota(self, *, project_id: str, resource: str) -> None:
        with _writer() as session:
            n = session.query(models.Quota).filter_by(project_id=project_id,
                                                      resource=resource).delete()
            if not n:
                raise self._quota_not_found(project_id, resource)

    # ---- stats -------------------------------------------------------------------------
    def cluster_stats(self, *, project_id: str | None) -> tuple[int, int]:
        C, NG = models.Cluster, models.NodeGroup
        with _reader() as session:
            cq = session.query(sa.func.count(C.id))
            nq = session.query(sa.func.coalesce(sa.func.sum(NG.node_count), 0)).join(
                C, C.uuid == NG.cluster_id)
            if project_id is not None:
                cq = cq.filter(C.project_id == project_id)
                nq = nq.filter(C.project_id == project_id)
            return int(cq.scalar() or 0), int(nq.scalar() or 0)


def _locked_cluster_count(session: Session, project_id: str) -> int:
    """The project's cluster count, locked against concurrent creates until this transaction
    ends, so two creates cannot both see room under the quota.

    MariaDB/MySQL: a locking read takes next-key locks on the project's range of
    ``cluster_project_idx``; two creates that both found room then deadlock on their inserts
    and InnoDB rolls one back, which ``create_cluster`` retries (and then counts the other's
    row). PostgreSQL: a transaction-scoped advisory lock per project. SQLite: its one writer at
    a time (``BEGIN IMMEDIATE``) already serialises creates.
    """
    q = session.query(sa.func.count(models.Cluster.id)).filter(
        models.Cluster.project_id == project_id)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:p))"), {"p": project_id})
    elif dialect == "mysql":
        q = q.with_for_update()
    return int(q.scalar() or 0)
