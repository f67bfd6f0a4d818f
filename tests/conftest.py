"""Shared fixtures: a migrated database per test session (SQLite by default, MariaDB with
MAGNUM_CLONE_TEST_DB=mysql), emptied between tests, and the service config for tests."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from magnum_clone.conf import CONF

_TABLES = ("federation", "nodegroup", "cluster", "cluster_template", "x509keypair",
           "magnum_service", "quotas")


def _db_url(tmpdir: str) -> str:
    kind = os.environ.get("MAGNUM_CLONE_TEST_DB", "sqlite")
    if kind == "sqlite":
        return f"sqlite:///{tmpdir}/test.sqlite"
    from tests import dbservers

    return dbservers.fresh_database(kind)


@pytest.fixture(scope="session")
def db_url() -> Iterator[str]:
    tmpdir = tempfile.mkdtemp(prefix="mc-test-")
    CONF([], project="magnum-clone")
    url = _db_url(tmpdir)
    CONF.set_override("connection", url, group="database")
    CONF.set_override("transport_url", "fake://")
    CONF.set_override("periodic_enable", False)
    from magnum_clone.db import migration

    migration.upgrade(connection=url)
    yield url


@pytest.fixture()
def db(db_url: str) -> Iterator[object]:
    """The DB interface on an empty, migrated database."""
    from magnum_clone.db import api as db_api
    from magnum_clone.db.sqlalchemy import api as sa_api

    engine = sa_api.get_engine()
    with engine.begin() as conn:
        for t in _TABLES:
            conn.exec_driver_sql(f"DELETE FROM {t}")
    yield db_api.get_instance()
