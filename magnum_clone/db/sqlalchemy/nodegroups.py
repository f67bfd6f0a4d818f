"""Nodegroup queries of the SQLAlchemy backend (a mixin of
:class:`magnum_clone.db.sqlalchemy.api.SQLAlchemyConnection`), extra nodegroups included.

Lock order everywhere: the cluster row, then its nodegroups (no deadlock on MariaDB).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from oslo_utils import uuidutils

from magnum_clone.common import exceptions as exc
from magnum_clone.common import states
from magnum_clone.db.sqlalchemy import models
from magnum_clone.db.sqlalchemy.session import (
    _by_ident,
    _columns,
    _one,
    _paginate,
    _reader,
    _writer,
)


class NodeGroupQueries:
    """The nodegroup methods of the DB interface."""

    if TYPE_CHECKING:   # provided by the connection class this mixes into
        def get_cluster(self, *, ident: str, project_id: str | None) -> models.Cluster: ...

    # ---- nodegroups --------------------------------------------------------------------
    def list_nodegroups(self, *, cluster_uuid: str) -> list[models.NodeGroup]:
        with _reader() as session:
            return list(session.query(models.NodeGroup).filter_by(cluster_id=cluster_uuid)
                        .order_by(models.NodeGroup.id).all())

    def update_nodegroup(self, *, uuid: str, values: Mapping[str, Any],
                         expect_status: Iterable[str] | None = None) -> models.NodeGroup | None:
        with _writer() as session:
            row = (session.query(models.NodeGroup).filter_by(uuid=uuid).with_for_update()
                   .one_or_none())
            if row is None:
                raise exc.NodeGroupNotFound(nodegroup=uuid)
            if expect_status is not None and row.status not in {str(s) for s in expect_status}:
                return None
            for k, v in values.items():
                setattr(row, k, v)
            session.flush()
            return row

    def get_nodegroup(self, *, cluster_uuid: str, ident: str) -> models.NodeGroup:
        with _reader() as session:
            q = session.query(models.NodeGroup).filter(
                models.NodeGroup.cluster_id == cluster_uuid)
            return _one(_by_ident(q, models.NodeGroup, ident),
                        exc.NodeGroupNotFound(nodegroup=ident),
                        "Multiple nodegroups exist with same name. "
                        "Please use the nodegroup uuid instead.")

    def page_nodegroups(self, *, cluster_uuid: str, limit: int | None, marker: str | None,
                        sort_key: str = "id", sort_dir: str = "asc",
                        role: str | None = None) -> list[Any]:
        with _reader() as session:
            q = session.query(*_columns(models.NodeGroup)).filter(
                models.NodeGroup.cluster_id == cluster_uuid)
            if role is not None:
                q = q.filter(models.NodeGroup.role == role)
            return _paginate(session, q, models.NodeGroup, limit=limit, marker=marker,
                             sort_key=sort_key, sort_dir=sort_dir,
                             marker_missing=exc.NodeGroupNotFound(nodegroup=marker))

    def create_nodegroup(self, *, values: Mapping[str, Any]) -> models.NodeGroup:
        vals = dict(values)
        vals.setdefault("uuid", uuidutils.generate_uuid())
        with _writer() as session:
            cluster = session.query(models.Cluster.name).filter(
                models.Cluster.uuid == vals["cluster_id"]).one_or_none()
            if cluster is None:
                raise exc.ClusterNotFound(cluster=vals["cluster_id"])
            clash = session.query(models.NodeGroup.id).filter_by(
                cluster_id=vals["cluster_id"], name=vals["name"]).first()
            if clash is not None:
                raise exc.Duplicate(msg=f"A node group with name {vals['name']} already "
                                        f"exists in the cluster {cluster.name}.")
            row = models.NodeGroup(**vals)
            session.add(row)
            session.flush()
            return row

    def destroy_nodegroup(self, *, uuid: str) -> None:
        with _writer() as session:
            if not session.query(models.NodeGroup).filter_by(uuid=uuid).delete():
                raise exc.NodeGroupNotFound(nodegroup=uuid)

    # ---- extra nodegroups (their own stacks) -------------------------------------------

    def add_nodegroup(self, *, values: Mapping[str, Any], cluster_expect: Iterable[str],
                      cluster_values: Mapping[str, Any]) -> models.NodeGroup | None:
        vals = {k: (str(v) if k == "status" else v) for k, v in values.items()}
        vals.setdefault("uuid", uuidutils.generate_uuid())
        C, NG = models.Cluster, models.NodeGroup
        with _writer() as session:
            cluster = session.query(C).filter(C.uuid == vals["cluster_id"]).with_for_update(
            ).one_or_none()
            if cluster is None:
                raise exc.ClusterNotFound(cluster=vals["cluster_id"])
            if cluster.status not in {str(s) for s in cluster_expect}:
                return None
            clash = session.query(NG.id).filter_by(cluster_id=vals["cluster_id"],
                                                   name=vals["name"]).first()
            if clash is not None:
                raise exc.Duplicate(msg=f"A node group with name {vals['name']} already "
                                        f"exists in the cluster {cluster.name}.")
            for k, v in cluster_values.items():
                setattr(cluster, k, str(v) if k == "status" else v)
            cluster.updated_at = models.utcnow()
            row = NG(**vals)
            session.add(row)
            session.flush()
            return row

    def start_nodegroup_operation(self, *, cluster_uuid: str, nodegroup_uuid: str,
                                  cluster_expect: Iterable[str],
                                  cluster_values: Mapping[str, Any],
                                  nodegroup_expect: Iterable[str],
                                  nodegroup_values: Mapping[str, Any],
                                  remember_count: bool = False) -> str:
        C, NG = models.Cluster, models.NodeGroup
        now = models.utcnow()
        with _writer() as session:
            cluster = session.query(C).filter(C.uuid == cluster_uuid).with_for_update(
            ).one_or_none()
            if cluster is None:
                raise exc.ClusterNotFound(cluster=cluster_uuid)
            ng = session.query(NG).filter_by(uuid=nodegroup_uuid, cluster_id=cluster_uuid
                                             ).with_for_update().one_or_none()
            if ng is None:
                raise exc.NodeGroupNotFound(nodegroup=nodegroup_uuid)
            if ng.status not in {str(s) for s in nodegroup_expect}:
                return "nodegroup"
            if cluster.status not in {str(s) for s in cluster_expect}:
                return "cluster"
            for k, v in cluster_values.items():
                setattr(cluster, k, str(v) if k == "status" else v)
            cluster.updated_at = now
            if remember_count and ng.previous_node_count is None:
                ng.previous_node_count = ng.node_count
            for k, v in nodegroup_values.items():
                setattr(ng, k, str(v) if k == "status" else v)
            ng.updated_at = now
            session.flush()
        return "ok"

    def claim_nodegroup(self, *, uuid: str, status: str, deadline: Any,
                        stale_before: Any = None) -> models.NodeGroup | None:
        NG = models.NodeGroup
        now = models.utcnow()
        with _writer() as session:
            cond: Any = NG.operation_started_at.is_(None)
            if stale_before is not None:
                cond = sa.or_(cond, NG.operation_started_at < stale_before)
            n = session.query(NG).filter(NG.uuid == uuid, NG.status == str(status), cond
                                         ).update({"operation_started_at": now,
                                                   "operation_deadline": deadline},
                                                  synchronize_session=False)
            if not n:
                return None
            return session.query(NG).filter(NG.uuid == uuid).one()  # type: ignore[no-any-return]

    def settle_cluster(self, *, uuid: str, values: Mapping[str, Any],
                       nodegroups: Mapping[str, Mapping[str, Any]] | None = None,
                       expect_status: Iterable[str] | None = None,
                       expect_nodegroups: Mapping[str, Iterable[str]] | None = None,
                       destroy_nodegroups: Iterable[str] = ()) -> models.Cluster | None:
        C, NG = models.Cluster, models.NodeGroup
        now = models.utcnow()
        with _writer() as session:
            q = session.query(C.id).filter(C.uuid == uuid)
            if expect_status is not None:
                q = q.filter(C.status.in_([str(s) for s in expect_status]))
            if q.with_for_update().first() is None:
                return None
            ngs = {r.uuid: r for r in session.query(
                NG.uuid, NG.name, NG.status, NG.is_default, NG.role).filter(
                NG.cluster_id == uuid).with_for_update()}
            for ng_uuid, allowed in (expect_nodegroups or {}).items():
                current = ngs.get(ng_uuid)
                if current is None or current.status not in {str(s) for s in allowed}:
                    return None
            statuses = {u: r.status for u, r in ngs.items()}
            gone = [u for u in destroy_nodegroups if u in ngs]
            if gone:
                session.query(NG).filter(NG.uuid.in_(gone)).delete(synchronize_session=False)
                for u in gone:
                    statuses.pop(u)
            for ng_uuid, ng_vals in (nodegroups or {}).items():
                if ng_uuid not in statuses:
                    continue
                ng_vals = {k: (str(v) if k == "status" else v) for k, v in ng_vals.items()}
                session.query(NG).filter(NG.uuid == ng_uuid).update(
                    {**ng_vals, "updated_at": now}, synchronize_session=False)
                if "status" in ng_vals:
                    statuses[ng_uuid] = ng_vals["status"]
            vals = {k: (str(v) if k == "status" else v) for k, v in values.items()}
            extras = any(not ngs[u].is_default for u in statuses)
            if extras or "status" not in vals:
                status, failed = states.aggregate(
                    (ngs[u].name, st, bool(ngs[u].is_default and ngs[u].role == "master"))
                    for u, st in statuses.items())
                vals["status"] = status.value
                if status in states.FAILED:
                    vals["status_reason"] = states.failed_reason(failed)
                elif status in states.IN_PROGRESS:
                    vals.pop("status_reason", None)
            vals["updated_at"] = now
            session.query(C).filter(C.uuid == uuid).update(vals, synchronize_session=False)
        return self.get_cluster(ident=uuid, project_id=None)
