"""Scale bookkeeping (reference §12.2 "UPDATE_FAILED, node_count restored"; never rendered):

* ``nodegroup.previous_node_count``: the count the nodegroup had before the accepted scale(s)
  that have not finished yet; put back when they fail, cleared when one completes.
* ``cluster.pending_scale``: a scale deferred because the stack was still being updated by an
  earlier operation (JSON: nodegroup, node_count, nodes_to_remove, rollback); the reconcile
  loop sends it once the stack is no longer in progress.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN of nullable columns: supported as such by SQLite and MariaDB
    op.add_column("nodegroup", sa.Column("previous_node_count", sa.Integer(), nullable=True))
    op.add_column("cluster", sa.Column("pending_scale", sa.Text(), nullable=True))


def downgrade() -> None:
    # SQLite cannot drop columns in place: batch mode recreates the table there
    with op.batch_alter_table("cluster") as batch:
        batch.drop_column("pending_scale")
    with op.batch_alter_table("nodegroup") as batch:
        batch.drop_column("previous_node_count")
