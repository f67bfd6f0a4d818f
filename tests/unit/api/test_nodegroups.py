"""/v1/clusters/{c}/nodegroups (nodegroups.py, types/nodegroup.py; reference §5, §1.7, §1.8,
Appendix A): shapes, versions, policies, PATCH rules and messages, create/delete refusals."""

from __future__ import annotations

import json

import pytest

from magnum_clone.common import exceptions as exc
from magnum_clone.conductor import rpcapi
from magnum_clone.db import api as db_api
from tests.unit.api.conftest import (
    MEMBER,
    OTHER,
    assert_error,
    assert_routing_error,
    db_status,
    make_cluster,
    make_template,
    set_status,
)

READER = {"X-Roles": "reader", "X-Project-Id": "p-member", "X-User-Id": "u-reader"}
LIST_KEYS = {"uuid", "name", "flavor_id", "image_id", "node_count", "role", "min_node_count",
             "max_node_count", "is_default", "stack_id", "status", "merge_labels"}
FULL_KEYS = ["id", "uuid", "name", "cluster_id", "project_id", "docker_volume_size", "labels",
             "links", "flavor_id", "image_id", "node_addresses", "node_count", "role",
             "min_node_count", "max_node_count", "is_default", "stack_id", "status",
             "status_reason", "version", "merge_labels", "labels_overridden", "labels_added",
             "labels_skipped", "node_labels", "node_taints", "created_at", "updated_at"]


def rep(path, value):
    return {"op": "replace", "path": path, "value": value}


@pytest.fixture()
def cluster(api):
    """A CREATE_COMPLETE cluster of MEMBER with an API address: 1 master, 2 workers."""
    tpl = make_template(api, headers=MEMBER, labels={"kube_tag": "v1"})
    uuid = make_cluster(api, tpl["uuid"], headers=MEMBER, node_count=2,
                        labels={"kube_tag": "v1", "a": "1"})
    set_status(uuid, "CREATE_COMPLETE", api_address="https://10.0.0.5:6443",
               nodegroups={"default-worker": {"status": "CREATE_COMPLETE"},
                           "default-master": {"status": "CREATE_COMPLETE"}})
    return uuid


@pytest.fixture()
def casts(monkeypatch):
    """The RPC casts the API sends (recorded, then sent on as usual)."""
    sent = []
    for name in ("nodegroup_create", "nodegroup_delete", "cluster_update"):
        def _record(self, context, _name=name, _send=getattr(rpcapi.ConductorAPI, name), **kw):
            sent.append((_name, kw))
            return _send(self, context, **kw)

        monkeypatch.setattr(rpcapi.ConductorAPI, name, _record)
    return sent


def ng_url(cluster, ng=""):
    return f"/v1/clusters/{cluster}/nodegroups" + (f"/{ng}" if ng else "")


def extra_nodegroup(cluster, name="extra", **kw):
    return db_api.get_instance().create_nodegroup(values={
        "cluster_id": cluster, "name": name, "role": "worker", "node_count": 1,
        "status": "CREATE_COMPLETE", "project_id": "p-member", **kw})


# --- GET -------------------------------------------------------------------------------------

def test_list_items_have_the_short_shape(api, cluster):
    r = api.get(ng_url(cluster) + "/", headers=MEMBER)
    assert r.status_int == 200, r.text
    items = r.json["nodegroups"]
    assert [i["name"] for i in items] == ["default-master", "default-worker"]
    for item in items:
        assert set(item) == LIST_KEYS
        assert item["merge_labels"] is False and item["is_default"] is True
    assert "next" not in r.json
    worker = items[1]
    assert (worker["role"], worker["node_count"], worker["min_node_count"],
            worker["max_node_count"], worker["image_id"]) == ("worker", 2, 0, None,
                                                              "fedora-coreos-latest")


@pytest.mark.parametrize("query, names", [
    ("?role=worker", ["default-worker"]),
    ("?role=master", ["default-master"]),
    ("?role=nope", []),
    ("?sort_key=name&sort_dir=desc", ["default-worker", "default-master"]),
])
def test_list_filters_and_sorts(api, cluster, query, names):
    r = api.get(ng_url(cluster) + query, headers=MEMBER)
    assert [i["name"] for i in r.json["nodegroups"]] == names


def test_list_pages_with_next_link(api, cluster):
    r = api.get(ng_url(cluster) + "?limit=1&role=master", headers=MEMBER)
    (item,) = r.json["nodegroups"]
    assert r.json["next"] == (f"http://localhost/v1/clusters/{cluster}/nodegroups?sort_key=id"
                              f"&sort_dir=asc&limit=1&marker={item['uuid']}")
    r = api.get(ng_url(cluster) + f"?limit=1&marker={item['uuid']}", headers=MEMBER)
    assert [i["name"] for i in r.json["nodegroups"]] == ["default-worker"]


@pytest.mark.parametrize("query, status, detail", [
    ("?limit=0", 400, "Limit must be positive"),
    ("?sort_dir=up", 400, "Invalid sort direction: up. Acceptable values are 'asc' or 'desc'"),
    ("?sort_key=foo", 400, 'The sort_key value "foo" is an invalid field for sorting'),
    ("?marker=x", 400, "Invalid input for field/attribute marker. Value: 'x'. unable to "
                       "convert to uuid. Error: Expected a uuid but received x."),
    ("?marker=6e5b3c1e-0c5c-4a8b-9d2a-1a2b3c4d5e6f", 404,
     "Nodegroup 6e5b3c1e-0c5c-4a8b-9d2a-1a2b3c4d5e6f could not be found."),
    ("?name=x", 400, 'Unknown argument: "name"'),
])
def test_list_argument_errors(api, cluster, query, status, detail):
    assert_error(api.get(ng_url(cluster) + query, headers=MEMBER), status, detail)


def test_get_one_full_shape_by_name_and_uuid(api, cluster):
    db = db_api.get_instance()
    worker = db.get_nodegroup(cluster_uuid=cluster, ident="default-worker")
    db.update_nodegroup(uuid=worker.uuid, values={
        "labels": {"kube_tag": "v2", "a": "1", "z": 1}, "node_labels": {"tier": "a"},
        "node_taints": [{"key": "k", "value": "v", "effect": "NoSchedule"}]})
    r = api.get(ng_url(cluster, "default-worker"), headers=MEMBER)
    assert r.status_int == 200, r.text
    body = r.json
    assert list(body) == FULL_KEYS
    assert body["uuid"] == worker.uuid and body["cluster_id"] == cluster
    assert body["links"] == [
        {"href": f"http://localhost/v1/clusters/{cluster}/nodegroups/{worker.uuid}",
         "rel": "self"},
        {"href": f"http://localhost/clusters/{cluster}/nodegroups/{worker.uuid}",
         "rel": "bookmark"}]
    assert body["labels"] == {"kube_tag": "v2", "a": "1", "z": "1"}
    assert (body["labels_overridden"], body["labels_added"], body["labels_skipped"]) == (
        {"kube_tag": "v1"}, {"z": "1"}, {})
    assert body["node_labels"] == {"tier": "a"}
    assert body["node_taints"] == [{"key": "k", "value": "v", "effect": "NoSchedule"}]
    assert body["created_at"].endswith("+00:00")
    assert api.get(ng_url(cluster, worker.uuid), headers=MEMBER).json == body


def test_defaults_render_empty_node_labels_and_taints(api, cluster):
    body = api.get(ng_url(cluster, "default-master"), headers=MEMBER).json
    assert (body["node_labels"], body["node_taints"], body["merge_labels"]) == ({}, [], False)


@pytest.mark.parametrize("path", ["detail", "nope", "6e5b3c1e-0c5c-4a8b-9d2a-1a2b3c4d5e6f"])
def test_unknown_nodegroup_is_404(api, cluster, path):
    assert_error(api.get(ng_url(cluster, path), headers=MEMBER), 404,
                 f"Nodegroup {path} could not be found.")


def test_unknown_or_foreign_cluster_is_404(api, cluster):
    assert_error(api.get(ng_url("nope"), headers=MEMBER), 404, "Cluster nope could not be found.")
    assert_error(api.get(ng_url(cluster), headers=OTHER), 404,
                 f"Cluster {cluster} could not be found.")
    # admins see every project
    assert api.get(ng_url(cluster)).status_int == 200


def test_deeper_paths_are_404(api, cluster):
    assert_routing_error(api.get(ng_url(cluster, "default-worker") + "/x", headers=MEMBER), 404)


@pytest.mark.parametrize("method, path", [
    ("GET", ""), ("GET", "default-worker"), ("POST", ""), ("PATCH", "default-worker"),
    ("DELETE", "default-worker")])
@pytest.mark.parametrize("version", [None, "1.8"])
def test_below_1_9_is_406(api, cluster, method, path, version):
    r = api.raw(method, ng_url(cluster, path), b"[]" if method == "PATCH" else b"{}",
                version=version, headers=MEMBER)
    shown = version or "1.1"
    assert_routing_error(r, 406, f"Version {shown} was requested but the requested API delete "
                                 "is not supported for this version.")
    assert "OpenStack-API-Version" not in r.headers


def test_at_1_9_it_answers(api, cluster):
    assert api.get(ng_url(cluster), version="1.9", headers=MEMBER).status_int == 200


@pytest.mark.parametrize("method, path, status", [
    ("PUT", "", 405), ("DELETE", "", 405), ("PATCH", "", 405), ("POST", "default-worker", 405),
    ("PUT", "default-worker", 405)])
def test_unsupported_methods(api, cluster, method, path, status):
    assert_routing_error(api.raw(method, ng_url(cluster, path), b"{}", headers=MEMBER), status)


# --- policies --------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, body, action", [
    ("GET", "", None, "nodegroup:get_all"),
    ("GET", "default-worker", None, "nodegroup:get"),
    ("POST", "", {"name": "x"}, "nodegroup:create"),
    ("PATCH", "default-worker", [rep("/min_node_count", 1)], "nodegroup:update"),
    ("DELETE", "default-worker", None, "nodegroup:delete"),
])
def test_policy_denied(api, cluster, method, path, body, action):
    headers = READER if action in ("nodegroup:create", "nodegroup:update",
                                   "nodegroup:delete") else {
        "X-Roles": "nobody", "X-Project-Id": "p-member", "X-User-Id": "u-x"}
    r = api.raw(method, ng_url(cluster, path), json.dumps(body).encode() if body else b"",
                headers=headers)
    assert_error(r, 403, f"Policy doesn't allow {action} to be performed.")


def test_reader_can_read(api, cluster):
    assert api.get(ng_url(cluster), headers=READER).status_int == 200
    assert api.get(ng_url(cluster, "default-worker"), headers=READER).status_int == 200


# --- PATCH -----------------------------------------------------------------------------------

def test_patch_stores_counts_labels_taints_and_answers_202(api, cluster):
    ops = [rep("/min_node_count", 1), rep("/max_node_count", 4),
           rep("/node_labels", "{'tier': 'a', 'node.kubernetes.io/pool': 'p1'}"),
           rep("/node_taints", "[{'key': 'k', 'value': 'v', 'effect': 'NoSchedule'}]")]
    r = api.patch(ng_url(cluster, "default-worker"), ops, headers=MEMBER)
    assert r.status_int == 202, r.text
    assert list(r.json) == FULL_KEYS
    assert (r.json["min_node_count"], r.json["max_node_count"]) == (1, 4)
    assert r.json["node_labels"] == {"tier": "a", "node.kubernetes.io/pool": "p1"}
    assert r.json["node_taints"] == [{"key": "k", "value": "v", "effect": "NoSchedule"}]
    assert api.get(ng_url(cluster, "default-worker"), headers=MEMBER).json == r.json
    # nested paths, remove, and the cluster is untouched
    r = api.patch(ng_url(cluster, "default-worker"), [
        {"op": "add", "path": "/node_labels/x", "value": 5},
        {"op": "remove", "path": "/node_labels/tier"},
        {"op": "remove", "path": "/max_node_count"},
        {"op": "remove", "path": "/node_taints/0"}], headers=MEMBER)
    assert r.status_int == 202, r.text
    assert r.json["node_labels"] == {"node.kubernetes.io/pool": "p1", "x": "5"}
    assert (r.json["max_node_count"], r.json["node_taints"]) == (None, [])
    assert api.get(f"/v1/clusters/{cluster}", headers=MEMBER).json["status"] == \
        "CREATE_COMPLETE"


W = "default-worker"
PATCH_ERRORS = [
    ([rep("/min_node_count", 3)], 409,
     f"min_node_count for {W} is invalid (min_node_count (3) should be less or equal to "
     "node_count (2))."),
    ([rep("/max_node_count", 1)], 409,
     f"max_node_count for {W} is invalid (node_count (2) should be less or equal to "
     "max_node_count (1))."),
    ([rep("/min_node_count", 2), rep("/max_node_count", 1)], 409,
     f"max_node_count for {W} is invalid (min_node_count (2) should be less or equal to "
     "max_node_count (1))."),
    ([rep("/min_node_count", -1)], 400, "Invalid input for field/attribute min_node_count. "
                                        "Value: '-1'. Value should be greater or equal to 0"),
    ([rep("/node_labels", "{'kubernetes.io/role': 'x'}")], 409,
     f"node_labels for {W} is invalid (key 'kubernetes.io/role' is in a namespace reserved by "
     "Kubernetes (only kubelet.kubernetes.io/, node.kubernetes.io/ and the kubelet's "
     "well-known labels are allowed))."),
    ([rep("/node_labels", "{'a.k8s.io/x': 'y'}")], 409,
     f"node_labels for {W} is invalid (key 'a.k8s.io/x' is in a namespace reserved by "
     "Kubernetes (only kubelet.kubernetes.io/, node.kubernetes.io/ and the kubelet's "
     "well-known labels are allowed))."),
    ([rep("/node_labels", "[1]")], 409,
     f"node_labels for {W} is invalid (node_labels must be a dictionary)."),
    ([rep("/node_labels", "{'ok': 'bad value!'}")], 409,
     f"node_labels for {W} is invalid (value of 'ok' is invalid (at most 63 alphanumeric "
     "characters, '-', '_' or '.', starting and ending with an alphanumeric character))."),
    ([rep("/node_taints", "[{'key': 'k', 'effect': 'Never'}]")], 409,
     f"node_taints for {W} is invalid (node_taints[0].effect must be one of NoSchedule, "
     "PreferNoSchedule, NoExecute)."),
    ([rep("/node_taints", "[{'key': 'k', 'effect': 'NoExecute', 'x': 1}]")], 409,
     f"node_taints for {W} is invalid (node_taints[0] has unknown keys: x)."),
    ([rep("/node_taints", "[{'effect': 'NoExecute'}]")], 409,
     f"node_taints for {W} is invalid (node_taints[0].key must be a non-empty string)."),
    ([rep("/node_taints", "{'key': 'k'}")], 409,
     f"node_taints for {W} is invalid (node_taints must be a list)."),
    ([rep("/node_count", 3)], 400, "'/node_count' is an internal attribute and can not be "
                                   "updated"),
    ([{"op": "add", "path": "/bogus", "value": 3}], 400,
     "Adding a new attribute /bogus to the root of the resource is not allowed."),
]


@pytest.mark.parametrize("ops, status, detail", PATCH_ERRORS)
def test_patch_errors(api, cluster, ops, status, detail):
    r = api.patch(ng_url(cluster, W), ops, headers=MEMBER)
    assert_error(r, status, detail)


INTERNAL = ["/name", "/uuid", "/id", "/links", "/cluster_id", "/project_id", "/labels",
            "/flavor_id", "/image_id", "/node_addresses", "/node_count", "/role",
            "/is_default", "/stack_id", "/status", "/status_reason", "/version",
            "/merge_labels", "/docker_volume_size", "/labels_added", "/created_at"]


@pytest.mark.parametrize("path", INTERNAL)
def test_patch_internal_attributes(api, cluster, path):
    r = api.patch(ng_url(cluster, W), [rep(path, "x")], headers=MEMBER)
    assert_error(r, 400, f"'{path}' is an internal attribute and can not be updated")


def test_patch_master_node_labels_refused(api, cluster):
    r = api.patch(ng_url(cluster, "default-master"), [rep("/node_labels", "{'a': 'b'}")],
                  headers=MEMBER)
    assert_error(r, 409, "node_labels for default-master is invalid (node labels are not "
                         "supported on master nodegroups).")
    r = api.patch(ng_url(cluster, "default-master"), [rep("/max_node_count", 3)],
                  headers=MEMBER)
    assert r.status_int == 202, r.text


def test_patch_bad_body_before_lookup(api):
    r = api.raw("PATCH", ng_url("nope", "x"), b'{"op": "replace"}')
    assert r.status_int == 400
    assert r.json["errors"][0]["detail"].startswith("Invalid input for field/attribute patch.")


def test_patch_refused_while_nodegroup_is_busy(api, cluster):
    set_status(cluster, "CREATE_COMPLETE", nodegroups={W: {"status": "DELETE_IN_PROGRESS"}})
    r = api.patch(ng_url(cluster, W), [rep("/min_node_count", 1)], headers=MEMBER)
    assert_error(r, 409, 'Updating a nodegroup when status is "DELETE_IN_PROGRESS" is not '
                         "supported.")
    assert api.get(ng_url(cluster, W), headers=MEMBER).json["min_node_count"] == 0


# --- POST / DELETE ---------------------------------------------------------------------------

POST_ERRORS = [
    ({"name": "ng1", "role": "master"}, 400,
     "Creating master nodegroups is currently not supported."),
    ({"name": "default-worker"}, 409,
     "A node group with name default-worker already exists in the cluster c1."),
    ({"name": "ng1", "node_count": 1, "min_node_count": 2}, 409,
     "min_node_count for ng1 is invalid (min_node_count (2) should be less or equal to "
     "node_count (1))."),
    ({"name": "ng1", "node_count": 3, "max_node_count": 2}, 409,
     "max_node_count for ng1 is invalid (node_count (3) should be less or equal to "
     "max_node_count (2))."),
    ({"name": "ng1", "node_taints": [{"key": "k", "effect": "x"}]}, 409,
     "node_taints for ng1 is invalid (node_taints[0].effect must be one of NoSchedule, "
     "PreferNoSchedule, NoExecute)."),
    ({"name": "ng1", "bogus": 1}, 400, "Unknown attribute for argument nodegroup: bogus"),
    ({"node_count": 1}, 400,
     "Invalid input for field/attribute name. Value: 'None'. Mandatory field missing."),
    ({"name": "ng1", "stack_id": "x"}, 400,
     "Invalid input for field/attribute stack_id. Value: 'x'. Cannot set read only field."),
]


@pytest.mark.parametrize("body, status, detail", POST_ERRORS)
def test_post_checks(api, cluster, body, status, detail):
    assert_error(api.post(ng_url(cluster), body, headers=MEMBER), status, detail)


def test_post_without_api_address_is_409(api, cluster):
    set_status(cluster, "CREATE_COMPLETE", api_address=None)
    assert_error(api.post(ng_url(cluster), {"name": "ng1"}, headers=MEMBER), 409,
                 "Cluster API address is not available yet")


def test_delete_default_or_unknown(api, cluster, casts):
    for name in ("default-worker", "default-master"):
        assert_error(api.delete(ng_url(cluster, name), headers=MEMBER), 400,
                     "Deleting a default nodegroup is not supported.")
    assert_error(api.delete(ng_url(cluster, "nope"), headers=MEMBER), 404,
                 "Nodegroup nope could not be found.")
    assert db_status(cluster) == "CREATE_COMPLETE" and casts == []


# --- DB helpers ------------------------------------------------------------------------------

def test_db_create_clash_and_destroy(api, cluster):
    db = db_api.get_instance()
    row = extra_nodegroup(cluster, "ng2")
    with pytest.raises(exc.Duplicate, match="A node group with name ng2 already exists in "
                                            "the cluster c1."):
        extra_nodegroup(cluster, "ng2")
    assert db.get_nodegroup(cluster_uuid=cluster, ident="ng2").uuid == row.uuid
    body = api.get(ng_url(cluster, "ng2"), headers=MEMBER).json
    assert body["is_default"] is False and body["labels_skipped"] == {"kube_tag": "v1",
                                                                      "a": "1"}
    db.destroy_nodegroup(uuid=row.uuid)
    with pytest.raises(exc.NodeGroupNotFound):
        db.destroy_nodegroup(uuid=row.uuid)
    with pytest.raises(exc.NodeGroupNotFound):
        db.get_nodegroup(cluster_uuid=cluster, ident="ng2")


# --- create, delete and resize of extra nodegroups (their own stacks) -------------------------

CREATED_KEYS = ["uuid", "name", "cluster_id", "project_id", "labels", "links", "flavor_id",
                "image_id", "node_count", "role", "min_node_count", "max_node_count",
                "merge_labels", "labels_overridden", "labels_added", "labels_skipped",
                "node_labels", "node_taints"]
TAINT = {"key": "k", "value": "v", "effect": "NoSchedule"}


def _nodegroups(cluster):
    row = db_api.get_instance().get_cluster(ident=cluster, project_id=None)
    return {ng.name: ng for ng in row.nodegroups}


def test_post_stores_the_nodegroup_and_answers_202_as_built(api, cluster, casts):
    body = {"name": "ng1", "node_count": 2, "max_node_count": 5, "labels": {"q": "r"},
            "merge_labels": True, "node_labels": {"tier": "a"}, "node_taints": [TAINT]}
    r = api.post(ng_url(cluster), body, headers=MEMBER)
    assert r.status_int == 202, r.text
    out = r.json
    # Appendix A: the nodegroup as built, before the conductor (no id, status, is_default,
    # stack_id, timestamps; docker_volume_size only when given)
    assert list(out) == CREATED_KEYS
    ng = _nodegroups(cluster)["ng1"]
    assert out["uuid"] == ng.uuid and out["cluster_id"] == cluster
    assert out["project_id"] == "p-member"
    assert out["links"][0] == {
        "href": f"http://localhost/v1/clusters/{cluster}/nodegroups/{ng.uuid}", "rel": "self"}
    assert out["labels"] == {"kube_tag": "v1", "a": "1", "q": "r"}
    assert (out["labels_overridden"], out["labels_added"], out["labels_skipped"]) == (
        {}, {"q": "r"}, {})
    assert (out["flavor_id"], out["image_id"]) == ("m1.small", "fedora-coreos-latest")
    assert (out["node_count"], out["role"], out["min_node_count"], out["max_node_count"],
            out["merge_labels"]) == (2, "worker", 0, 5, False)
    assert (out["node_labels"], out["node_taints"]) == ({"tier": "a"}, [TAINT])
    # the API owns the row: stored CREATE_IN_PROGRESS, the cluster UPDATE_IN_PROGRESS, cast
    assert (ng.status, ng.is_default, ng.stack_id) == ("CREATE_IN_PROGRESS", False, None)
    assert db_status(cluster) == "UPDATE_IN_PROGRESS"
    assert casts == [("nodegroup_create", {"cluster_uuid": cluster, "nodegroup_uuid": ng.uuid})]
    got = api.get(ng_url(cluster, "ng1"), headers=MEMBER).json
    assert (got["status"], got["is_default"], got["node_count"]) == ("CREATE_IN_PROGRESS",
                                                                     False, 2)


def test_post_defaults_and_given_values(api, cluster, casts):
    r = api.post(ng_url(cluster), {"name": "plain"}, headers=MEMBER)
    assert r.status_int == 202, r.text
    assert r.json["labels"] == {"kube_tag": "v1", "a": "1"} and r.json["node_count"] == 1
    assert "docker_volume_size" not in r.json
    # labels without merge_labels replace the cluster's; a second create while the
    # cluster is UPDATE_IN_PROGRESS (the first one runs) is accepted
    r = api.post(ng_url(cluster), {"name": "own", "labels": {"x": "y"}, "flavor_id": "m1.large",
                                   "image_id": "coreos", "docker_volume_size": 10},
                 headers=MEMBER)
    assert r.status_int == 202, r.text
    assert r.json["labels"] == {"x": "y"} and r.json["labels_skipped"] == {"kube_tag": "v1",
                                                                           "a": "1"}
    assert (r.json["flavor_id"], r.json["image_id"], r.json["docker_volume_size"]) == (
        "m1.large", "coreos", 10)
    assert list(r.json) == CREATED_KEYS[:4] + ["docker_volume_size"] + CREATED_KEYS[4:]
    assert [c[0] for c in casts] == ["nodegroup_create", "nodegroup_create"]


@pytest.mark.parametrize("body, status, detail", [
    ({"name": "ng1", "flavor_id": "m9.huge"}, 400, "Unable to find flavor m9.huge."),
    ({"name": "ng1", "labels": {"flannel_backend": "bogus"}}, 400,
     "Invalid value 'bogus' for label flannel_backend: expected one of udp, vxlan, host-gw."),
])
def test_post_validates_flavor_and_labels(api, cluster, casts, body, status, detail):
    assert_error(api.post(ng_url(cluster), body, headers=MEMBER), status, detail)
    assert "ng1" not in _nodegroups(cluster) and casts == []


@pytest.mark.parametrize("status", ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_FAILED",
                                    "UPDATE_IN_PROGRESS"])
def test_post_allowed_cluster_statuses(api, cluster, status):
    set_status(cluster, status)
    assert api.post(ng_url(cluster), {"name": "ng1"}, headers=MEMBER).status_int == 202
    assert db_status(cluster) == "UPDATE_IN_PROGRESS"


@pytest.mark.parametrize("status", ["CREATE_IN_PROGRESS", "CREATE_FAILED", "DELETE_IN_PROGRESS",
                                    "DELETE_FAILED", "ROLLBACK_IN_PROGRESS"])
def test_post_refused_for_the_cluster_status_is_409(api, cluster, casts, status):
    set_status(cluster, status)
    assert_error(api.post(ng_url(cluster), {"name": "ng1"}, headers=MEMBER), 409,
                 f'Updating a cluster when status is "{status}" is not supported.')
    assert "ng1" not in _nodegroups(cluster) and db_status(cluster) == status and casts == []


@pytest.fixture()
def swarm_cluster(api):
    """A CREATE_COMPLETE cluster of a driver without extra nodegroups (swarm mode)."""
    tpl = make_template(api, headers=MEMBER, name="swarm", coe="swarm-mode",
                        image_id="fedora-atomic-latest")
    uuid = make_cluster(api, tpl["uuid"], headers=MEMBER, name="sw")
    set_status(uuid, "CREATE_COMPLETE", api_address="tcp://10.0.0.5:2375")
    return uuid


def test_a_driver_without_extra_nodegroups_answers_400(api, swarm_cluster, casts):
    assert_error(api.post(ng_url(swarm_cluster), {"name": "ng1"}, headers=MEMBER), 400,
                 "Creating nodegroups is not supported by this driver yet.")
    extra = extra_nodegroup(swarm_cluster)
    assert_error(api.delete(ng_url(swarm_cluster, extra.uuid), headers=MEMBER), 400,
                 "Deleting nodegroups is not supported by this driver yet.")
    assert db_status(swarm_cluster) == "CREATE_COMPLETE" and casts == []


def test_delete_extra_marks_it_and_answers_204(api, cluster, casts):
    extra = extra_nodegroup(cluster, stack_id="ng-stack")
    r = api.delete(ng_url(cluster, "extra"), headers=MEMBER)
    assert r.status_int == 204, r.text
    assert _nodegroups(cluster)["extra"].status == "DELETE_IN_PROGRESS"
    assert db_status(cluster) == "UPDATE_IN_PROGRESS"
    assert casts == [("nodegroup_delete", {"cluster_uuid": cluster,
                                           "nodegroup_uuid": extra.uuid})]
    # deleting it again is accepted (the conductor's claim runs it once)
    assert api.delete(ng_url(cluster, extra.uuid), headers=MEMBER).status_int == 204


@pytest.mark.parametrize("status", ["CREATE_IN_PROGRESS", "DELETE_IN_PROGRESS", "DELETE_FAILED"])
def test_delete_refused_for_the_cluster_status_is_409(api, cluster, casts, status):
    extra_nodegroup(cluster)
    set_status(cluster, status)
    assert_error(api.delete(ng_url(cluster, "extra"), headers=MEMBER), 409,
                 f'Updating a cluster when status is "{status}" is not supported.')
    assert _nodegroups(cluster)["extra"].status == "CREATE_COMPLETE" and casts == []


def _resize(api, cluster, body):
    return api.post(f"/v1/clusters/{cluster}/actions/resize", body, headers=MEMBER)


def test_resize_of_an_extra_nodegroup_is_its_own_operation(api, cluster, casts):
    extra = extra_nodegroup(cluster, node_count=2, max_node_count=3, stack_id="ng-stack")
    r = _resize(api, cluster, {"node_count": 1, "nodegroup": "extra",
                               "nodes_to_remove": ["1"]})
    assert r.status_int == 202 and r.json == {"uuid": cluster}
    ng = _nodegroups(cluster)["extra"]
    assert (ng.status, ng.node_count, ng.previous_node_count) == ("UPDATE_IN_PROGRESS", 1, 2)
    assert db_status(cluster) == "UPDATE_IN_PROGRESS"
    assert _nodegroups(cluster)["default-worker"].status == "CREATE_COMPLETE"
    assert casts == [("cluster_update", {"cluster_uuid": cluster, "nodegroup_uuid": extra.uuid,
                                         "node_count": 1, "nodes_to_remove": ["1"],
                                         "rollback": False})]
    # its range is its own; a second resize while its stack is busy is refused
    assert_error(_resize(api, cluster, {"node_count": 4, "nodegroup": "extra"}), 400,
                 "Resizing extra outside the allowed range: min_node_count = 0, "
                 "max_node_count = 3")
    assert_error(_resize(api, cluster, {"node_count": 2, "nodegroup": "extra"}), 409,
                 'Updating a nodegroup when status is "UPDATE_IN_PROGRESS" is not supported.')
    assert _nodegroups(cluster)["extra"].node_count == 1 and len(casts) == 1


def test_resize_of_a_nodegroup_being_created_is_409(api, cluster, casts):
    extra_nodegroup(cluster, status="CREATE_IN_PROGRESS")
    set_status(cluster, "UPDATE_IN_PROGRESS")
    assert_error(_resize(api, cluster, {"node_count": 2, "nodegroup": "extra"}), 409,
                 'Updating a nodegroup when status is "CREATE_IN_PROGRESS" is not supported.')
    assert _nodegroups(cluster)["extra"].node_count == 1 and casts == []
