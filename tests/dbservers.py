"""Fresh databases on the machine's MariaDB (127.0.0.1:3306, root, no password) and
PostgreSQL (127.0.0.1:5432, user postgres, trust auth) for tests.

A missing server is a failure, not a skip: CI must prove the MariaDB path.
"""

from __future__ import annotations

import os
import uuid

import sqlalchemy as sa

MYSQL_ROOT = os.environ.get("MAGNUM_CLONE_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306")
PG_ROOT = os.environ.get("MAGNUM_CLONE_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432")


def fresh_database(kind: str = "mysql") -> str:
    name = f"mc_test_{uuid.uuid4().hex[:10]}"
    if kind == "mysql":
        engine = sa.create_engine(f"{MYSQL_ROOT}/")
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
        engine.dispose()
        return f"{MYSQL_ROOT}/{name}?charset=utf8mb4"
    if kind == "postgresql":
        engine = sa.create_engine(f"{PG_ROOT}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        engine.dispose()
        return f"{PG_ROOT}/{name}"
    raise ValueError(f"unsupported test database kind {kind}")


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    if url.startswith("postgresql"):
        engine = sa.create_engine(f"{PG_ROOT}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        engine.dispose()
        return
    engine = sa.create_engine(f"{MYSQL_ROOT}/")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
    engine.dispose()
