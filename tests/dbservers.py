"""Fresh databases on the machine's MariaDB (127.0.0.1:3306, root, no password) for tests.

A missing server is a failure, not a skip: CI must prove the MariaDB path.
"""

from __future__ import annotations

import os
import uuid

import sqlalchemy as sa

MYSQL_ROOT = os.environ.get("MAGNUM_CLONE_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306")


def fresh_database(kind: str = "mysql") -> str:
    if kind != "mysql":
        raise ValueError(f"unsupported test database kind {kind}")
    name = f"mc_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(f"{MYSQL_ROOT}/")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    engine.dispose()
    return f"{MYSQL_ROOT}/{name}?charset=utf8mb4"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    engine = sa.create_engine(f"{MYSQL_ROOT}/")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
    engine.dispose()
