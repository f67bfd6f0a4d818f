"""Flags and creation times are NOT NULL, as the models always declared them.

0001 created these columns nullable; every write sets them (model defaults), so rows hold no
NULLs, but the schema did not say so. A NULL left by hand becomes the column's default first.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# table -> (boolean columns with their default, has created_at)
COLUMNS: dict[str, dict[str, bool]] = {
    "cluster": {"floating_ip_enabled": True, "master_lb_enabled": False, "rollback": False},
    "cluster_template": {"registry_enabled": False, "tls_disabled": False, "public": False,
                         "hidden": False, "master_lb_enabled": False,
                         "floating_ip_enabled": True},
    "magnum_service": {"disabled": False, "forced_down": False},
    "nodegroup": {"is_default": False},
    "quotas": {},
    "x509keypair": {},
}


def _alter(nullable: bool) -> None:
    for table, flags in COLUMNS.items():
        if not nullable:
            for col, default in flags.items():
                op.execute(sa.text(f"UPDATE {table} SET {col} = :d WHERE {col} IS NULL"
                                   ).bindparams(d=default))
            op.execute(sa.text(f"UPDATE {table} SET created_at = CURRENT_TIMESTAMP "
                               "WHERE created_at IS NULL"))
        # batch mode: SQLite recreates the table, MariaDB alters the columns in place
        with op.batch_alter_table(table) as batch:
            for col in flags:
                batch.alter_column(col, existing_type=sa.Boolean(), nullable=nullable)
            batch.alter_column("created_at", existing_type=sa.DateTime(), nullable=nullable)


def upgrade() -> None:
    _alter(nullable=False)


def downgrade() -> None:
    _alter(nullable=True)
