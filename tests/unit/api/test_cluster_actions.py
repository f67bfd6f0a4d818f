"""Cluster state changes: PATCH, resize, upgrade (cluster_actions.py, clusters.py PATCH;
reference §4.4, §4.6, §4.7, §12.2), the synchronous 409 for refused states, and a race."""

from __future__ import annotations

import threading

import pytest

from magnum_clone.common import states
from magnum_clone.db import api as db_api
from tests.unit.api.conftest import (
    MEMBER,
    assert_error,
    db_status,
    make_cluster,
    make_template,
    nodegroup_counts,
    set_status,
)

CL = "/v1/clusters"
READER = {"X-Roles": "reader", "X-Project-Id": "p-member", "X-User-Id": "u-reader"}
COLLEAGUE = {"X-Roles": "member,reader", "X-Project-Id": "p-member", "X-User-Id": "u-colleague"}
COMPLETE = sorted(str(s) for s in states.COMPLETE)
NOT_COMPLETE = sorted(set(states.ALL) - set(COMPLETE))


def rep(path, value):
    return {"op": "replace", "path": path, "value": value}


@pytest.fixture()
def cluster(api):
    """A CREATE_COMPLETE cluster of MEMBER: 1 master, 2 workers (min 0)."""
    tpl = make_template(api, headers=MEMBER, labels={"kube_tag": "v1"})
    uuid = make_cluster(api, tpl["uuid"], headers=MEMBER, node_count=2)
    set_status(uuid, "CREATE_COMPLETE")
    return uuid


def refused(status: str) -> str:
    return f'Updating a cluster when status is "{status}" is not supported.'


# --- PATCH (§4.4) ------------------------------------------------------------------------------

PATCH_ERRORS = [
    ([rep("/name", "x")], 400, "cannot change cluster property(ies) name."),
    ([rep("/labels", "{'a': 'b'}")], 400, "cannot change cluster property(ies) labels."),
    ([rep("/flavor_id", "m1.large"), rep("/labels", "{}")], 400,
     "cannot change cluster property(ies) flavor_id, labels."),
    ([rep("/master_count", 3)], 400, "cannot change cluster property(ies) master_count."),
    ([rep("/create_timeout", 5), rep("/node_count", 3)], 400,
     "cannot change cluster property(ies) create_timeout."),
    ([{"op": "add", "path": "/labels/x", "value": "y"}], 400,
     "cannot change cluster property(ies) labels."),
    ([{"op": "remove", "path": "/keypair"}], 400, "cannot change cluster property(ies) keypair."),
    ([{"op": "remove", "path": "/node_count"}], 400,
     "'/node_count' is a mandatory attribute and can not be removed"),
    ([rep("/node_count", -1)], 400, "Invalid input for field/attribute node_count. Value: "
                                    "'-1'. Value should be greater or equal to 0"),
    ([rep("/node_count", "many")], 400, "Invalid input for field/attribute node_count. Value: "
                                        "'many'. invalid literal for int() with base 10: 'many'"),
    ([rep("/health_status", "BAD")], 400,
     "Invalid input for field/attribute health_status. Value: 'BAD'. Value should be one of: "
     "HEALTHY, UNHEALTHY, UNKNOWN"),
    ([rep("/health_status_reason", "[1]")], 400, "health_status_reason must be a dict"),
    ([rep("/health_status_reason", "{'a':")], 400,
     "Couldn't apply patch '[{'path': '/health_status_reason', 'op': 'replace', 'value': "
     "\"{'a':\"}]'. Reason: ..."),
    ([{"op": "add", "path": "/node_count", "value": 3}], 400,
     "The attribute /node_count has existed, please use 'replace' operation instead."),
    ([{"op": "add", "path": "/bogus", "value": 3}], 400,
     "Adding a new attribute /bogus to the root of the resource is not allowed."),
]


INTERNAL = ("/uuid", "/id", "/links", "/created_at", "/updated_at", "/project_id", "/user_id",
            "/api_address", "/node_addresses", "/master_addresses", "/stack_id", "/cluster_id",
            "/ca_cert_ref", "/magnum_cert_ref", "/etcd_ca_cert_ref", "/front_proxy_ca_cert_ref")


def test_internal_attributes(api, cluster):
    before = api.get(f"{CL}/{cluster}", headers=MEMBER).json
    for path in INTERNAL:
        for op in ({"op": "replace", "path": path, "value": "x"},
                   {"op": "add", "path": path, "value": "x"}, {"op": "remove", "path": path}):
            assert_error(api.patch(f"{CL}/{cluster}", [op], headers=MEMBER), 400,
                         f"'{path}' is an internal attribute and can not be updated")
    assert api.get(f"{CL}/{cluster}", headers=MEMBER).json == before


@pytest.mark.parametrize("ops,status,detail", PATCH_ERRORS)
def test_patch_errors_change_nothing(api, cluster, ops, status, detail):
    before = api.get(f"{CL}/{cluster}", headers=MEMBER).json
    r = api.patch(f"{CL}/{cluster}", ops, headers=MEMBER)
    if detail.endswith("..."):
        assert r.status_int == status, r.text
        assert r.json["errors"][0]["detail"].startswith(detail[:-3])
    else:
        assert_error(r, status, detail)
    assert api.get(f"{CL}/{cluster}", headers=MEMBER).json == before


# (ops, worker count, status after, health_status, health_status_reason)
PATCH_OK = [
    ([rep("/node_count", 5)], 5, "UPDATE_IN_PROGRESS", None, {}),
    ([rep("/node_count", "4")], 4, "UPDATE_IN_PROGRESS", None, {}),
    ([rep("/node_count", 2)], 2, "CREATE_COMPLETE", None, {}),  # no change
    ([rep("/health_status", "UNHEALTHY")], 2, "CREATE_COMPLETE", "UNHEALTHY", {}),
    ([rep("/health_status_reason", "{'api': 'ok', 'node-0.Ready': True}")], 2,
     "CREATE_COMPLETE", None, {"api": "ok", "node-0.Ready": "True"}),
    ([rep("/health_status", "HEALTHY"), {"op": "add", "path": "/health_status_reason/api",
                                         "value": "ok"}],
     2, "CREATE_COMPLETE", "HEALTHY", {"api": "ok"}),
    ([rep("/node_count", 3), rep("/health_status", "HEALTHY")], 3, "UPDATE_IN_PROGRESS",
     "HEALTHY", {}),
    ([rep("/name", "c1")], 2, "CREATE_COMPLETE", None, {}),  # same value: not a change
    ([], 2, "CREATE_COMPLETE", None, {}),
]


@pytest.mark.parametrize("ops,workers,status,health,reason", PATCH_OK)
def test_patch_applies(api, cluster, ops, workers, status, health, reason):
    r = api.patch(f"{CL}/{cluster}", ops, headers=MEMBER)
    assert r.status_int == 202, r.text
    assert r.json == {"uuid": cluster}
    body = api.get(f"{CL}/{cluster}", headers=MEMBER).json
    assert (body["node_count"], body["master_count"]) == (workers, 1)
    assert nodegroup_counts(cluster) == {"default-master": 1, "default-worker": workers}
    assert (body["status"], body["health_status"], body["health_status_reason"]) == \
        (status, health, reason)


@pytest.mark.parametrize("status", COMPLETE)
def test_patch_allowed_statuses(api, cluster, status):
    set_status(cluster, status)
    r = api.patch(f"{CL}/{cluster}", [rep("/node_count", 3)], headers=MEMBER)
    assert r.status_int == 202, r.text
    assert db_status(cluster) == "UPDATE_IN_PROGRESS"
    row = db_api.get_instance().get_cluster(ident=cluster, project_id=None)
    assert {ng.name: ng.status for ng in row.nodegroups}["default-worker"] == \
        "UPDATE_IN_PROGRESS"


@pytest.mark.parametrize("status", NOT_COMPLETE)
def test_patch_refused_in_other_statuses(api, cluster, status):
    """A count change, a health change and an empty patch: all 409, nothing written."""
    set_status(cluster, status)
    before = api.get(f"{CL}/{cluster}", headers=MEMBER).json
    for ops in ([rep("/node_count", 3)], [rep("/health_status", "HEALTHY")], []):
        r = api.patch(f"{CL}/{cluster}", ops, headers=MEMBER)
        assert_error(r, 409, refused(status))
    assert api.get(f"{CL}/{cluster}", headers=MEMBER).json == before
    assert nodegroup_counts(cluster)["default-worker"] == 2


def test_field_errors_come_before_the_state_check(api, cluster):
    set_status(cluster, "CREATE_IN_PROGRESS")
    assert_error(api.patch(f"{CL}/{cluster}", [rep("/name", "x")], headers=MEMBER), 400,
                 "cannot change cluster property(ies) name.")


@pytest.mark.parametrize("headers,rule", [
    (READER, "cluster:update"),
    (COLLEAGUE, "cluster:update_health_status"),  # every PATCH: only the creator or admin
])
def test_patch_policy(api, cluster, headers, rule):
    r = api.patch(f"{CL}/{cluster}", [rep("/node_count", 3)], headers=headers)
    assert_error(r, 403, f"Policy doesn't allow {rule} to be performed.")
    assert nodegroup_counts(cluster)["default-worker"] == 2


def test_admin_may_patch_any_project(api, cluster):
    assert api.patch(f"{CL}/{cluster}", [rep("/node_count", 1)]).status_int == 202


def test_patch_of_a_missing_cluster(api):
    assert_error(api.patch(f"{CL}/nope", [rep("/node_count", 1)]), 404,
                 "Cluster nope could not be found.")
    assert_error(api.patch(f"{CL}/nope", {"op": "x"}), 400,
                 "Invalid input for field/attribute patch. Value: '{'op': 'x'}'. "
                 "Value not a valid list: {'op': 'x'}")


# --- resize (§4.6) ----------------------------------------------------------------------------

def resize(api, uuid, body, headers=MEMBER, version="latest"):
    return api.post(f"{CL}/{uuid}/actions/resize", body, headers=headers, version=version)


RESIZE_ERRORS = [
    ({}, 400, "Invalid input for field/attribute node_count. Value: 'None'. Mandatory field "
              "missing."),
    ({"node_count": None}, 400, "Invalid input for field/attribute node_count. Value: 'None'. "
                                "Mandatory field missing."),
    ({"node_count": -1}, 400, "Invalid input for field/attribute node_count. Value: '-1'. "
                              "Value should be greater or equal to 0"),
    ({"node_count": 3, "foo": 1}, 400, "Unknown attribute for argument cluster_resize_req: foo"),
    ({"node_count": 3, "nodegroup": "nope"}, 404, "Nodegroup nope could not be found."),
    ({"node_count": 3, "nodegroup": "default-master"}, 400,
     "Resizing the master nodegroup is not supported by this driver."),
    ({"node_count": 6}, 400, "Resizing default-worker outside the allowed range: "
                             "min_node_count = 1, max_node_count = 5"),
    ({"node_count": 0}, 400, "Resizing default-worker outside the allowed range: "
                             "min_node_count = 1, max_node_count = 5"),
]


@pytest.mark.parametrize("body,status,detail", RESIZE_ERRORS)
def test_resize_errors(api, cluster, body, status, detail):
    db = db_api.get_instance()
    worker = {ng.name: ng for ng in db.get_cluster(ident=cluster, project_id=None).nodegroups}
    db.update_nodegroup(uuid=worker["default-worker"].uuid,
                        values={"min_node_count": 1, "max_node_count": 5})
    assert_error(resize(api, cluster, body), status, detail)
    assert nodegroup_counts(cluster)["default-worker"] == 2
    assert db_status(cluster) == "CREATE_COMPLETE"


@pytest.mark.parametrize("body,workers", [
    ({"node_count": 4}, 4),
    ({"node_count": "3", "nodes_to_remove": None}, 3),
    ({"node_count": 1, "nodes_to_remove": ["server-1"], "nodegroup": "default-worker"}, 1),
    ({"node_count": 0}, 0),
])
def test_resize(api, cluster, body, workers):
    r = resize(api, cluster, body)
    assert r.status_int == 202, r.text
    assert r.json == {"uuid": cluster}
    assert nodegroup_counts(cluster) == {"default-master": 1, "default-worker": workers}
    row = db_api.get_instance().get_cluster(ident=cluster, project_id=None)
    assert row.status == "UPDATE_IN_PROGRESS"
    assert {ng.name: ng.status for ng in row.nodegroups}["default-worker"] == \
        "UPDATE_IN_PROGRESS"


def test_resize_by_nodegroup_uuid(api, cluster):
    row = db_api.get_instance().get_cluster(ident=cluster, project_id=None)
    worker = next(ng for ng in row.nodegroups if ng.role == "worker")
    assert resize(api, cluster, {"node_count": 3, "nodegroup": worker.uuid}).status_int == 202


@pytest.mark.parametrize("status", [*COMPLETE, "UPDATE_FAILED", "UPDATE_IN_PROGRESS"])
def test_resize_allowed_statuses(api, cluster, status):
    set_status(cluster, status)
    assert resize(api, cluster, {"node_count": 3}).status_int == 202


@pytest.mark.parametrize("status", sorted(set(NOT_COMPLETE) - {"UPDATE_FAILED",
                                                               "UPDATE_IN_PROGRESS"}))
def test_resize_refused_in_other_statuses(api, cluster, status):
    set_status(cluster, status)
    assert_error(resize(api, cluster, {"node_count": 3}), 409, refused(status))
    assert nodegroup_counts(cluster)["default-worker"] == 2
    assert db_status(cluster) == status


def test_resize_policy_and_lookup(api, cluster):
    assert_error(resize(api, cluster, {"node_count": 3}, headers=READER), 403,
                 "Policy doesn't allow cluster:resize to be performed.")
    assert_error(resize(api, "nope", {"node_count": 3}), 404, "Cluster nope could not be found.")
    # the zero-node rule is checked before the cluster is looked up
    assert_error(resize(api, "nope", {"node_count": 0}, version="1.9"), 400,
                 "Resizing a nodegroup to zero is not supported in the provided microversion.")


# --- upgrade (§4.7) ---------------------------------------------------------------------------

def upgrade(api, uuid, body, headers=MEMBER):
    return api.post(f"{CL}/{uuid}/actions/upgrade", body, headers=headers)


def test_upgrade_errors(api, cluster):
    tpl = api.get(f"{CL}/{cluster}", headers=MEMBER).json["cluster_template_id"]
    cases = [
        ({}, MEMBER, 400, "Invalid input for field/attribute cluster_template. Value: 'None'. "
                          "Mandatory field missing."),
        ({"cluster_template": tpl, "max_batch_size": 0}, MEMBER, 400,
         "Invalid input for field/attribute max_batch_size. Value: '0'. Value should be "
         "greater or equal to 1"),
        ({"cluster_template": tpl, "x": 1}, MEMBER, 400,
         "Unknown attribute for argument cluster_upgrade_req: x"),
        ({"cluster_template": "nope"}, MEMBER, 404, "ClusterTemplate nope could not be found."),
        ({"cluster_template": "nope"}, READER, 403,
         "Policy doesn't allow cluster:upgrade to be performed."),
        ({"cluster_template": tpl, "nodegroup": "nope"}, MEMBER, 404,
         "Nodegroup nope could not be found."),
        ({"cluster_template": tpl, "max_batch_size": 1, "nodegroup": "default-worker"}, MEMBER,
         400, "Upgrading a cluster that uses the Magnum Heat driver is not supported."),
    ]
    for body, headers, status, detail in cases:
        assert_error(upgrade(api, cluster, body, headers), status, detail)
    set_status(cluster, "UPDATE_IN_PROGRESS")
    assert_error(upgrade(api, cluster, {"cluster_template": tpl}), 400,
                 'Upgrading a cluster when status is "UPDATE_IN_PROGRESS" is not supported.')
    assert_error(upgrade(api, "nope", {"cluster_template": tpl}), 404,
                 "Cluster nope could not be found.")


# --- concurrency ----------------------------------------------------------------------------

def test_concurrent_patches_one_wins(api, cluster):
    """Two PATCHes of node_count at once: exactly one 202, the other 409, and the stored
    state is the winner's (the status compare-and-set is in the database)."""
    for attempt in range(5):
        set_status(cluster, "CREATE_COMPLETE")
        barrier = threading.Barrier(2)
        results: dict[int, object] = {}

        def go(count: int, barrier: threading.Barrier = barrier,
               results: dict[int, object] = results) -> None:
            barrier.wait()
            results[count] = api.patch(f"{CL}/{cluster}", [rep("/node_count", count)],
                                       headers=MEMBER)

        threads = [threading.Thread(target=go, args=(n,)) for n in (10 + attempt, 20 + attempt)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=30)
        statuses = sorted(r.status_int for r in results.values())
        assert statuses == [202, 409], {k: r.text for k, r in results.items()}
        (winner,) = [n for n, r in results.items() if r.status_int == 202]
        (loser,) = [r for r in results.values() if r.status_int == 409]
        assert_error(loser, 409, refused("UPDATE_IN_PROGRESS"))
        assert nodegroup_counts(cluster) == {"default-master": 1, "default-worker": winner}
        assert db_status(cluster) == "UPDATE_IN_PROGRESS"


def test_concurrent_patch_and_resize_one_wins(api, cluster):
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def patch() -> None:
        barrier.wait()
        results["patch"] = api.patch(f"{CL}/{cluster}", [rep("/node_count", 7)], headers=MEMBER)

    def resize_() -> None:
        barrier.wait()
        results["resize"] = resize(api, cluster, {"node_count": 8})

    threads = [threading.Thread(target=patch), threading.Thread(target=resize_)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    codes = {k: r.status_int for k, r in results.items()}
    # resize may follow a running update (autoscalers retry), a PATCH may not: whatever the
    # interleaving, the resize is accepted and its count is the one stored last
    assert codes["resize"] == 202 and codes["patch"] in (202, 409), codes
    assert nodegroup_counts(cluster)["default-worker"] == 8
    assert db_status(cluster) == "UPDATE_IN_PROGRESS"


def test_resize_with_an_empty_accept_header(api, cluster):
    """openstacksdk sends ``Accept: ''`` on the actions."""
    r = resize(api, cluster, {"node_count": 3, "nodes_to_remove": None},
               headers={**MEMBER, "Accept": ""})
    assert r.status_int == 202 and r.json == {"uuid": cluster}
