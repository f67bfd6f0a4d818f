"""Nodegroup operation bookkeeping (never rendered): extra nodegroups have their own Heat
stack and their own running operation (create, resize, delete), claimed and timed like a
cluster's:

* ``nodegroup.operation_started_at``: when a conductor claimed the nodegroup's operation
  (NULL: not claimed yet, or none running);
* ``nodegroup.operation_deadline``: past it the operation fails with a reason.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN of nullable columns: supported as such by SQLite and MariaDB
    op.add_column("nodegroup", sa.Column("operation_started_at", sa.DateTime(), nullable=True))
    op.add_column("nodegroup", sa.Column("operation_deadline", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # SQLite cannot drop columns in place: batch mode recreates the table there
    with op.batch_alter_table("nodegroup") as batch:
        batch.drop_column("operation_deadline")
        batch.drop_column("operation_started_at")
