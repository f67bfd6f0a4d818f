"""Initial schema: templates, clusters, nodegroups, x509 keypairs, services, quotas.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _ts() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(), nullable=True),
            sa.Column("updated_at", sa.DateTime(), nullable=True)]


def _s(name: str, n: int = 255) -> sa.Column:
    return sa.Column(name, sa.String(n), nullable=True)


def upgrade() -> None:
    op.create_table(
        "cluster_template",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("uuid", sa.String(36), nullable=False),
        _s("name"), _s("project_id"), _s("user_id"), _s("coe"), _s("image_id"), _s("flavor_id"),
        _s("master_flavor_id"), _s("keypair_id"), _s("external_network_id"), _s("fixed_network"),
        _s("fixed_subnet"), _s("dns_nameserver"), _s("network_driver"), _s("volume_driver"),
        sa.Column("apiserver_port", sa.Integer(), nullable=True),
        sa.Column("docker_volume_size", sa.Integer(), nullable=True),
        _s("docker_storage_driver"), _s("cluster_distro"), _s("http_proxy"), _s("https_proxy"),
        _s("no_proxy"),
        sa.Column("registry_enabled", sa.Boolean(), nullable=True),
        _s("insecure_registry"),
        sa.Column("tls_disabled", sa.Boolean(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=True),
        _s("server_type"),
        sa.Column("master_lb_enabled", sa.Boolean(), nullable=True),
        sa.Column("floating_ip_enabled", sa.Boolean(), nullable=True),
        sa.Column("labels", sa.Text(), nullable=True),
        _s("tags"), _s("driver"),
        *_ts(),
        sa.UniqueConstraint("uuid", name="uniq_cluster_template0uuid"),
        mysql_engine="InnoDB", mysql_charset="utf8mb4",
    )
    op.create_index("cluster_template_project_idx", "cluster_template", ["project_id"])

    op.create_table(
        "cluster",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("uuid", sa.String(36), nullable=False),
        _s("name"), _s("project_id"), _s("user_id"),
        sa.Column("cluster_template_id", sa.String(36), nullable=False),
        _s("keypair"),
        sa.Column("docker_volume_size", sa.Integer(), nullable=True),
        sa.Column("labels", sa.Text(), nullable=True),
        _s("master_flavor_id"), _s("flavor_id"),
        sa.Column("create_timeout", sa.Integer(), nullable=True),
        _s("stack_id"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        _s("health_status", 20),
        sa.Column("health_status_reason", sa.Text(), nullable=True),
        _s("discovery_url"), _s("api_address"), _s("coe_version"), _s("container_version"),
        _s("fixed_network"), _s("fixed_subnet"),
        sa.Column("floating_ip_enabled", sa.Boolean(), nullable=True),
        sa.Column("master_lb_enabled", sa.Boolean(), nullable=True),
        sa.Column("operation_started_at", sa.DateTime(), nullable=True),
        sa.Column("operation_deadline", sa.DateTime(), nullable=True),
        sa.Column("rollback", sa.Boolean(), nullable=True),
        *_ts(),
        sa.UniqueConstraint("uuid", name="uniq_cluster0uuid"),
        mysql_engine="InnoDB", mysql_charset="utf8mb4",
    )
    op.create_index("cluster_project_idx", "cluster", ["project_id"])
    op.create_index("cluster_status_idx", "cluster", ["status"])
    op.create_index("cluster_template_idx", "cluster", ["cluster_template_id"])

    op.create_table(
        "nodegroup",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("cluster_id", sa.String(36), sa.ForeignKey("cluster.uuid"), nullable=False),
        _s("project_id"),
        sa.Column("docker_volume_size", sa.Integer(), nullable=True),
        sa.Column("labels", sa.Text(), nullable=True),
        _s("flavor_id"), _s("image_id"),
        sa.Column("node_addresses", sa.Text(), nullable=True),
        sa.Column("node_count", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(255), nullable=False),
        sa.Column("max_node_count", sa.Integer(), nullable=True),
        sa.Column("min_node_count", sa.Integer(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=True),
        _s("stack_id"), _s("status", 20),
        sa.Column("status_reason", sa.Text(), nullable=True),
        _s("version", 20),
        sa.Column("node_labels", sa.Text(), nullable=True),
        sa.Column("node_taints", sa.Text(), nullable=True),
        *_ts(),
        sa.UniqueConstraint("uuid", name="uniq_nodegroup0uuid"),
        sa.UniqueConstraint("cluster_id", "name", name="uniq_nodegroup0cluster_id0name"),
        mysql_engine="InnoDB", mysql_charset="utf8mb4",
    )
    op.create_index("nodegroup_cluster_idx", "nodegroup", ["cluster_id"])

    op.create_table(
        "x509keypair",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("uuid", sa.String(36), nullable=False),
        _s("project_id"), _s("user_id"),
        sa.Column("certificate", sa.Text(), nullable=True),
        sa.Column("private_key", sa.Text(), nullable=True),
        sa.Column("private_key_passphrase", sa.Text(), nullable=True),
        sa.Column("intermediates", sa.Text(), nullable=True),
        *_ts(),
        sa.UniqueConstraint("uuid", name="uniq_x509keypair0uuid"),
        mysql_engine="InnoDB", mysql_charset="utf8mb4",
    )

    op.create_table(
        "magnum_service",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("binary", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=True),
        _s("disabled_reason"),
        sa.Column("last_seen_up", sa.DateTime(), nullable=True),
        sa.Column("forced_down", sa.Boolean(), nullable=True),
        sa.Column("report_count", sa.Integer(), nullable=False),
        *_ts(),
        sa.UniqueConstraint("host", "binary", name="uniq_magnum_service0host0binary"),
        mysql_engine="InnoDB", mysql_charset="utf8mb4",
    )

    op.create_table(
        "quotas",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.String(255), nullable=False),
        sa.Column("resource", sa.String(255), nullable=False),
        sa.Column("hard_limit", sa.Integer(), nullable=False),
        *_ts(),
        sa.UniqueConstraint("project_id", "resource", name="uniq_quotas0project_id0resource"),
        mysql_engine="InnoDB", mysql_charset="utf8mb4",
    )
