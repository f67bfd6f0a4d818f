"""GET /v1/stats (stats.py; reference §10, policy stats:get_all)."""

from __future__ import annotations

import pytest

from magnum_clone.db import api as db_api
from tests.unit.api.conftest import (
    ADMIN,
    MEMBER,
    OTHER,
    assert_error,
    make_cluster,
    make_template,
)

S = "/v1/stats"
READER = {"X-Roles": "reader", "X-Project-Id": "p-member", "X-User-Id": "u-reader"}


@pytest.fixture()
def clusters(api):
    """p-member: 2 clusters (1+3 and 3+2 nodes), p-other: 1 cluster (1+1)."""
    tpl = make_template(api, public=True, master_lb_enabled=True)
    make_cluster(api, tpl["uuid"], headers=MEMBER, name="a", node_count=3, master_count=1)
    b = make_cluster(api, tpl["uuid"], headers=MEMBER, name="b", node_count=2, master_count=3)
    make_cluster(api, tpl["uuid"], headers=OTHER, name="c", node_count=1, master_count=1)
    return b


def test_empty(api):
    r = api.get(S)
    assert r.status_int == 200 and r.json == {"clusters": 0, "nodes": 0}


def test_member_gets_own_project(api, clusters):
    assert api.get(S, headers=MEMBER).json == {"clusters": 2, "nodes": 9}
    assert api.get(f"{S}?project_id=p-member", headers=MEMBER).json == {"clusters": 2,
                                                                        "nodes": 9}
    assert api.get(S, headers=READER).json == {"clusters": 2, "nodes": 9}
    assert api.get(S, headers=OTHER).json == {"clusters": 1, "nodes": 2}


def test_member_other_project_is_403(api, clusters):
    assert_error(api.get(f"{S}?project_id=p-other", headers=MEMBER), 403, "Not authorized.")


def test_admin_whole_cloud_or_one_project(api, clusters):
    assert api.get(S, headers=ADMIN).json == {"clusters": 3, "nodes": 11}
    assert api.get(f"{S}?project_id=p-other", headers=ADMIN).json == {"clusters": 1,
                                                                       "nodes": 2}
    assert api.get(f"{S}?project_id=nobody", headers=ADMIN).json == {"clusters": 0,
                                                                      "nodes": 0}


def test_nodes_sum_every_nodegroup(api, clusters):
    """Extra (non-default) nodegroups count too."""
    db = db_api.get_instance()
    row = db.get_cluster(ident=clusters, project_id=None)
    worker = next(ng for ng in row.nodegroups if ng.role != "master")
    db.update_nodegroup(uuid=worker.uuid, values={"node_count": 7})
    assert api.get(S, headers=MEMBER).json == {"clusters": 2, "nodes": 14}


@pytest.mark.parametrize("value", ["cluster", "Cluster", "CLUSTER"])
def test_type_is_case_insensitive(api, clusters, value):
    assert api.get(f"{S}?type={value}", headers=MEMBER).json == {"clusters": 2, "nodes": 9}


def test_bad_type(api):
    assert_error(api.get(f"{S}?type=nodes"), 400,
                 "Invalid stats type. Allowed values are 'cluster'")


def test_unknown_argument(api):
    assert_error(api.get(f"{S}?limit=1"), 400, 'Unknown argument: "limit"')


def test_needs_a_role(api):
    nobody = {"X-Roles": "", "X-Project-Id": "p-member", "X-User-Id": "u"}
    assert_error(api.get(S, headers=nobody), 403,
                 "Policy doesn't allow stats:get_all to be performed.")


def test_answers_at_the_oldest_version(api, clusters):
    assert api.get(S, headers=MEMBER, version="1.1").json == {"clusters": 2, "nodes": 9}
    assert api.get(S, headers=MEMBER, version=None).status_int == 200
