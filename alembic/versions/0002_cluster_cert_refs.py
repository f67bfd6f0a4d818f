"""Cluster certificate references: the cert manager refs of a cluster's CAs and client cert.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = ("ca_cert_ref", "etcd_ca_cert_ref", "front_proxy_ca_cert_ref", "magnum_cert_ref")


def upgrade() -> None:
    # plain ADD COLUMN of nullable columns: supported as such by SQLite and MariaDB
    for name in _COLUMNS:
        op.add_column("cluster", sa.Column(name, sa.String(255), nullable=True))


def downgrade() -> None:
    # SQLite cannot drop columns in place: batch mode recreates the table there
    with op.batch_alter_table("cluster") as batch:
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
