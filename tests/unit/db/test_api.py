"""The DB interface on SQLite, MariaDB and PostgreSQL (migrations included): the same tests, all
backends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from oslo_utils import uuidutils

from magnum_clone.common import exceptions as exc
from magnum_clone.common import states
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api
from magnum_clone.db import migration
from magnum_clone.db.sqlalchemy import api as sa_api
from tests import dbservers


@pytest.fixture(params=["sqlite", "mysql", "postgresql"])
def conn(request: Any, db_url: str, tmp_path: Any) -> Iterator[db_api.Connection]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/db.sqlite"
    else:
        url = dbservers.fresh_database(request.param)
    CONF.set_override("connection", url, group="database")
    sa_api.reset_engine()
    try:
        migration.upgrade(connection=url)
        assert migration.version(connection=url) == "0007"
        yield db_api.get_instance()
    finally:
        sa_api.reset_engine()
        CONF.set_override("connection", db_url, group="database")
        if request.param != "sqlite":
            dbservers.drop_database(url)


def _template(c: db_api.Connection, **kw: Any) -> Any:
    values = {"uuid": uuidutils.generate_uuid(), "name": "t", "coe": "kubernetes",
              "project_id": "p1", "labels": {"a": "1"}}
    values.update(kw)
    return c.create_cluster_template(values=values)


def _cluster(c: db_api.Connection, tpl: Any, *, project: str = "p1", name: str = "c",
             status: str = "CREATE_IN_PROGRESS", quota: int | None = None) -> Any:
    uuid = uuidutils.generate_uuid()
    ngs = [dict(uuid=uuidutils.generate_uuid(), name=n, role=r, node_count=1, is_default=True,
                min_node_count=0, status=status) for n, r in
           (("default-master", "master"), ("default-worker", "worker"))]
    return c.create_cluster(values=dict(uuid=uuid, name=name, project_id=project,
                                        cluster_template_id=tpl.uuid, status=status,
                                        labels={}), nodegroups=ngs, quota_limit=quota)


def test_cluster_with_nodegroups_in_one_insert(conn: db_api.Connection) -> None:
    tpl = _template(conn)
    c = _cluster(conn, tpl)
    got = conn.get_cluster(ident=c.uuid, project_id="p1")
    assert sorted(ng.role for ng in got.nodegroups) == ["master", "worker"]
    with pytest.raises(exc.ClusterNotFound):
        conn.get_cluster(ident=c.uuid, project_id="other")


def test_name_lookup_duplicates_conflict(conn: db_api.Connection) -> None:
    tpl = _template(conn)
    _cluster(conn, tpl, name="same")
    _cluster(conn, tpl, name="same")
    with pytest.raises(exc.Duplicate, match="Multiple clusters exist with same name"):
        conn.get_cluster(ident="same", project_id=None)


def test_compare_and_set_status(conn: db_api.Connection) -> None:
    tpl = _template(conn)
    c = _cluster(conn, tpl)
    assert conn.update_cluster(uuid=c.uuid, values={"status": "UPDATE_IN_PROGRESS"},
                               expect_status=states.allowed_from(states.Op.UPDATE)) is None
    assert conn.get_cluster(ident=c.uuid, project_id=None).status == "CREATE_IN_PROGRESS"
    done = conn.update_cluster(uuid=c.uuid, values={"status": "CREATE_COMPLETE"},
                               expect_status=["CREATE_IN_PROGRESS"])
    assert done is not None and done.status == "CREATE_COMPLETE"


def test_concurrent_cas_only_one_wins(conn: db_api.Connection) -> None:
    tpl = _template(conn)
    c = _cluster(conn, tpl, status="CREATE_COMPLETE")
    wins: list[bool] = []

    def attempt() -> None:
        r = conn.update_cluster(uuid=c.uuid, values={"status": "UPDATE_IN_PROGRESS"},
                                expect_status=states.allowed_from(states.Op.UPDATE))
        wins.append(r is not None)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1


def test_quota_checked_in_the_insert(conn: db_api.Connection) -> None:
    tpl = _template(conn)
    _cluster(conn, tpl, quota=1)
    with pytest.raises(exc.ResourceLimitExceeded):
        _cluster(conn, tpl, quota=1)
    assert conn.count_clusters(project_id="p1") == 1


def test_template_in_use_refused_atomically(conn: db_api.Connection) -> None:
    tpl = _template(conn)
    _cluster(conn, tpl)
    with pytest.raises(exc.ClusterTemplateReferenced):
        conn.destroy_cluster_template(uuid=tpl.uuid)
    with pytest.raises(exc.ClusterTemplateReferenced):
        conn.update_cluster_template(uuid=tpl.uuid, values={"coe": "swarm"},
                                     refuse_if_in_use=True)
    assert conn.get_cluster_template(ident=tpl.uuid, project_id=None).coe == "kubernetes"


def test_pagination_marker_and_sort(conn: db_api.Connection) -> None:
    tpl = _template(conn)
    made = [_cluster(conn, tpl, name=f"c{i}") for i in range(5)]
    page1 = conn.list_clusters(project_id=None, limit=2)
    page2 = conn.list_clusters(project_id=None, limit=2, marker=page1[-1].uuid)
    assert [c.uuid for c in page1 + page2] == [c.uuid for c in made[:4]]
    desc = conn.list_clusters(project_id=None, sort_key="name", sort_dir="desc")
    assert [c.name for c in desc] == ["c4", "c3", "c2", "c1", "c0"]
    with pytest.raises(exc.Invalid):
        conn.list_clusters(project_id=None, sort_key="nope")
    with pytest.raises(exc.ClusterNotFound):
        conn.list_clusters(project_id=None, marker=uuidutils.generate_uuid())


def test_claim_is_exclusive_and_stale_claims_move(conn: db_api.Connection) -> None:
    import datetime

    tpl = _template(conn)
    c = _cluster(conn, tpl)
    later = datetime.datetime(2100, 1, 1)
    assert conn.claim_cluster(uuid=c.uuid, status="CREATE_IN_PROGRESS", deadline=later)
    assert conn.claim_cluster(uuid=c.uuid, status="CREATE_IN_PROGRESS", deadline=later) is None
    assert conn.claim_cluster(uuid=c.uuid, status="CREATE_IN_PROGRESS", deadline=later,
                              stale_before=later) is not None


def test_a_scale_remembers_the_count_from_before_the_first_unfinished_one(
        conn: db_api.Connection) -> None:
    tpl = _template(conn)
    c = _cluster(conn, tpl, status="CREATE_COMPLETE")
    worker = next(ng for ng in c.nodegroups if ng.role == "worker")
    for count in (3, 5):  # two resizes before either finished: 1 is what a failure restores
        got = conn.update_cluster(uuid=c.uuid, values={"status": "UPDATE_IN_PROGRESS"},
                                  nodegroups={worker.uuid: {"node_count": count}},
                                  remember_counts=[worker.uuid])
        assert got is not None
        ng = next(n for n in got.nodegroups if n.uuid == worker.uuid)
        assert (ng.node_count, ng.previous_node_count) == (count, 1)
    master = next(n for n in got.nodegroups if n.role == "master")
    assert master.previous_node_count is None
    # a refused compare-and-set remembers nothing either
    conn.update_cluster(uuid=c.uuid, values={}, nodegroups={worker.uuid: {
        "previous_node_count": None}})
    assert conn.update_cluster(uuid=c.uuid, values={}, expect_status=["CREATE_COMPLETE"],
                               nodegroups={worker.uuid: {"node_count": 9}},
                               remember_counts=[worker.uuid]) is None
    ng = next(n for n in conn.get_cluster(ident=c.uuid, project_id=None).nodegroups
              if n.uuid == worker.uuid)
    assert (ng.node_count, ng.previous_node_count) == (5, None)


def test_a_deferred_scale_is_claimed_once(conn: db_api.Connection) -> None:
    import datetime

    tpl = _template(conn)
    c = _cluster(conn, tpl, status="UPDATE_IN_PROGRESS")
    first = datetime.datetime(2026, 1, 1, 12, 0, 0)
    later = datetime.datetime(2026, 1, 1, 12, 5, 0)
    deadline = datetime.datetime(2026, 1, 1, 13, 0, 0)
    assert conn.claim_pending_scale(uuid=c.uuid, seen_started=None, started=later,
                                    deadline=deadline) is None  # nothing pending
    conn.update_cluster(uuid=c.uuid, values={"operation_started_at": first, "pending_scale": {
        "nodegroup": "ng", "node_count": 3, "nodes_to_remove": [], "rollback": False}})
    got = conn.claim_pending_scale(uuid=c.uuid, seen_started=first, started=later,
                                   deadline=deadline)
    assert got is not None and got.operation_started_at == later
    assert got.pending_scale == {"nodegroup": "ng", "node_count": 3, "nodes_to_remove": [],
                                 "rollback": False}
    # a second pass that read the row before the first claim loses
    assert conn.claim_pending_scale(uuid=c.uuid, seen_started=first, started=later,
                                    deadline=deadline) is None


def test_extra_nodegroups_compare_and_set_and_settle(conn: db_api.Connection) -> None:
    tpl = _template(conn)
    c = _cluster(conn, tpl, status="CREATE_COMPLETE")
    ng_values = {"cluster_id": c.uuid, "name": "ng1", "role": "worker", "is_default": False,
                 "status": "CREATE_IN_PROGRESS", "node_count": 2}
    # the insert and the cluster's compare-and-set are one transaction
    assert conn.add_nodegroup(values=ng_values, cluster_expect=["UPDATE_COMPLETE"],
                              cluster_values={"status": "UPDATE_IN_PROGRESS"}) is None
    ng = conn.add_nodegroup(values=ng_values, cluster_expect=["CREATE_COMPLETE"],
                            cluster_values={"status": "UPDATE_IN_PROGRESS"})
    assert ng is not None
    with pytest.raises(exc.Duplicate):
        conn.add_nodegroup(values=ng_values, cluster_expect=["UPDATE_IN_PROGRESS"],
                           cluster_values={})
    assert conn.get_cluster(ident=c.uuid, project_id=None).status == "UPDATE_IN_PROGRESS"
    # only one of two claims wins
    assert conn.claim_nodegroup(uuid=ng.uuid, status="CREATE_IN_PROGRESS", deadline=None)
    assert conn.claim_nodegroup(uuid=ng.uuid, status="CREATE_IN_PROGRESS", deadline=None) \
        is None
    # an outcome: refused when the nodegroup's status moved, else the cluster's status is
    # derived from every nodegroup
    assert conn.settle_cluster(uuid=c.uuid, values={}, nodegroups={ng.uuid: {
        "status": "CREATE_FAILED"}}, expect_nodegroups={ng.uuid: ["UPDATE_IN_PROGRESS"]}) is None
    row = conn.settle_cluster(uuid=c.uuid, values={}, nodegroups={ng.uuid: {
        "status": "CREATE_FAILED"}}, expect_nodegroups={ng.uuid: ["CREATE_IN_PROGRESS"]})
    assert row is not None and (row.status, row.status_reason) == ("UPDATE_FAILED",
                                                                   "ng1 failed")
    # starting an operation checks both statuses; nothing is written when one refuses
    op = {"cluster_uuid": c.uuid, "nodegroup_uuid": ng.uuid,
          "cluster_values": {"status": "UPDATE_IN_PROGRESS"},
          "nodegroup_values": {"status": "DELETE_IN_PROGRESS"}}
    assert conn.start_nodegroup_operation(cluster_expect=["UPDATE_FAILED"],
                                          nodegroup_expect=["CREATE_COMPLETE"], **op) == \
        "nodegroup"
    assert conn.start_nodegroup_operation(cluster_expect=["CREATE_COMPLETE"],
                                          nodegroup_expect=["CREATE_FAILED"], **op) == "cluster"
    assert conn.get_cluster(ident=c.uuid, project_id=None).status == "UPDATE_FAILED"
    assert conn.start_nodegroup_operation(cluster_expect=["UPDATE_FAILED"],
                                          nodegroup_expect=["CREATE_FAILED"], **op) == "ok"
    row = conn.settle_cluster(uuid=c.uuid, values={"status_reason": "ng1 deleted"},
                              destroy_nodegroups=[ng.uuid])
    assert row is not None and (row.status, row.status_reason) == ("UPDATE_COMPLETE",
                                                                   "ng1 deleted")
    assert [n.name for n in row.nodegroups] == ["default-master", "default-worker"]


def _federation(c: db_api.Connection, *, project: str = "p1", name: str = "f") -> Any:
    return c.create_federation(values={
        "uuid": uuidutils.generate_uuid(), "name": name, "project_id": project,
        "user_id": "u1", "hostcluster_id": uuidutils.generate_uuid(), "member_ids": [],
        "properties": {"dns-zone": "example.com."}, "status": "CREATE_IN_PROGRESS"})


def test_federations_scoped_paged_and_compare_and_set(conn: db_api.Connection) -> None:
    made = [_federation(conn, name=f"f{i}") for i in range(3)]
    other = _federation(conn, project="p2", name="f0")
    got = conn.get_federation(ident="f1", project_id="p1")
    assert (got.uuid, got.member_ids, got.properties) == (made[1].uuid, [],
                                                         {"dns-zone": "example.com."})
    with pytest.raises(exc.FederationNotFound):
        conn.get_federation(ident=other.uuid, project_id="p1")
    with pytest.raises(exc.Duplicate, match="Multiple federations exist with same name"):
        conn.get_federation(ident="f0", project_id=None)
    page1 = conn.list_federations(project_id="p1", limit=2)
    page2 = conn.list_federations(project_id="p1", limit=2, marker=page1[-1].uuid)
    assert [f.uuid for f in page1 + page2] == [f.uuid for f in made]
    assert page1[0].member_ids == [] and page1[0].properties == {"dns-zone": "example.com."}
    assert [f.name for f in conn.list_federations(project_id=None, sort_key="name",
                                                  sort_dir="desc")][:2] == ["f2", "f1"]
    with pytest.raises(exc.FederationNotFound):
        conn.list_federations(project_id="p1", marker=other.uuid)
    # compare-and-set: the second of two changes computed from the same list loses
    f = made[0]
    assert conn.update_federation(uuid=f.uuid, values={"member_ids": ["a"]},
                                  expect={"member_ids": []}) is not None
    assert conn.update_federation(uuid=f.uuid, values={"member_ids": ["b"]},
                                  expect={"member_ids": []}) is None
    row = conn.get_federation(ident=f.uuid, project_id=None)
    assert row.member_ids == ["a"] and row.updated_at is not None
    conn.destroy_federation(uuid=f.uuid)
    with pytest.raises(exc.FederationNotFound):
        conn.destroy_federation(uuid=f.uuid)
    with pytest.raises(exc.FederationNotFound):
        conn.update_federation(uuid=f.uuid, values={"status": "UPDATE_COMPLETE"})


def test_service_heartbeat_counts(conn: db_api.Connection) -> None:
    conn.heartbeat_service(host="h1", binary="magnum-conductor")
    row = conn.heartbeat_service(host="h1", binary="magnum-conductor")
    assert row.report_count == 2 and row.last_seen_up is not None
    assert [s.id for s in conn.list_services()] == [row.id]


def test_listing_clusters_costs_constant_queries(conn: db_api.Connection) -> None:
    from sqlalchemy import event

    tpl = _template(conn)
    engine = sa_api.get_engine()
    counts = []
    for n in (3, 30):
        while conn.count_clusters(project_id=None) < n:
            _cluster(conn, tpl)
        statements: list[str] = []

        def _count(*args: Any, _s: list[str] = statements) -> None:
            _s.append(args[2])

        event.listen(engine, "before_cursor_execute", _count)
        rows = conn.list_clusters(project_id=None)
        event.remove(engine, "before_cursor_execute", _count)
        assert len(rows) == n and all(len(r.nodegroups) == 2 for r in rows)
        counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    assert counts[0] == counts[1] <= 2


def test_migrations_build_exactly_the_models(conn: db_api.Connection) -> None:
    """alembic's own comparison: the migrated schema has every table, column, index and
    constraint the models declare, and nothing more (on both backends)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from magnum_clone.db.sqlalchemy import models

    engine = sa_api.get_engine()
    with engine.connect() as c:
        ctx = MigrationContext.configure(c, opts={"compare_type": True})
        diff = [d for d in compare_metadata(ctx, models.Base.metadata)
                if not (isinstance(d, tuple) and d[0] == "remove_table"
                        and d[1].name == "alembic_version")]
    assert diff == []


def test_concurrent_creates_never_exceed_the_quota(conn: db_api.Connection) -> None:
    """Eight threads create clusters of one project with a quota of 2 at once: exactly two
    inserts win (on MariaDB the count and the insert of two transactions could interleave)."""
    tpl = _template(conn)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def create(i: int) -> None:
        barrier.wait()
        try:
            _cluster(conn, tpl, project="p-race", name=f"c{i}", quota=2)
            outcomes.append("created")
        except exc.ClusterQuotaExceeded:
            outcomes.append("refused")
        except Exception as e:  # noqa: BLE001 - any other outcome fails the test below
            outcomes.append(repr(e))

    threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["created"] * 2 + ["refused"] * 6
    assert conn.count_clusters(project_id="p-race") == 2
