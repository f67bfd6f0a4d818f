"""SQLite (the embedded default) under the API's and conductor's threads at once: every
transaction waits its turn (BEGIN IMMEDIATE + busy timeout) instead of failing with
"database is locked". The case that failed before: a transaction that reads, then writes
(a heartbeat), while other threads write."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from oslo_utils import uuidutils

from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api
from magnum_clone.db import migration
from magnum_clone.db.sqlalchemy import api as sa_api


@pytest.fixture()
def sqlite_file(db_url: str, tmp_path: Any) -> Iterator[db_api.Connection]:
    url = f"sqlite:///{tmp_path}/concurrency.sqlite"
    CONF.set_override("connection", url, group="database")
    sa_api.reset_engine()
    try:
        migration.upgrade(connection=url)
        yield db_api.get_instance()
    finally:
        sa_api.reset_engine()
        CONF.set_override("connection", db_url, group="database")


def test_readers_and_writers_in_threads_never_see_a_locked_database(
        sqlite_file: db_api.Connection) -> None:
    db = sqlite_file
    tpl = db.create_cluster_template(values={"uuid": uuidutils.generate_uuid(), "name": "t",
                                             "coe": "kubernetes", "project_id": "p"})
    errors: list[str] = []
    done = {"heartbeats": 0, "clusters": 0}
    stop = time.monotonic() + 3

    def conductor(i: int) -> None:
        while time.monotonic() < stop:
            try:
                db.heartbeat_service(host=f"conductor-{i}", binary="magnum-conductor")
                done["heartbeats"] += 1
            except Exception as e:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(e))

    def api(i: int) -> None:
        while time.monotonic() < stop:
            try:
                uuid = uuidutils.generate_uuid()
                db.create_cluster(values=dict(
                    uuid=uuid, name=f"c{i}", project_id="p", cluster_template_id=tpl.uuid,
                    status="CREATE_IN_PROGRESS", labels={}), nodegroups=[], quota_limit=10**6)
                db.list_clusters(project_id=None)
                db.destroy_cluster(uuid=uuid)
                done["clusters"] += 1
            except Exception as e:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(e))

    threads = [threading.Thread(target=conductor, args=(i,)) for i in range(3)]
    threads += [threading.Thread(target=api, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert done["heartbeats"] > 10 and done["clusters"] > 10
    assert sorted(s.host for s in db.list_services()) == [f"conductor-{i}" for i in range(3)]
