"""/v1/federations (reference §11; §1 conventions, §3.5 patch engine, §14 policies): stored by
the API, project-scoped, members joined and unjoined through JSON-patch."""

from __future__ import annotations

import json
import re

import pytest

from magnum_clone.db import api as db_api
from tests.unit.api.conftest import (
    ADMIN,
    MEMBER,
    OTHER,
    assert_error,
    assert_error_startswith,
    assert_routing_error,
    make_cluster,
    make_template,
)

FED = "/v1/federations"
BASE = "http://localhost"
READER = {"X-Roles": "reader", "X-Project-Id": "p-member", "X-User-Id": "u-reader"}
NOBODY = {"X-Roles": "nobody", "X-Project-Id": "p-member", "X-User-Id": "u-x"}
ZONE = {"dns-zone": "example.com."}
FULL = ["uuid", "name", "hostcluster_id", "member_ids", "status", "status_reason",
        "properties", "links", "created_at", "updated_at"]
LIST = ["uuid", "name", "hostcluster_id", "member_ids", "status", "properties", "links"]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
MISSING = "6e5b3c1e-0c5c-4a8b-9d2a-1a2b3c4d5e6f"


@pytest.fixture()
def world(api):
    """Clusters ``host`` and ``c2`` of MEMBER's project, ``oc`` of OTHER's."""
    tpl = make_template(api, name="tpl", public=True)["uuid"]
    return {"host": make_cluster(api, tpl, headers=MEMBER, name="host"),
            "c2": make_cluster(api, tpl, headers=MEMBER, name="c2"),
            "oc": make_cluster(api, tpl, headers=OTHER, name="oc")}


def create(api, headers=MEMBER, **kw):
    body = {"name": "fed", "hostcluster_id": "host", "properties": ZONE, **kw}
    r = api.post(FED, body, headers=headers)
    assert r.status_int == 202, r.text
    return r.json["uuid"]


@pytest.fixture()
def fed(api, world):
    return create(api)


def op(kind, path, value=None):
    out = {"op": kind, "path": path}
    if value is not None:
        out["value"] = value
    return out


# --- create and show ------------------------------------------------------------------------

def test_create_stores_it_and_it_reads_back_complete(api, world):
    r = api.post(FED, {"name": "fed", "hostcluster_id": "host",
                       "properties": {"dns-zone": "example.com.", "n": 1}}, headers=MEMBER)
    assert r.status_int == 202, r.text
    assert list(r.json) == ["uuid"]
    uuid = r.json["uuid"]
    body = api.get(f"{FED}/{uuid}", headers=MEMBER).json
    assert list(body) == FULL
    assert TIMESTAMP.match(body["created_at"]) and TIMESTAMP.match(body["updated_at"])
    assert body == {
        "uuid": uuid, "name": "fed", "hostcluster_id": world["host"], "member_ids": [],
        "status": "CREATE_COMPLETE", "status_reason": None,
        "properties": {"dns-zone": "example.com.", "n": "1"},
        "links": [{"href": f"{BASE}/v1/federations/{uuid}", "rel": "self"},
                  {"href": f"{BASE}/federations/{uuid}", "rel": "bookmark"}],
        "created_at": body["created_at"], "updated_at": body["updated_at"]}
    row = db_api.get_instance().get_federation(ident=uuid, project_id=None)
    assert (row.project_id, row.user_id) == ("p-member", "u-member")
    # by name, through the bookmark link, with a trailing slash
    assert api.get(f"{FED}/fed", headers=MEMBER).json["uuid"] == uuid
    assert api.get(f"/federations/{uuid}", headers=MEMBER).json["uuid"] == uuid
    assert api.get(f"{FED}/{uuid}/", headers=MEMBER).json["uuid"] == uuid


def test_create_generates_a_name_resolves_members_and_ignores_server_fields(api, world):
    uuid = create(api, name=None, member_ids=["c2", world["c2"], world["host"]],
                  status="DELETE_FAILED", uuid=MISSING)
    body = api.get(f"{FED}/{uuid}", headers=MEMBER).json
    assert uuid != MISSING
    assert re.match(r"^[a-z]+-([1-9]|1\d|2[0-4])-federation$", body["name"]), body["name"]
    assert body["member_ids"] == [world["c2"], world["host"]]
    assert body["status"] == "CREATE_COMPLETE"


@pytest.mark.parametrize("changes, status, detail", [
    ({"hostcluster_id": None}, 400, "No hostcluster specified. Please specify a hostcluster_id."),
    ({"hostcluster_id": "nope"}, 404, "Cluster nope could not be found."),
    ({"hostcluster_id": "oc"}, 404, "Cluster oc could not be found."),
    ({"properties": None}, 400, "Please specify a `properties` dict for the federation."),
    ({"properties": {"zone": "x"}}, 400, "No DNS zone specified. Please specify a `dns-zone`."),
    ({"member_ids": ["oc"]}, 404, "Cluster oc could not be found."),
    ({"foo": 1}, 400, "Unknown attribute for argument federation: foo"),
    ({"links": []}, 400, "Invalid input for field/attribute links. Value: '[]'. "
                         "Cannot set read only field."),
    ({"name": "1bad"}, 400, "Invalid input for field/attribute name. Value: '1bad'. "
                            "Value should match the pattern ^[a-zA-Z][a-zA-Z0-9_.-]*$"),
    ({"status": "RUNNING"}, 400, "Invalid input for field/attribute status. Value: 'RUNNING'. "
                                 "Value should be one of: CREATE_COMPLETE, CREATE_FAILED, "
                                 "CREATE_IN_PROGRESS, DELETE_COMPLETE, DELETE_FAILED, "
                                 "DELETE_IN_PROGRESS, UPDATE_COMPLETE, UPDATE_FAILED, "
                                 "UPDATE_IN_PROGRESS"),
])
def test_create_checks(api, world, changes, status, detail):
    body = {"name": "fed", "hostcluster_id": "host", "properties": ZONE, **changes}
    assert_error(api.post(FED, body, headers=MEMBER), status, detail)
    assert db_api.get_instance().list_federations(project_id=None) == []


def test_create_policy_comes_before_the_host_lookup(api, world):
    r = api.post(FED, {"properties": ZONE}, headers=READER)
    assert_error(r, 403, "Policy doesn't allow federation:create to be performed.")
    assert_error(api.post(FED, {"properties": ZONE}, headers=MEMBER), 400,
                 "No hostcluster specified. Please specify a hostcluster_id.")


def test_an_admin_may_host_on_any_projects_cluster(api, world):
    uuid = create(api, headers=ADMIN, hostcluster_id=world["oc"])
    assert api.get(f"{FED}/{uuid}", headers=ADMIN).json["hostcluster_id"] == world["oc"]


# --- lists ----------------------------------------------------------------------------------

def test_lists_are_project_scoped_admins_see_all(api, world):
    mine = create(api)
    theirs = create(api, headers=OTHER, hostcluster_id="oc", name="other")
    r = api.get(FED, headers=MEMBER)
    (item,) = r.json["federations"]
    assert list(r.json) == ["federations"]
    assert list(item) == LIST and item["uuid"] == mine
    (item,) = api.get(f"{FED}/detail", headers=MEMBER).json["federations"]
    assert list(item) == FULL and item["uuid"] == mine
    assert [f["uuid"] for f in api.get(FED, headers=OTHER).json["federations"]] == [theirs]
    assert [f["uuid"] for f in api.get(f"{FED}/detail/", headers=ADMIN).json[
        "federations"]] == [mine, theirs]


def test_lists_page_with_next_links(api, world):
    made = [create(api, name=f"f{i}") for i in range(3)]
    r = api.get(f"{FED}?limit=2", headers=MEMBER)
    assert [f["uuid"] for f in r.json["federations"]] == made[:2]
    assert r.json["next"] == (f"{BASE}/v1/federations?sort_key=id&sort_dir=asc&limit=2"
                              f"&marker={made[1]}")
    r = api.get(f"{FED}/detail?limit=1&sort_key=name&sort_dir=desc", headers=MEMBER)
    assert [f["name"] for f in r.json["federations"]] == ["f2"]
    assert r.json["next"].startswith(f"{BASE}/v1/federations/detail?sort_key=name&")
    r = api.get(f"{FED}?marker={made[1]}", headers=MEMBER)
    assert [f["uuid"] for f in r.json["federations"]] == made[2:] and "next" not in r.json


@pytest.mark.parametrize("query, status, detail", [
    ("?limit=0", 400, "Limit must be positive"),
    ("?sort_dir=up", 400, "Invalid sort direction: up. Acceptable values are 'asc' or 'desc'"),
    ("?sort_key=foo", 400, 'The sort_key value "foo" is an invalid field for sorting'),
    ("?marker=x", 400, "Invalid input for field/attribute marker. Value: 'x'. unable to "
                       "convert to uuid. Error: Expected a uuid but received x."),
    (f"?marker={MISSING}", 404, f"Federation {MISSING} could not be found."),
    ("?name=x", 400, 'Unknown argument: "name"'),
])
def test_list_argument_errors(api, query, status, detail):
    assert_error(api.get(FED + query, headers=MEMBER), status, detail)


def test_foreign_marker_is_404(api, world):
    theirs = create(api, headers=OTHER, hostcluster_id="oc")
    assert_error(api.get(f"{FED}?marker={theirs}", headers=MEMBER), 404,
                 f"Federation {theirs} could not be found.")


# --- show: scoping, names ------------------------------------------------------------------

def test_get_scoping_and_duplicate_names(api, world, fed):
    assert_error(api.get(f"{FED}/{fed}", headers=OTHER), 404,
                 f"Federation {fed} could not be found.")
    assert api.get(f"{FED}/{fed}", headers=ADMIN).status_int == 200
    assert api.get(f"{FED}/{fed}", headers=READER).status_int == 200
    assert_error(api.get(f"{FED}/{fed}?x=1", headers=MEMBER), 400, 'Unknown argument: "x"')
    create(api)   # a second "fed"
    assert_error(api.get(f"{FED}/fed", headers=MEMBER), 409,
                 "Multiple federations exist with same name. "
                 "Please use the federation uuid instead.")


@pytest.mark.parametrize("method, path", [("PUT", ""), ("PATCH", ""), ("DELETE", ""),
                                          ("POST", "/x"), ("PUT", "/x"), ("POST", "/detail")])
def test_unsupported_methods(api, method, path):
    assert_routing_error(api.raw(method, FED + path, b"{}", headers=MEMBER), 405)


def test_deeper_paths_are_404(api, fed):
    assert_routing_error(api.get(f"{FED}/{fed}/members", headers=MEMBER), 404)


@pytest.mark.parametrize("method, path, body, headers, action", [
    ("GET", "", None, NOBODY, "federation:get_all"),
    ("GET", "/detail", None, NOBODY, "federation:detail"),
    ("GET", "/{fed}", None, NOBODY, "federation:get"),
    ("POST", "", {"hostcluster_id": "host", "properties": ZONE}, READER, "federation:create"),
    ("PATCH", "/{fed}", [op("add", "/member_ids", "c2")], READER, "federation:update"),
    ("DELETE", "/{fed}", None, READER, "federation:delete"),
])
def test_policy_denied(api, fed, method, path, body, headers, action):
    raw = json.dumps(body).encode() if body is not None else b""
    r = api.raw(method, FED + path.format(fed=fed), raw, headers=headers)
    assert_error(r, 403, f"Policy doesn't allow {action} to be performed.")
    assert db_api.get_instance().get_federation(ident=fed, project_id=None).member_ids == []


# --- PATCH: join, unjoin, properties --------------------------------------------------------

def fed_body(api, fed, headers=MEMBER):
    return api.get(f"{FED}/{fed}", headers=headers).json


def test_join_and_unjoin_members(api, world, fed):
    r = api.patch(f"{FED}/{fed}", [op("add", "/member_ids", world["c2"])], headers=MEMBER)
    assert r.status_int == 202, r.text
    assert r.json == {"uuid": fed}
    body = fed_body(api, fed)
    assert (body["member_ids"], body["status"]) == ([world["c2"]], "UPDATE_COMPLETE")
    # by name; several operations in one patch, applied in order
    r = api.patch(f"{FED}/{fed}?rollback=True", [op("add", "/member_ids", "host"),
                                                 op("remove", "/member_ids", world["c2"])],
                  headers=MEMBER)
    assert r.status_int == 202, r.text
    assert fed_body(api, fed)["member_ids"] == [world["host"]]
    r = api.patch(f"{FED}/{fed}", [op("remove", "/member_ids", "host")], headers=MEMBER)
    assert r.status_int == 202, r.text
    assert fed_body(api, fed)["member_ids"] == []


def test_join_errors(api, world, fed):
    url = f"{FED}/{fed}"
    assert api.patch(url, [op("add", "/member_ids", "c2")], headers=MEMBER).status_int == 202
    assert_error(api.patch(url, [op("add", "/member_ids", world["c2"])], headers=MEMBER), 409,
                 f"A cluster with UUID {world['c2']} is already a member of the federation "
                 "fed.")
    assert_error(api.patch(url, [op("add", "/member_ids", "oc")], headers=MEMBER), 404,
                 "Cluster oc could not be found.")
    assert_error(api.patch(url, [op("remove", "/member_ids", world["host"])], headers=MEMBER),
                 404, f"Member {world['host']} could not be found in federation fed.")
    assert_error(api.patch(url, [op("remove", "/member_ids", "nope")], headers=MEMBER), 404,
                 "Member nope could not be found in federation fed.")
    # nothing of a refused patch is applied, even its valid first operation
    assert_error(api.patch(url, [op("remove", "/member_ids", "c2"),
                                 op("add", "/member_ids", "nope")], headers=MEMBER), 404,
                 "Cluster nope could not be found.")
    assert fed_body(api, fed)["member_ids"] == [world["c2"]]


def test_properties_replace_add_key_and_remove(api, world, fed):
    url = f"{FED}/{fed}"
    r = api.patch(url, [op("replace", "/properties", "{'dns-zone': 'other.org.', 'x': 1}")],
                  headers=MEMBER)
    assert r.status_int == 202, r.text
    assert fed_body(api, fed)["properties"] == {"dns-zone": "other.org.", "x": "1"}
    assert api.patch(url, [op("add", "/properties/y", "2"), op("remove", "/properties/x")],
                     headers=MEMBER).status_int == 202
    assert fed_body(api, fed)["properties"] == {"dns-zone": "other.org.", "y": "2"}
    assert_error(api.patch(url, [op("remove", "/properties/dns-zone")], headers=MEMBER), 400,
                 "No DNS zone specified. Please specify a `dns-zone`.")
    assert_error(api.patch(url, [op("remove", "/properties")], headers=MEMBER), 400,
                 "Please specify a `properties` dict for the federation.")
    assert_error(api.patch(url, [op("replace", "/properties", "[1]")], headers=MEMBER), 400,
                 "Please specify a `properties` dict for the federation.")
    assert fed_body(api, fed)["properties"] == {"dns-zone": "other.org.", "y": "2"}


def test_an_unchanged_patch_writes_nothing(api, world, fed):
    before = fed_body(api, fed)
    r = api.patch(f"{FED}/{fed}", [op("replace", "/properties", json.dumps(ZONE))],
                  headers=MEMBER)
    assert r.status_int == 202, r.text
    assert fed_body(api, fed) == before


@pytest.mark.parametrize("ops, status, detail", [
    ([op("replace", "/name", "renamed")], 400, "cannot change federation property(ies) name."),
    ([op("replace", "/hostcluster_id", "c2"), op("replace", "/name", "x")], 400,
     "cannot change federation property(ies) hostcluster_id, name."),
    ([op("replace", "/status", "UPDATE_FAILED")], 400,
     "'/status' is an internal attribute and can not be updated"),
    ([op("replace", "/uuid", MISSING)], 400,
     "'/uuid' is an internal attribute and can not be updated"),
    ([op("add", "/foo", "x")], 400,
     "Adding a new attribute /foo to the root of the resource is not allowed."),
    ([op("add", "/name", "x")], 400,
     "The attribute /name has existed, please use 'replace' operation instead."),
    ([op("replace", "/member_ids", "c2")], 400,
     "Only 'add' and 'remove' operations with a cluster uuid as value can change "
     "/member_ids."),
    ([op("remove", "/member_ids")], 400,
     "Only 'add' and 'remove' operations with a cluster uuid as value can change "
     "/member_ids."),
    ([op("add", "/member_ids/0", "c2")], 400,
     "Only 'add' and 'remove' operations with a cluster uuid as value can change "
     "/member_ids."),
    ([op("move", "/name", "x")], 400, "Invalid input for field/attribute op. Value: 'move'. "
                                      "Value should be one of: add, remove, replace"),
    ([op("add", "/member_ids")], 400, "'add' and 'replace' operations needs value"),
])
def test_patch_errors(api, fed, ops, status, detail):
    assert_error(api.patch(f"{FED}/{fed}", ops, headers=MEMBER), status, detail)
    assert fed_body(api, fed)["status"] == "CREATE_COMPLETE"


@pytest.mark.parametrize("query, detail", [
    ("?rollback=maybe", "Invalid input for field/attribute rollback. Value: 'maybe'. "),
    ("?force=1", 'Unknown argument: "force"'),
])
def test_patch_query_errors(api, fed, query, detail):
    r = api.patch(f"{FED}/{fed}{query}", [op("add", "/member_ids", "c2")], headers=MEMBER)
    assert_error_startswith(r, 400, detail)


def test_patch_bad_body_before_lookup(api):
    r = api.raw("PATCH", f"{FED}/nope", b'{"op": "replace"}', headers=MEMBER)
    assert_error_startswith(r, 400, "Invalid input for field/attribute patch. Value: ")


def test_patch_scoping(api, world, fed):
    assert_error(api.patch(f"{FED}/{fed}", [op("add", "/member_ids", "oc")], headers=OTHER),
                 404, f"Federation {fed} could not be found.")
    # an admin manages every project's federation and sees every cluster
    r = api.patch(f"{FED}/{fed}", [op("add", "/member_ids", world["oc"])], headers=ADMIN)
    assert r.status_int == 202, r.text
    assert fed_body(api, fed)["member_ids"] == [world["oc"]]


def test_a_concurrent_change_is_409_not_lost(api, world, fed, monkeypatch):
    """Two joins read the same member list: the one that writes second is refused."""
    from magnum_clone.api.controllers.v1 import federations

    real = federations.get_federation

    def stale(ident):
        row = real(ident)   # what this request read; another join lands before it writes
        db_api.get_instance().update_federation(uuid=row.uuid,
                                                values={"member_ids": [world["host"]]})
        return row

    monkeypatch.setattr(federations, "get_federation", stale)
    r = api.patch(f"{FED}/{fed}", [op("add", "/member_ids", "c2")], headers=MEMBER)
    assert_error(r, 409, f"Federation {fed} was changed by another request while this one "
                         "was applied; please retry.")
    assert fed_body(api, fed)["member_ids"] == [world["host"]]


# --- DELETE ---------------------------------------------------------------------------------

def test_delete(api, world, fed):
    assert_error(api.delete(f"{FED}/{fed}", headers=OTHER), 404,
                 f"Federation {fed} could not be found.")
    assert_error(api.delete(f"{FED}/{fed}?x=1", headers=MEMBER), 400, 'Unknown argument: "x"')
    r = api.delete(f"{FED}/{fed}", headers=MEMBER)
    assert r.status_int == 204 and r.body == b""
    assert_error(api.get(f"{FED}/{fed}", headers=MEMBER), 404,
                 f"Federation {fed} could not be found.")
    # the clusters stay
    assert api.get(f"/v1/clusters/{world['host']}", headers=MEMBER).status_int == 200


def test_admin_deletes_any_projects_federation(api, world, fed):
    assert api.delete(f"{FED}/fed", headers=ADMIN).status_int == 204
    assert api.get(FED, headers=MEMBER).json == {"federations": []}
