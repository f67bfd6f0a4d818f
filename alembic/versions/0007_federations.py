"""Federations (reference §11): the ``federation`` table.

Upstream never stores a federation (its conductor does nothing); we store it in the API:
``hostcluster_id`` and ``member_ids`` (JSON list) hold cluster uuids, ``properties`` a JSON
string map (``dns-zone`` at least). ``user_id`` (the creator) is kept for policy targets and is
never rendered.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "federation",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("project_id", sa.String(255), nullable=True),
        sa.Column("user_id", sa.String(255), nullable=True),
        sa.Column("hostcluster_id", sa.String(36), nullable=False),
        sa.Column("member_ids", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("properties", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("uuid", name="uniq_federation0uuid"),
        mysql_engine="InnoDB", mysql_charset="utf8mb4",
    )
    op.create_index("federation_project_idx", "federation", ["project_id"])


def downgrade() -> None:
    op.drop_index("federation_project_idx", table_name="federation")
    op.drop_table("federation")
