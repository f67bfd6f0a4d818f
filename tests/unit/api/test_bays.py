"""The legacy /v1/baymodels and /v1/bays (bays.py, cluster_templates.BayModelsController;
reference §3.6, §4.8): same storage as templates and clusters, renamed fields, and bays that
answered synchronously at 1.1."""

from __future__ import annotations

import re

import pytest

from tests.unit.api.conftest import (
    MEMBER,
    assert_error,
    assert_error_startswith,
    make_template,
    nodegroup_counts,
    set_status,
)

BM = "/v1/baymodels"
BAYS = "/v1/bays"
BASE = "http://localhost"
READER = {"X-Roles": "reader", "X-Project-Id": "p-member", "X-User-Id": "u-reader"}
BAY_LIST = ["uuid", "name", "baymodel_id", "docker_volume_size", "labels", "master_flavor_id",
            "flavor_id", "node_count", "status", "bay_create_timeout", "master_count",
            "stack_id"]


def baymodel_body(**kw):
    body = {"name": "bm", "coe": "kubernetes", "image_id": "fedora-coreos-latest",
            "keypair_id": "default", "external_network_id": "public", "flavor_id": "m1.small"}
    body.update(kw)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture()
def baymodel(api):
    r = api.post(BM, baymodel_body(labels={"a": "b"}), version="1.1")
    assert r.status_int == 201, r.text
    return r.json


# --- baymodels ---------------------------------------------------------------------------------

def test_baymodel_representation(api, baymodel):
    uuid = baymodel["uuid"]
    tpl = api.get(f"/v1/clustertemplates/{uuid}").json
    assert "project_id" not in baymodel and "user_id" not in baymodel
    assert "driver" not in baymodel
    assert baymodel["links"] == [{"href": f"{BASE}/v1/baymodels/{uuid}", "rel": "self"},
                                 {"href": f"{BASE}/baymodels/{uuid}", "rel": "bookmark"}]
    same = {k: v for k, v in tpl.items() if k not in ("project_id", "user_id", "driver",
                                                      "links")}
    assert {k: v for k, v in baymodel.items() if k != "links"} == same
    assert api.get(f"{BM}/{uuid}").json == baymodel
    assert api.get(BM).json == {"baymodels": [baymodel]}
    assert api.get(f"{BM}/detail").json == {"baymodels": [baymodel]}


def test_baymodel_generated_name(api):
    r = api.post(BM, baymodel_body(name=None))
    assert re.match(r"^[a-z]+-([1-9]|1\d|2[0-4])-model$", r.json["name"]), r.json["name"]


@pytest.mark.parametrize("changes,status,detail", [
    ({"keypair_id": None}, 400,
     "Invalid input for field/attribute keypair_id. Value: 'None'. Mandatory field missing."),
    ({"dns_nameserver": "8.8.8.8,8.8.4.4"}, 400,
     "Invalid input for field/attribute dns_nameserver. Value: '8.8.8.8,8.8.4.4'. "
     "Value should be IPv4 format"),
    ({"labels": {"n": 1}}, 400, "Invalid input for field/attribute labels..."),
    ({"project_id": "p"}, 400, "Invalid input for field/attribute project_id. Value: 'p'. "
                               "Cannot set read only field."),
    ({"foo": 1}, 400, "Unknown attribute for argument baymodel: foo"),
    ({"public": True}, 403, "Not authorized to set public or hidden flag for cluster template."),
])
def test_baymodel_errors(api, changes, status, detail):
    r = api.post(BM, baymodel_body(**changes), headers=MEMBER)
    if detail.endswith("..."):
        assert_error_startswith(r, status, detail[:-3])
    else:
        assert_error(r, status, detail)


def test_baymodel_accepts_one_dns_address(api):
    r = api.post(BM, baymodel_body(dns_nameserver="8.8.8.8"))
    assert r.status_int == 201 and r.json["dns_nameserver"] == "8.8.8.8"


def test_baymodel_policies(api, baymodel):
    assert_error(api.post(BM, baymodel_body(), headers=READER), 403,
                 "Policy doesn't allow baymodel:create to be performed.")
    uuid = api.post(BM, baymodel_body(), headers=MEMBER).json["uuid"]
    assert_error(api.delete(f"{BM}/{uuid}", headers=READER), 403,
                 "Policy doesn't allow baymodel:delete to be performed.")
    assert_error(api.patch(f"{BM}/{uuid}", [{"op": "replace", "path": "/name", "value": "n"}],
                           headers=READER), 403,
                 "Policy doesn't allow baymodel:update to be performed.")


def test_baymodel_patch_and_delete(api, baymodel):
    uuid = baymodel["uuid"]
    r = api.patch(f"{BM}/{uuid}", [{"op": "replace", "path": "/name", "value": "renamed"}])
    assert r.status_int == 200, r.text
    assert r.json["name"] == "renamed" and "project_id" not in r.json
    r = api.patch(f"{BM}/{uuid}", [{"op": "remove", "path": "/keypair_id"}])
    assert_error(r, 400, "Invalid input for field/attribute keypair_id. Value: 'None'. "
                         "Mandatory field missing.")
    assert api.delete(f"{BM}/{uuid}").status_int == 204
    assert_error(api.get(f"{BM}/{uuid}"), 404, f"ClusterTemplate {uuid} could not be found.")


# --- bays --------------------------------------------------------------------------------------

def test_bay_create_at_1_1_is_synchronous(api, baymodel):
    r = api.post(BAYS, {"name": "b1", "baymodel_id": "bm", "node_count": 2,
                        "bay_create_timeout": 15}, version="1.1")
    assert r.status_int == 201, r.text
    bay = r.json
    uuid = bay["uuid"]
    assert r.headers["Location"] == f"{BASE}/v1/bays/{uuid}"
    assert bay["baymodel_id"] == baymodel["uuid"]
    assert (bay["node_count"], bay["master_count"], bay["bay_create_timeout"]) == (2, 1, 15)
    assert bay["status"] == "CREATE_IN_PROGRESS"
    assert bay["links"] == [{"href": f"{BASE}/v1/bays/{uuid}", "rel": "self"},
                            {"href": f"{BASE}/bays/{uuid}", "rel": "bookmark"}]
    for gone in ("cluster_template_id", "create_timeout", "keypair", "faults", "cluster_id",
                 "merge_labels", "labels_added", "health_status"):
        assert gone not in bay, gone
    assert api.get(f"{BAYS}/{uuid}", version="1.1").json == bay
    # the bay is a cluster
    cluster = api.get(f"/v1/clusters/{uuid}").json
    assert (cluster["cluster_template_id"], cluster["create_timeout"], cluster["keypair"]) == \
        (baymodel["uuid"], 15, "default")


@pytest.mark.parametrize("version", ["1.2", "1.10", "1.14"])
def test_bay_create_from_1_2_is_asynchronous(api, baymodel, version):
    r = api.post(BAYS, {"name": "b1", "baymodel_id": baymodel["uuid"]}, version=version)
    assert r.status_int == 202, r.text
    assert list(r.json) == ["uuid"]
    assert "Location" not in r.headers
    bay = api.get(f"{BAYS}/{r.json['uuid']}").json
    assert (bay["node_count"], bay["bay_create_timeout"]) == (1, 60)


def test_bay_lists(api, baymodel):
    uuid = api.post(BAYS, {"name": "b1", "baymodel_id": "bm"}).json["uuid"]
    full = api.get(f"{BAYS}/{uuid}").json
    (item,) = api.get(BAYS).json["bays"]
    assert list(item) == BAY_LIST
    assert item == {k: full[k] for k in BAY_LIST}
    assert api.get(f"{BAYS}/detail").json == {"bays": [full]}


@pytest.mark.parametrize("body,version,status,detail", [
    ({"name": "b1"}, "1.1", 400,
     "Invalid input for field/attribute baymodel_id. Value: 'None'. Mandatory field missing."),
    ({"baymodel_id": "nope"}, "1.1", 400, "ClusterTemplate nope could not be found."),
    ({"baymodel_id": "nope"}, "1.14", 400, "ClusterTemplate nope could not be found."),
    ({"baymodel_id": "bm", "node_count": 0}, "1.14", 400,
     "Invalid input for field/attribute node_count. Value: '0'. "
     "Value should be greater or equal to 1"),
    ({"baymodel_id": "bm", "keypair": "default"}, "1.1", 400,
     "Unknown attribute for argument bay: keypair"),
    ({"baymodel_id": "bm", "cluster_template_id": "bm"}, "1.1", 400,
     "Unknown attribute for argument bay: cluster_template_id"),
    ({"baymodel_id": "bm", "create_timeout": 5}, "1.1", 400,
     "Unknown attribute for argument bay: create_timeout"),
    ({"baymodel_id": "bm", "name": "9lives"}, "1.1", 400,
     "Invalid input for field/attribute name. Value: '9lives'. "
     "Value should match the pattern ^[a-zA-Z][a-zA-Z0-9_.-]*$"),
    ({"baymodel_id": "bm", "master_count": 3}, "1.1", 400,
     "master_count must be 1 when master_lb_enabled is False"),
])
def test_bay_create_errors(api, baymodel, body, version, status, detail):
    assert_error(api.post(BAYS, body, version=version), status, detail)
    assert api.get(BAYS).json == {"bays": []}


def test_bay_policy(api):
    mine = api.post(BM, baymodel_body(), headers=MEMBER).json["uuid"]
    assert_error(api.post(BAYS, {"baymodel_id": mine}, headers=READER), 403,
                 "Policy doesn't allow bay:create to be performed.")


def test_bay_update_at_1_1_answers_the_bay(api, baymodel):
    uuid = api.post(BAYS, {"name": "b1", "baymodel_id": "bm"}, version="1.1").json["uuid"]
    set_status(uuid, "CREATE_COMPLETE")
    r = api.patch(f"{BAYS}/{uuid}", [{"op": "replace", "path": "/node_count", "value": 3}],
                  version="1.1")
    assert r.status_int == 200, r.text
    assert (r.json["uuid"], r.json["node_count"], r.json["status"]) == \
        (uuid, 3, "UPDATE_IN_PROGRESS")
    assert nodegroup_counts(uuid)["default-worker"] == 3


def test_bay_update_from_1_2(api, baymodel):
    uuid = api.post(BAYS, {"name": "b1", "baymodel_id": "bm"}).json["uuid"]
    set_status(uuid, "CREATE_COMPLETE")
    r = api.patch(f"{BAYS}/{uuid}", [{"op": "replace", "path": "/node_count", "value": 2}],
                  version="1.2")
    assert r.status_int == 202 and r.json == {"uuid": uuid}
    assert nodegroup_counts(uuid)["default-worker"] == 2


@pytest.mark.parametrize("ops,status,detail", [
    ([{"op": "replace", "path": "/name", "value": "x"}], 400,
     "cannot change bay property(ies) name."),
    ([{"op": "replace", "path": "/node_count", "value": 0}], 400,
     "Invalid input for field/attribute node_count. Value: '0'. "
     "Value should be greater or equal to 1"),
    ([{"op": "replace", "path": "/stack_id", "value": "x"}], 400,
     "'/stack_id' is an internal attribute and can not be updated"),
])
def test_bay_update_errors(api, baymodel, ops, status, detail):
    uuid = api.post(BAYS, {"name": "b1", "baymodel_id": "bm"}).json["uuid"]
    set_status(uuid, "CREATE_COMPLETE")
    assert_error(api.patch(f"{BAYS}/{uuid}", ops), status, detail)
    assert nodegroup_counts(uuid)["default-worker"] == 1


def test_bay_update_refused_while_busy(api, baymodel):
    uuid = api.post(BAYS, {"name": "b1", "baymodel_id": "bm"}).json["uuid"]
    r = api.patch(f"{BAYS}/{uuid}", [{"op": "replace", "path": "/node_count", "value": 2}])
    assert_error(r, 409, 'Updating a cluster when status is "CREATE_IN_PROGRESS" is not '
                         'supported.')
    assert nodegroup_counts(uuid)["default-worker"] == 1


def test_bay_faults_and_delete(api, baymodel):
    uuid = api.post(BAYS, {"name": "b1", "baymodel_id": "bm"}).json["uuid"]
    set_status(uuid, "CREATE_FAILED", nodegroups={
        "default-worker": {"status": "CREATE_FAILED", "status_reason": "no capacity"}})
    bay = api.get(f"{BAYS}/{uuid}").json
    assert bay["bay_faults"] == {"default-worker": "no capacity"}
    assert "faults" not in bay
    r = api.delete(f"{BAYS}/b1")
    assert r.status_int == 204 and r.body == b""
    assert api.get(f"{BAYS}/{uuid}").json["status"] == "DELETE_IN_PROGRESS"


def test_bays_and_clusters_share_storage(api):
    tpl = make_template(api)
    r = api.post("/v1/clusters", {"name": "c1", "cluster_template_id": tpl["uuid"]})
    (bay,) = api.get(BAYS).json["bays"]
    assert (bay["uuid"], bay["baymodel_id"]) == (r.json["uuid"], tpl["uuid"])
    (bm,) = api.get(BM).json["baymodels"]
    assert bm["uuid"] == tpl["uuid"]
