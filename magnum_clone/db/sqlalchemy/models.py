"""SQLAlchemy models. The schema itself is only ever changed by alembic migrations."""

from __future__ import annotations

import datetime
import json
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


class JSONEncoded(TypeDecorator[Any]):
    """JSON text column (labels, address lists); portable across SQLite and MariaDB."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else json.dumps(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else json.loads(value)


class Base(DeclarativeBase):
    pass


class TimestampMixin:
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, onupdate=utcnow)


class ClusterTemplate(TimestampMixin, Base):
    __tablename__ = "cluster_template"
    __table_args__ = (UniqueConstraint("uuid", name="uniq_cluster_template0uuid"),
                      Index("cluster_template_project_idx", "project_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36))
    name: Mapped[str | None] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    coe: Mapped[str | None] = mapped_column(String(255))
    image_id: Mapped[str | None] = mapped_column(String(255))
    flavor_id: Mapped[str | None] = mapped_column(String(255))
    master_flavor_id: Mapped[str | None] = mapped_column(String(255))
    keypair_id: Mapped[str | None] = mapped_column(String(255))
    external_network_id: Mapped[str | None] = mapped_column(String(255))
    fixed_network: Mapped[str | None] = mapped_column(String(255))
    fixed_subnet: Mapped[str | None] = mapped_column(String(255))
    dns_nameserver: Mapped[str | None] = mapped_column(String(255))
    network_driver: Mapped[str | None] = mapped_column(String(255))
    volume_driver: Mapped[str | None] = mapped_column(String(255))
    apiserver_port: Mapped[int | None] = mapped_column(Integer)
    docker_volume_size: Mapped[int | None] = mapped_column(Integer)
    docker_storage_driver: Mapped[str | None] = mapped_column(String(255))
    cluster_distro: Mapped[str | None] = mapped_column(String(255))
    http_proxy: Mapped[str | None] = mapped_column(String(255))
    https_proxy: Mapped[str | None] = mapped_column(String(255))
    no_proxy: Mapped[str | None] = mapped_column(String(255))
    registry_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    insecure_registry: Mapped[str | None] = mapped_column(String(255))
    tls_disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    server_type: Mapped[str | None] = mapped_column(String(255))
    master_lb_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    floating_ip_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    labels: Mapped[dict[str, str] | None] = mapped_column(JSONEncoded)
    tags: Mapped[str | None] = mapped_column(String(255))
    driver: Mapped[str | None] = mapped_column(String(255))


class Cluster(TimestampMixin, Base):
    __tablename__ = "cluster"
    __table_args__ = (UniqueConstraint("uuid", name="uniq_cluster0uuid"),
                      Index("cluster_project_idx", "project_id"),
                      Index("cluster_status_idx", "status"),
                      Index("cluster_template_idx", "cluster_template_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36))
    name: Mapped[str | None] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    cluster_template_id: Mapped[str] = mapped_column(String(36))
    keypair: Mapped[str | None] = mapped_column(String(255))
    docker_volume_size: Mapped[int | None] = mapped_column(Integer)
    labels: Mapped[dict[str, str] | None] = mapped_column(JSONEncoded)
    master_flavor_id: Mapped[str | None] = mapped_column(String(255))
    flavor_id: Mapped[str | None] = mapped_column(String(255))
    create_timeout: Mapped[int | None] = mapped_column(Integer)
    stack_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(Text)
    health_status: Mapped[str | None] = mapped_column(String(20))
    health_status_reason: Mapped[dict[str, str] | None] = mapped_column(JSONEncoded)
    discovery_url: Mapped[str | None] = mapped_column(String(255))
    api_address: Mapped[str | None] = mapped_column(String(255))
    coe_version: Mapped[str | None] = mapped_column(String(255))
    container_version: Mapped[str | None] = mapped_column(String(255))
    fixed_network: Mapped[str | None] = mapped_column(String(255))
    fixed_subnet: Mapped[str | None] = mapped_column(String(255))
    floating_ip_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    master_lb_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # cert manager references (never rendered; see common/certificates/cluster_certs.py)
    ca_cert_ref: Mapped[str | None] = mapped_column(String(255))
    etcd_ca_cert_ref: Mapped[str | None] = mapped_column(String(255))
    front_proxy_ca_cert_ref: Mapped[str | None] = mapped_column(String(255))
    magnum_cert_ref: Mapped[str | None] = mapped_column(String(255))
    # trustee user and trust of the cluster (never rendered; see conductor/trust.py)
    trustee_username: Mapped[str | None] = mapped_column(String(255))
    trustee_user_id: Mapped[str | None] = mapped_column(String(255))
    trustee_password: Mapped[str | None] = mapped_column(Text)
    trust_id: Mapped[str | None] = mapped_column(String(255))
    # operation bookkeeping (never rendered): when the running operation started and with
    # which deadline, so a conductor can enforce create_timeout and resume after a crash
    operation_started_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    operation_deadline: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    rollback: Mapped[bool] = mapped_column(Boolean, default=False)
    # a scale deferred while the stack was busy with an earlier update, sent by the
    # reconcile loop once the stack is no longer in progress (see conductor/operations.py)
    pending_scale: Mapped[dict[str, Any] | None] = mapped_column(JSONEncoded)

    nodegroups: Mapped[list[NodeGroup]] = relationship(
        "NodeGroup", back_populates="cluster", lazy="raise", cascade="all, delete-orphan",
        primaryjoin="Cluster.uuid == foreign(NodeGroup.cluster_id)", order_by="NodeGroup.id")


class NodeGroup(TimestampMixin, Base):
    __tablename__ = "nodegroup"
    __table_args__ = (UniqueConstraint("uuid", name="uniq_nodegroup0uuid"),
                      UniqueConstraint("cluster_id", "name", name="uniq_nodegroup0cluster_id0name"),
                      Index("nodegroup_cluster_idx", "cluster_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(255))
    cluster_id: Mapped[str] = mapped_column(String(36), ForeignKey("cluster.uuid"))
    project_id: Mapped[str | None] = mapped_column(String(255))
    docker_volume_size: Mapped[int | None] = mapped_column(Integer)
    labels: Mapped[dict[str, str] | None] = mapped_column(JSONEncoded)
    flavor_id: Mapped[str | None] = mapped_column(String(255))
    image_id: Mapped[str | None] = mapped_column(String(255))
    node_addresses: Mapped[list[str] | None] = mapped_column(JSONEncoded)
    node_count: Mapped[int] = mapped_column(Integer, default=1)
    # the count before the accepted, unfinished scale(s): restored when they fail (never
    # rendered; set by the API's claim, cleared by the outcome)
    previous_node_count: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(255), default="worker")
    max_node_count: Mapped[int | None] = mapped_column(Integer)
    min_node_count: Mapped[int] = mapped_column(Integer, default=0)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    stack_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str | None] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(String(20))
    node_labels: Mapped[dict[str, str] | None] = mapped_column(JSONEncoded)
    node_taints: Mapped[list[dict[str, str]] | None] = mapped_column(JSONEncoded)
    # the running operation of an extra nodegroup (its own stack: create, resize, delete),
    # claimed and timed like a cluster's (never rendered; see conductor/nodegroups.py)
    operation_started_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    operation_deadline: Mapped[datetime.datetime | None] = mapped_column(DateTime)

    cluster: Mapped[Cluster] = relationship(
        "Cluster", back_populates="nodegroups", lazy="raise",
        primaryjoin="Cluster.uuid == foreign(NodeGroup.cluster_id)")


class X509KeyPair(TimestampMixin, Base):
    __tablename__ = "x509keypair"
    __table_args__ = (UniqueConstraint("uuid", name="uniq_x509keypair0uuid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36))
    project_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    certificate: Mapped[str | None] = mapped_column(Text)
    private_key: Mapped[str | None] = mapped_column(Text)
    private_key_passphrase: Mapped[str | None] = mapped_column(Text)
    intermediates: Mapped[str | None] = mapped_column(Text)


class MagnumService(TimestampMixin, Base):
    __tablename__ = "magnum_service"
    __table_args__ = (UniqueConstraint("host", "binary", name="uniq_magnum_service0host0binary"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    host: Mapped[str] = mapped_column(String(255))
    binary: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_reason: Mapped[str | None] = mapped_column(String(255))
    last_seen_up: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    forced_down: Mapped[bool] = mapped_column(Boolean, default=False)
    report_count: Mapped[int] = mapped_column(Integer, default=0)


class Quota(TimestampMixin, Base):
    __tablename__ = "quotas"
    __table_args__ = (UniqueConstraint("project_id", "resource",
                                       name="uniq_quotas0project_id0resource"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(String(255))
    resource: Mapped[str] = mapped_column(String(255))
    hard_limit: Mapped[int] = mapped_column(Integer)


class Federation(TimestampMixin, Base):
    """A federation of clusters (reference §11): a host cluster, member cluster uuids and
    properties (``dns-zone`` at least)."""

    __tablename__ = "federation"
    __table_args__ = (UniqueConstraint("uuid", name="uniq_federation0uuid"),
                      Index("federation_project_idx", "project_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(String(36))
    name: Mapped[str | None] = mapped_column(String(255))
    project_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str | None] = mapped_column(String(255))
    hostcluster_id: Mapped[str] = mapped_column(String(36))
    member_ids: Mapped[list[str]] = mapped_column(JSONEncoded)
    status: Mapped[str] = mapped_column(String(20))
    status_reason: Mapped[str | None] = mapped_column(Text)
    properties: Mapped[dict[str, str]] = mapped_column(JSONEncoded)
