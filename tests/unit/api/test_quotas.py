"""/v1/quotas (quotas.py; reference §9, §1.7 integer marker, §14 quota:* policies)."""

from __future__ import annotations

import re

import pytest

from tests.unit.api.conftest import (
    ADMIN,
    MEMBER,
    OTHER,
    assert_error,
    assert_routing_error,
    make_cluster,
    make_template,
)

Q = "/v1/quotas"
BASE = "http://localhost"
KEYS = ["id", "project_id", "resource", "hard_limit", "created_at", "updated_at"]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
READER = {"X-Roles": "reader", "X-Project-Id": "p-member", "X-User-Id": "u-reader"}


def create(api, project_id: str, **kw) -> dict:
    r = api.post(Q, {"project_id": project_id, **kw})
    assert r.status_int == 201, r.text
    return dict(r.json)


# --- create ------------------------------------------------------------------------------

def test_create_defaults(api):
    r = api.post(Q, {"project_id": "p1"})
    assert r.status_int == 201, r.text
    assert list(r.json) == KEYS
    assert r.json["project_id"] == "p1" and r.json["resource"] == "Cluster"
    assert r.json["hard_limit"] == 1 and isinstance(r.json["id"], int)
    assert TIMESTAMP.match(r.json["created_at"]) and r.json["updated_at"] is None


def test_create_explicit_values_and_string_integers(api):
    assert create(api, "p1", resource="Cluster", hard_limit=7)["hard_limit"] == 7
    assert create(api, "p2", hard_limit="3")["hard_limit"] == 3  # magnum-ui sends strings
    assert create(api, "p3", hard_limit=0)["hard_limit"] == 0


def test_create_duplicate_is_409(api):
    create(api, "p1")
    assert_error(api.post(Q, {"project_id": "p1", "hard_limit": 5}), 409,
                 "Quota for project p1 already exists for resource Cluster.")


@pytest.mark.parametrize("body,detail", [
    ({"hard_limit": 3}, "Invalid input for field/attribute project_id. Value: 'None'. "
                        "Mandatory field missing."),
    ({"project_id": None}, "Invalid input for field/attribute project_id. Value: 'None'. "
                           "Mandatory field missing."),
    ({"project_id": "p", "resource": "Nodes"},
     "Invalid input for field/attribute resource. Value: 'Nodes'. Value should be one of: "
     "Cluster"),
    ({"project_id": "p", "hard_limit": -1},
     "Invalid input for field/attribute hard_limit. Value: '-1'. Value should be greater or "
     "equal to 0"),
    ({"project_id": "p", "foo": 1}, "Unknown attribute for argument quota: foo"),
])
def test_create_validation(api, body, detail):
    assert_error(api.post(Q, body), 400, detail)


@pytest.mark.parametrize("who", [MEMBER, READER])
def test_create_is_admin_only(api, who):
    assert_error(api.post(Q, {"project_id": "p-member"}, headers=who), 403,
                 "Policy doesn't allow quota:create to be performed.")


def test_create_any_project_is_accepted_without_keystone(api):
    """noauth: there is no Keystone to check the project in (see quotas.check_project_exists)."""
    assert create(api, "no-such-project-anywhere")["project_id"] == "no-such-project-anywhere"


# --- show --------------------------------------------------------------------------------

def test_get_one_row(api):
    q = create(api, "p-member", hard_limit=4)
    r = api.get(f"{Q}/p-member/Cluster", headers=MEMBER)
    assert r.status_int == 200 and r.json == q


def test_get_one_without_row_is_the_configured_default(api, override):
    override("max_clusters_per_project", 13, group="quotas")
    r = api.get(f"{Q}/p-member/Cluster", headers=MEMBER)
    assert r.status_int == 200
    assert r.json == {"hard_limit": 13, "project_id": "p-member", "resource": "Cluster"}
    assert api.get(f"{Q}/anyone/Cluster").json["hard_limit"] == 13  # admin, any project


def test_get_one_other_project_as_non_admin_is_403(api):
    create(api, "p-other")
    assert_error(api.get(f"{Q}/p-other/Cluster", headers=MEMBER), 403, "Not authorized.")


def test_get_one_admin_sees_any_project(api):
    q = create(api, "p-other", hard_limit=9)
    assert api.get(f"{Q}/p-other/Cluster", headers=ADMIN).json == q


def test_get_one_needs_a_role(api):
    nobody = {"X-Roles": "", "X-Project-Id": "p-member", "X-User-Id": "u"}
    assert_error(api.get(f"{Q}/p-member/Cluster", headers=nobody), 403,
                 "Policy doesn't allow quota:get to be performed.")


def test_routes(api):
    assert_routing_error(api.get(f"{Q}/p-member"), 404)
    assert_routing_error(api.get(f"{Q}/p-member/Cluster/x"), 404)
    assert_routing_error(api.app.put(f"{Q}/p/Cluster", headers={"Accept": "application/json"},
                                     status="*"), 405)
    assert api.get(f"{Q}/").status_int == 200
    assert api.get(f"{Q}/p/Cluster/").status_int == 200


# --- update ------------------------------------------------------------------------------

def test_patch_is_a_plain_object_and_answers_202(api):
    q = create(api, "p1", hard_limit=2)
    r = api.patch(f"{Q}/p1/Cluster", {"hard_limit": 9})
    assert r.status_int == 202, r.text
    assert r.json["hard_limit"] == 9 and r.json["id"] == q["id"]
    assert TIMESTAMP.match(r.json["updated_at"])
    assert api.get(f"{Q}/p1/Cluster").json["hard_limit"] == 9


def test_patch_missing_row_is_404(api):
    assert_error(api.patch(f"{Q}/p9/Cluster", {"hard_limit": 9}), 404,
                 "Quota could not be found: project_id p9 resource Cluster.")


def test_patch_is_admin_only(api):
    create(api, "p-member")
    assert_error(api.patch(f"{Q}/p-member/Cluster", {"hard_limit": 9}, headers=MEMBER), 403,
                 "Policy doesn't allow quota:update to be performed.")


def test_patch_validation(api):
    create(api, "p1")
    assert_error(api.patch(f"{Q}/p1/Cluster", {"hard_limit": "x"}), 400,
                 "Invalid input for field/attribute quota. Value: '{'hard_limit': 'x'}'. "
                 "invalid literal for int() with base 10: 'x'")  # names the body (§1.3)
    assert_error(api.patch(f"{Q}/p1/Cluster", [{"op": "replace", "path": "/hard_limit",
                                                 "value": 3}]), 400,
                 "Invalid input for field/attribute quota. Value: '[{'op': 'replace', 'path': "
                 "'/hard_limit', 'value': 3}]'. Value not a valid dict")


# --- delete ------------------------------------------------------------------------------

def test_delete(api):
    create(api, "p1")
    r = api.delete(f"{Q}/p1/Cluster")
    assert r.status_int == 204 and r.body == b""
    assert_error(api.delete(f"{Q}/p1/Cluster"), 404,
                 "Quota could not be found: project_id p1 resource Cluster.")


def test_delete_is_admin_only(api):
    create(api, "p-member")
    assert_error(api.delete(f"{Q}/p-member/Cluster", headers=MEMBER), 403,
                 "Policy doesn't allow quota:delete to be performed.")


# --- list --------------------------------------------------------------------------------

def test_list_own_project_unless_all_tenants(api):
    create(api, "p-admin")
    create(api, "p-other")
    r = api.get(Q, headers=ADMIN)
    assert r.status_int == 200
    assert [q["project_id"] for q in r.json["quotas"]] == ["p-admin"]
    assert list(r.json["quotas"][0]) == KEYS and "next" not in r.json
    r = api.get(f"{Q}?all_tenants=True", headers=ADMIN)
    assert [q["project_id"] for q in r.json["quotas"]] == ["p-admin", "p-other"]
    r = api.get(f"{Q}?all_tenants=0", headers=ADMIN)
    assert [q["project_id"] for q in r.json["quotas"]] == ["p-admin"]


def test_list_is_admin_only(api):
    assert_error(api.get(Q, headers=MEMBER), 403,
                 "Policy doesn't allow quota:get_all to be performed.")


def test_list_pages_by_integer_marker(api):
    ids = [create(api, f"p{i}")["id"] for i in range(5)]
    r = api.get(f"{Q}?all_tenants=True&limit=2")
    assert [q["id"] for q in r.json["quotas"]] == ids[:2]
    # the next link does not carry all_tenants (upstream quirk)
    assert r.json["next"] == (f"{BASE}/v1/quotas?sort_key=id&sort_dir=asc&limit=2"
                              f"&marker={ids[1]}")
    r = api.get(f"{Q}?all_tenants=True&limit=2&marker={ids[1]}")
    assert [q["id"] for q in r.json["quotas"]] == ids[2:4]
    r = api.get(f"{Q}?all_tenants=True&limit=2&marker={ids[3]}")
    assert [q["id"] for q in r.json["quotas"]] == ids[4:] and "next" not in r.json
    r = api.get(f"{Q}?all_tenants=True&sort_key=project_id&sort_dir=desc")
    assert [q["project_id"] for q in r.json["quotas"]] == ["p4", "p3", "p2", "p1", "p0"]


def test_list_limit_is_capped(api, override):
    override("max_limit", 2, group="api")
    for i in range(3):
        create(api, f"p{i}")
    r = api.get(f"{Q}?all_tenants=True&limit=50")
    assert len(r.json["quotas"]) == 2 and "limit=2&" in r.json["next"]


@pytest.mark.parametrize("query,status,detail", [
    ("marker=abc", 400, "Invalid input for field/attribute marker. Value: 'abc'. invalid "
                        "literal for int() with base 10: 'abc'"),
    ("marker=99999", 404, "Quota could not be found: quota id 99999 ."),
    ("limit=0", 400, "Limit must be positive"),
    ("sort_dir=up", 400, "Invalid sort direction: up. Acceptable values are 'asc' or 'desc'"),
    ("sort_key=foo", 400, 'The sort_key value "foo" is an invalid field for sorting'),
    ("all_tenants=maybe", 400, "Invalid input for field/attribute all_tenants. Value: "
                               "'maybe'. Unrecognized value 'maybe', acceptable values are: "
                               "'0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', "
                               "'y', 'yes'"),
    ("project_id=p", 400, 'Unknown argument: "project_id"'),
])
def test_list_query_errors(api, query, status, detail):
    assert_error(api.get(f"{Q}?{query}"), status, detail)


# --- enforcement by cluster create -------------------------------------------------------

def test_a_quota_row_of_one_refuses_the_second_cluster(api, override):
    override("max_clusters_per_project", 20, group="quotas")
    tpl = make_template(api, public=True)
    create(api, "p-member", hard_limit=1)
    make_cluster(api, tpl["uuid"], headers=MEMBER, name="c0")
    r = api.post("/v1/clusters", {"cluster_template_id": tpl["uuid"], "name": "c1"},
                 headers=MEMBER)
    assert_error(r, 403, "Resource limit exceeded: You have reached the maximum clusters per "
                         "project, 1. You may delete a cluster to make room for a new one.")
    # other projects keep the configured default
    make_cluster(api, tpl["uuid"], headers=OTHER, name="c2")
    # raising the quota makes room
    assert api.patch(f"{Q}/p-member/Cluster", {"hard_limit": 2}).status_int == 202
    make_cluster(api, tpl["uuid"], headers=MEMBER, name="c3")


def test_quota_comes_before_the_cloud_lookups(api, override):
    # reference §4.3: step 8 (quota, 403) precedes step 12 (flavor lookup, 400)
    tpl = make_template(api, public=True)
    create(api, "p-member", hard_limit=0)
    r = api.post("/v1/clusters", {"cluster_template_id": tpl["uuid"], "name": "c1",
                                  "flavor_id": "no-such-flavor"}, headers=MEMBER)
    assert_error(r, 403, "Resource limit exceeded: You have reached the maximum clusters per "
                         "project, 0. You may delete a cluster to make room for a new one.")


def test_the_insert_itself_enforces_the_quota(db):
    # the API's early check can race with another create; the insert's own count cannot
    from magnum_clone.common import exceptions as exc

    values = dict(uuid="6f0f7c1e-0000-4000-8000-000000000001", name="c",
                  cluster_template_id="t", project_id="p-q", user_id="u",
                  status="CREATE_IN_PROGRESS")
    db.create_cluster(values=values, nodegroups=[], quota_limit=1)
    with pytest.raises(exc.ClusterQuotaExceeded):
        db.create_cluster(values={**values, "uuid": "6f0f7c1e-0000-4000-8000-000000000002"},
                          nodegroups=[], quota_limit=1)
    assert db.count_clusters(project_id="p-q") == 1
