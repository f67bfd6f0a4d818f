"""Schema management through alembic (the only way the schema changes)."""

from __future__ import annotations

import os

from alembic.config import Config

from alembic import command
from magnum_clone.conf import CONF

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def alembic_config(connection: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", os.path.join(_ROOT, "alembic"))
    cfg.set_main_option("sqlalchemy.url", connection or CONF.database.connection)
    return cfg


def upgrade(revision: str = "head", connection: str | None = None) -> None:
    command.upgrade(alembic_config(connection), revision)


def version(connection: str | None = None) -> str | None:
    import sqlalchemy as sa
    from alembic.runtime.migration import MigrationContext

    engine = sa.create_engine(connection or CONF.database.connection)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
