"""Cluster trust: the per-cluster trustee user and the trust from the cluster's creator to it
(reference §16.3). Never rendered by the API.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = (("trustee_username", sa.String(255)), ("trustee_user_id", sa.String(255)),
            ("trustee_password", sa.Text()), ("trust_id", sa.String(255)))


def upgrade() -> None:
    # plain ADD COLUMN of nullable columns: supported as such by SQLite and MariaDB
    for name, type_ in _COLUMNS:
        op.add_column("cluster", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    # SQLite cannot drop columns in place: batch mode recreates the table there
    with op.batch_alter_table("cluster") as batch:
        for name, _type in reversed(_COLUMNS):
            batch.drop_column(name)
