"""/v1/clusters: create, show, list, delete (reference §4.1-§4.3, §4.5, §12, §13).
PATCH, resize and upgrade are in test_cluster_actions.py."""

from __future__ import annotations

import re

import pytest

from magnum_clone.db import api as db_api
from magnum_clone.db.sqlalchemy import api as sa_api
from magnum_clone.db.sqlalchemy import models
from tests.unit.api.conftest import (
    MEMBER,
    OTHER,
    assert_error,
    make_cluster,
    make_template,
    set_status,
)

CL = "/v1/clusters"
BASE = "http://localhost"
READER = {"X-Roles": "reader", "X-Project-Id": "p-member", "X-User-Id": "u-reader"}
ZERO_DISK = "Flavor with zero root volume size is not supported when boot_volume_size is zero."
FULL = ["uuid", "name", "cluster_template_id", "keypair", "node_count", "master_count",
        "docker_volume_size", "labels", "master_flavor_id", "flavor_id", "create_timeout",
        "links", "cluster_id", "status", "status_reason", "health_status",
        "health_status_reason", "discovery_url", "api_address", "coe_version",
        "container_version", "project_id", "user_id", "node_addresses", "master_addresses",
        "fixed_network", "fixed_subnet", "floating_ip_enabled", "merge_labels",
        "labels_overridden", "labels_added", "labels_skipped", "master_lb_enabled",
        "created_at", "updated_at"]
LIST = ["uuid", "name", "cluster_template_id", "keypair", "node_count", "master_count",
        "docker_volume_size", "labels", "master_flavor_id", "flavor_id", "create_timeout",
        "links", "cluster_id", "status", "health_status", "merge_labels"]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")


def nodegroups(uuid: str) -> dict[str, models.NodeGroup]:
    row = db_api.get_instance().get_cluster(ident=uuid, project_id=None)
    return {ng.name: ng for ng in row.nodegroups}


@pytest.fixture()
def tpl(api):
    """A public template (every project may use it) with labels and network settings."""
    return make_template(api, name="tpl", public=True, keypair_id="default",
                         labels={"kube_tag": "v1", "a": "b", "min_node_count": "1"},
                         docker_volume_size=5, fixed_network="private",
                         fixed_subnet="private-subnet", master_lb_enabled=True,
                         floating_ip_enabled=False)


def test_create_answers_202_uuid_and_the_cluster_exists_at_once(api, tpl):
    r = api.post(CL, {"cluster_template_id": tpl["name"]}, headers=MEMBER)
    assert r.status_int == 202, r.text
    assert list(r.json) == ["uuid"]
    uuid = r.json["uuid"]
    body = api.get(f"{CL}/{uuid}", headers=MEMBER).json
    assert list(body) == FULL
    assert re.match(r"^[a-z]+-([1-9]|1\d|2[0-4])-cluster$", body["name"]), body["name"]
    assert TIMESTAMP.match(body["created_at"])
    assert body == {
        "uuid": uuid, "name": body["name"], "cluster_template_id": tpl["uuid"],
        "keypair": "default", "node_count": 1, "master_count": 1, "docker_volume_size": 5,
        "labels": {"kube_tag": "v1", "a": "b", "min_node_count": "1"},
        "master_flavor_id": "m1.small", "flavor_id": "m1.small", "create_timeout": 60,
        "links": [{"href": f"{BASE}/v1/clusters/{uuid}", "rel": "self"},
                  {"href": f"{BASE}/clusters/{uuid}", "rel": "bookmark"}],
        "cluster_id": None, "status": "CREATE_IN_PROGRESS", "status_reason": body["status_reason"],
        "health_status": None, "health_status_reason": {}, "discovery_url": None,
        "api_address": None, "coe_version": None, "container_version": None,
        "project_id": "p-member", "user_id": "u-member", "node_addresses": [],
        "master_addresses": [], "fixed_network": "private", "fixed_subnet": "private-subnet",
        "floating_ip_enabled": False, "merge_labels": False, "labels_overridden": {},
        "labels_added": {}, "labels_skipped": {}, "master_lb_enabled": True,
        "created_at": body["created_at"], "updated_at": None,
    }
    ngs = nodegroups(uuid)
    assert set(ngs) == {"default-master", "default-worker"}
    master, worker = ngs["default-master"], ngs["default-worker"]
    assert (master.role, master.node_count, master.is_default) == ("master", 1, True)
    assert (worker.role, worker.node_count, worker.is_default) == ("worker", 1, True)
    assert worker.min_node_count == 1  # from the label
    assert master.status == worker.status == "CREATE_IN_PROGRESS"
    assert master.image_id == worker.image_id == "fedora-coreos-latest"
    assert worker.labels == body["labels"] and worker.docker_volume_size == 5


def test_counts_and_flavors_go_to_the_default_nodegroups(api, tpl):
    uuid = make_cluster(api, tpl["uuid"], node_count=4, master_count=3, flavor_id="m1.medium",
                        master_flavor_id="m1.large")
    body = api.get(f"{CL}/{uuid}").json
    assert (body["node_count"], body["master_count"]) == (4, 3)
    ngs = nodegroups(uuid)
    assert (ngs["default-master"].node_count, ngs["default-master"].flavor_id) == (3, "m1.large")
    assert (ngs["default-worker"].node_count, ngs["default-worker"].flavor_id) == (4, "m1.medium")


# (cluster body, expected values in the representation): §4.3 step 10
INHERITANCE = [
    ({}, {"keypair": "default", "docker_volume_size": 5, "flavor_id": "m1.small",
          "master_flavor_id": "m1.small", "fixed_network": "private",
          "fixed_subnet": "private-subnet", "floating_ip_enabled": False,
          "master_lb_enabled": True, "labels": {"kube_tag": "v1", "a": "b",
                                                "min_node_count": "1"}}),
    ({"keypair": None, "labels": {}, "docker_volume_size": None}, {
        "keypair": "default", "docker_volume_size": 5,
        "labels": {"kube_tag": "v1", "a": "b", "min_node_count": "1"}}),
    ({"keypair": "default", "docker_volume_size": 9, "flavor_id": "m1.medium",
      "master_flavor_id": "m1.large", "fixed_network": "private", "fixed_subnet": None,
      "floating_ip_enabled": True, "master_lb_enabled": False}, {
        "docker_volume_size": 9, "flavor_id": "m1.medium", "master_flavor_id": "m1.large",
        "fixed_subnet": "private-subnet", "floating_ip_enabled": True,
        "master_lb_enabled": False}),
    ({"labels": {"kube_tag": "v2", "z": 1}}, {
        "labels": {"kube_tag": "v2", "z": "1"}, "labels_overridden": {"kube_tag": "v1"},
        "labels_added": {"z": "1"}, "labels_skipped": {"a": "b", "min_node_count": "1"}}),
    ({"labels": {"kube_tag": "v2", "z": True}, "merge_labels": True}, {
        "labels": {"kube_tag": "v2", "a": "b", "min_node_count": "1", "z": "True"},
        "labels_overridden": {"kube_tag": "v1"}, "labels_added": {"z": "True"},
        "labels_skipped": {}, "merge_labels": False}),
    ({"labels": {}, "merge_labels": "true"}, {
        "labels": {"kube_tag": "v1", "a": "b", "min_node_count": "1"}, "labels_added": {}}),
    ({"discovery_url": "https://discovery.etcd.io/x", "create_timeout": 0},
     {"discovery_url": "https://discovery.etcd.io/x", "create_timeout": 0}),
]


@pytest.mark.parametrize("body,expected", INHERITANCE)
def test_inheritance_from_the_template(api, tpl, body, expected):
    uuid = make_cluster(api, tpl["uuid"], **body)
    shown = api.get(f"{CL}/{uuid}").json
    for k, v in expected.items():
        assert shown[k] == v, k
    if "labels" in expected:
        assert nodegroups(uuid)["default-worker"].labels == expected["labels"]


def test_cluster_without_keypair_anywhere(api):
    tpl = make_template(api, keypair_id=None)
    uuid = make_cluster(api, tpl["uuid"])
    assert api.get(f"{CL}/{uuid}").json["keypair"] is None


# (body changes, headers, version, status, detail): one rule each, then the order (§4.3)
CREATE_ERRORS = [
    ({"cluster_template_id": "nope"}, None, "1.9", 400,
     "ClusterTemplate nope could not be found."),
    ({"cluster_template_id": "nope"}, None, "1.10", 404,
     "ClusterTemplate nope could not be found."),
    ({"cluster_template_id": "private"}, OTHER, "1.14", 404,
     "ClusterTemplate private could not be found."),
    ({"cluster_template_id": "dm"}, None, "1.14", 400,
     "docker volume size 2 GB is not valid, expecting minimum value 3GB for devicemapper "
     "storage driver."),
    ({"master_count": 2, "master_lb_enabled": True}, None, "1.14", 400,
     "master nodegroup size of 2 is invalid, size cannot be an even number."),
    ({"node_count": 0}, None, "1.9", 400,
     "Resizing a nodegroup to zero is not supported in the provided microversion."),
    ({}, READER, "1.14", 403, "Policy doesn't allow cluster:create to be performed."),
    ({"cluster_template_id": "hidden"}, MEMBER, "1.14", 403, "Not authorized."),
    ({"labels": {"flannel_backend": "x"}}, None, "1.14", 400,
     "Invalid value 'x' for label flannel_backend: expected one of udp, vxlan, host-gw."),
    ({"flavor_id": "m1.tiny"}, None, "1.14", 400, ZERO_DISK),
    ({"master_flavor_id": "m1.tiny"}, None, "1.14", 400, ZERO_DISK),
    ({"flavor_id": "nope"}, None, "1.14", 400, "Unable to find flavor nope."),
    ({"master_flavor_id": "nope"}, None, "1.14", 400, "Unable to find flavor nope."),
    ({"fixed_network": "nope"}, None, "1.14", 400, "Unable to find fixed network nope."),
    ({"fixed_subnet": "nope"}, None, "1.14", 400, "Unable to find fixed subnet nope."),
    ({"keypair": "nope"}, None, "1.14", 404, "Unable to find keypair nope."),
    ({"master_count": 3}, None, "1.14", 400,
     "master_count must be 1 when master_lb_enabled is False"),
    ({"master_count": 3, "master_lb_enabled": "false"}, None, "1.14", 400,
     "master_count must be 1 when master_lb_enabled is False"),
    # first failure wins
    ({"cluster_template_id": "nope", "node_count": 0}, None, "1.9", 400,
     "ClusterTemplate nope could not be found."),
    ({"node_count": 0}, READER, "1.9", 400,
     "Resizing a nodegroup to zero is not supported in the provided microversion."),
    ({"master_count": 2}, READER, "1.14", 400,
     "master nodegroup size of 2 is invalid, size cannot be an even number."),
    ({"keypair": "nope"}, READER, "1.14", 403,
     "Policy doesn't allow cluster:create to be performed."),
    ({"flavor_id": "m1.tiny", "keypair": "nope"}, None, "1.14", 400, ZERO_DISK),
    ({"keypair": "nope", "master_count": 3}, None, "1.14", 404, "Unable to find keypair nope."),
]


@pytest.mark.parametrize("changes,headers,version,status,detail", CREATE_ERRORS)
def test_create_rules_and_their_order(api, changes, headers, version, status, detail):
    make_template(api, name="base", public=True)
    make_template(api, name="private", headers=MEMBER)
    make_template(api, name="dm", public=True, docker_storage_driver="devicemapper",
                  docker_volume_size=3)
    hidden = make_template(api, name="hidden", headers=MEMBER)
    assert api.patch(f"/v1/clustertemplates/{hidden['uuid']}",
                     [{"op": "replace", "path": "/hidden", "value": True}]).status_int == 200
    body = {"cluster_template_id": "base", "name": "c1", **changes}
    if body["cluster_template_id"] == "dm":
        body["docker_volume_size"] = 2
    r = api.post(CL, body, headers=headers, version=version)
    assert_error(r, status, detail)
    assert db_api.get_instance().count_clusters(project_id=None) == 0


@pytest.mark.parametrize("changes", [
    {"flavor_id": "m1.tiny", "master_flavor_id": "m1.tiny",
     "labels": {"boot_volume_size": "20"}},
    {"master_count": 3, "master_lb_enabled": True},
    {"node_count": 0},
    {"keypair": "default"},
])
def test_create_accepts(api, changes):
    tpl = make_template(api)
    make_cluster(api, tpl["uuid"], **changes)


def test_template_without_flavors(api):
    """Upstream quirk fixed: no 'Unable to find flavor None.' when nothing names a flavor."""
    tpl = make_template(api, flavor_id=None, master_flavor_id=None)
    uuid = make_cluster(api, tpl["uuid"])
    assert api.get(f"{CL}/{uuid}").json["flavor_id"] is None


@pytest.mark.parametrize("source", ["config", "row"])
def test_quota(api, override, source):
    tpl = make_template(api, public=True)
    if source == "config":
        override("max_clusters_per_project", 1, group="quotas")
        limit = 1
    else:
        override("max_clusters_per_project", 0, group="quotas")
        with sa_api.get_engine().begin() as conn:
            conn.execute(models.Quota.__table__.insert().values(
                project_id="p-member", resource="Cluster", hard_limit=2))
        limit = 2
    for i in range(limit):
        make_cluster(api, tpl["uuid"], headers=MEMBER, name=f"c{i}")
    r = api.post(CL, {"cluster_template_id": tpl["uuid"]}, headers=MEMBER)
    assert_error(r, 403, f"Resource limit exceeded: You have reached the maximum clusters per "
                         f"project, {limit}. You may delete a cluster to make room for a new "
                         "one.")
    r = api.post(CL, {"cluster_template_id": tpl["uuid"]}, headers=OTHER)
    if source == "config":  # other projects are counted apart
        assert r.status_int == 202, r.text
    else:  # a project without a row gets the configured limit
        assert_error(r, 403, "Resource limit exceeded: You have reached the maximum clusters "
                             "per project, 0. You may delete a cluster to make room for a new "
                             "one.")


# --- show and list -----------------------------------------------------------------------

def test_list_items_and_detail(api, tpl):
    uuid = make_cluster(api, tpl["uuid"], labels={"z": 1})
    full = api.get(f"{CL}/{uuid}").json
    (item,) = api.get(CL).json["clusters"]
    assert list(item) == LIST
    assert item == {k: full[k] for k in LIST}
    assert api.get(f"{CL}/detail").json == {"clusters": [full]}
    old = api.get(CL, version="1.12").json["clusters"][0]
    assert list(old) == [k if k != "cluster_id" else "stack_id" for k in LIST]


@pytest.mark.parametrize("status", ["CREATE_FAILED", "UPDATE_FAILED", "DELETE_FAILED",
                                    "ROLLBACK_FAILED", "RESUME_FAILED"])
def test_faults_for_failed_statuses(api, tpl, status):
    uuid = make_cluster(api, tpl["uuid"])
    set_status(uuid, status, status_reason="boom", nodegroups={
        "default-worker": {"status": "CREATE_FAILED", "status_reason": "quota exceeded"},
        "default-master": {"status": "CREATE_COMPLETE", "status_reason": "ok"}})
    body = api.get(f"{CL}/{uuid}").json
    assert body["faults"] == {"default-worker": "quota exceeded"}
    assert list(body) == FULL[:25] + ["faults"] + FULL[25:]
    assert api.get(f"{CL}/detail").json["clusters"][0]["faults"] == body["faults"]
    assert "faults" not in api.get(CL).json["clusters"][0]


@pytest.mark.parametrize("status", ["CREATE_IN_PROGRESS", "CREATE_COMPLETE", "UPDATE_COMPLETE",
                                    "DELETE_IN_PROGRESS", "ROLLBACK_COMPLETE"])
def test_no_faults_otherwise(api, tpl, status):
    uuid = make_cluster(api, tpl["uuid"])
    set_status(uuid, status, nodegroups={"default-worker": {"status": "CREATE_FAILED"}})
    assert "faults" not in api.get(f"{CL}/{uuid}").json


def test_backend_fields_are_rendered(api, tpl):
    uuid = make_cluster(api, tpl["uuid"])
    set_status(uuid, "CREATE_COMPLETE", stack_id="stk", api_address="https://1.2.3.4:6443",
               coe_version="v1.27", container_version="1.12", health_status="HEALTHY",
               health_status_reason={"api": "ok", "n": 1}, nodegroups={
                   "default-worker": {"node_addresses": ["10.0.0.5", "10.0.0.6"]},
                   "default-master": {"node_addresses": ["10.0.0.4"]}})
    body = api.get(f"{CL}/{uuid}").json
    assert {k: body[k] for k in ("cluster_id", "api_address", "coe_version",
                                 "container_version", "health_status", "health_status_reason",
                                 "node_addresses", "master_addresses")} == {
        "cluster_id": "stk", "api_address": "https://1.2.3.4:6443", "coe_version": "v1.27",
        "container_version": "1.12", "health_status": "HEALTHY",
        "health_status_reason": {"api": "ok", "n": "1"},
        "node_addresses": ["10.0.0.5", "10.0.0.6"], "master_addresses": ["10.0.0.4"]}
    assert TIMESTAMP.match(body["updated_at"])


def test_visibility(api, tpl):
    mine = make_cluster(api, tpl["uuid"], headers=MEMBER, name="mine")
    theirs = make_cluster(api, tpl["uuid"], headers=OTHER, name="theirs")
    assert [c["uuid"] for c in api.get(CL, headers=MEMBER).json["clusters"]] == [mine]
    assert [c["uuid"] for c in api.get(f"{CL}/detail", headers=OTHER).json["clusters"]] == \
        [theirs]
    assert {c["uuid"] for c in api.get(CL).json["clusters"]} == {mine, theirs}  # admin
    for ident in (theirs, "theirs"):
        assert_error(api.get(f"{CL}/{ident}", headers=MEMBER), 404,
                     f"Cluster {ident} could not be found.")
        assert_error(api.delete(f"{CL}/{ident}", headers=MEMBER), 404,
                     f"Cluster {ident} could not be found.")
        assert_error(api.patch(f"{CL}/{ident}", [], headers=MEMBER), 404,
                     f"Cluster {ident} could not be found.")
    assert_error(api.get(f"{CL}?marker={theirs}", headers=MEMBER), 404,
                 f"Cluster {theirs} could not be found.")
    assert api.get(f"{CL}/theirs").status_int == 200


def test_duplicate_names_are_409(api, tpl):
    a = make_cluster(api, tpl["uuid"], name="twin")
    make_cluster(api, tpl["uuid"], name="twin")
    dup = "Multiple clusters exist with same name. Please use the cluster uuid instead."
    assert_error(api.get(f"{CL}/twin"), 409, dup)
    assert_error(api.delete(f"{CL}/twin"), 409, dup)
    assert_error(api.patch(f"{CL}/twin", []), 409, dup)
    assert api.get(f"{CL}/{a}").status_int == 200


def test_pagination(api, tpl):
    uuids = [make_cluster(api, tpl["uuid"], name=f"c{i}") for i in range(3)]
    for path in ("clusters", "clusters/detail"):
        r = api.get(f"/v1/{path}?limit=2")
        assert [c["uuid"] for c in r.json["clusters"]] == uuids[:2]
        assert r.json["next"] == (f"{BASE}/v1/{path}?sort_key=id&sort_dir=asc&limit=2"
                                  f"&marker={uuids[1]}")
        r = api.get(r.json["next"].removeprefix(BASE))
        assert [c["uuid"] for c in r.json["clusters"]] == uuids[2:] and "next" not in r.json
    r = api.get(f"{CL}?sort_key=name&sort_dir=desc")
    assert [c["name"] for c in r.json["clusters"]] == ["c2", "c1", "c0"]
    assert_error(api.get(f"{CL}?sort_key=bogus"), 400,
                 'The sort_key value "bogus" is an invalid field for sorting')
    assert_error(api.get(f"{CL}/detail?marker=x"), 400,
                 "Invalid input for field/attribute marker. Value: 'x'. unable to convert to "
                 "uuid. Error: Expected a uuid but received x.")
    assert_error(api.get(f"{CL}?limit=0"), 400, "Limit must be positive")


# --- delete (§4.5) ----------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["CREATE_IN_PROGRESS", "CREATE_COMPLETE", "UPDATE_FAILED",
                                    "DELETE_IN_PROGRESS", "DELETE_FAILED"])
def test_delete_from_any_status(api, tpl, status):
    uuid = make_cluster(api, tpl["uuid"], headers=MEMBER)
    set_status(uuid, status)
    r = api.delete(f"{CL}/{uuid}", headers=MEMBER)
    assert r.status_int == 204 and r.body == b""
    body = api.get(f"{CL}/{uuid}", headers=MEMBER).json
    assert body["status"] == "DELETE_IN_PROGRESS"
    assert {ng.status for ng in nodegroups(uuid).values()} == {"DELETE_IN_PROGRESS"}


def test_delete_policy(api, tpl):
    uuid = make_cluster(api, tpl["uuid"], headers=MEMBER)
    assert_error(api.delete(f"{CL}/{uuid}", headers=READER), 403,
                 "Policy doesn't allow cluster:delete to be performed.")
    assert api.get(f"{CL}/{uuid}").json["status"] == "CREATE_IN_PROGRESS"
    assert api.delete(f"{CL}/{uuid}").status_int == 204  # admin, another project


def test_reader_may_read(api, tpl):
    uuid = make_cluster(api, tpl["uuid"], headers=MEMBER)
    for path in (f"{CL}/{uuid}", CL, f"{CL}/detail"):
        assert api.get(path, headers=READER).status_int == 200
    no_role = {**READER, "X-Roles": "other"}
    assert_error(api.get(f"{CL}/{uuid}", headers=no_role), 403,
                 "Policy doesn't allow cluster:get to be performed.")
    assert_error(api.get(CL, headers=no_role), 403,
                 "Policy doesn't allow cluster:get_all to be performed.")
    assert_error(api.get(f"{CL}/detail", headers=no_role), 403,
                 "Policy doesn't allow cluster:detail to be performed.")


def test_create_ignores_a_uuid_in_the_body(api, tpl):
    given = "5d12f6fd-a196-4bf0-ae4c-1f639a523a52"
    r = api.post(CL, {"cluster_template_id": tpl["uuid"], "uuid": given})
    assert r.status_int == 202 and r.json["uuid"] != given
    assert_error(api.get(f"{CL}/{given}"), 404, f"Cluster {given} could not be found.")


def test_a_named_driver_that_does_not_fit_the_template_is_refused_at_create(api):
    # template create does not check a named driver's tuple (reference §13.6); cluster create
    # does (§4.3 step 3), so no kubernetes template builds a Mesos stack
    tpl = make_template(api, driver="mesos_ubuntu_v1")
    r = api.post("/v1/clusters", {"name": "c1", "cluster_template_id": tpl["uuid"]})
    assert_error(r, 400, "Cluster type (vm, fedora-coreos, kubernetes) not supported.")
    assert api.get("/v1/clusters").json["clusters"] == []
