"""Microversion negotiation (middleware.py, versions.py) and the behaviour that varies by
version (reference §1.8)."""

from __future__ import annotations

import pytest

from tests.unit.api.conftest import (
    VERSION_HEADERS,
    assert_error,
    assert_routing_error,
    make_cluster,
    make_template,
    nodegroup_counts,
    set_status,
)

SVC = "container-infrastructure-management"
HELP = [{"rel": "help", "href": "http://docs.openstack.org/api-guide/compute/microversions.html"}]
RANGE = f"[{SVC} 1.1, {SVC} 1.14]"
BAD_SERVICE = "Invalid service type for OpenStack-API-Version header"
BAD_VALUE = "Invalid value for OpenStack-API-Version header"


# header value -> the version the response header echoes
ACCEPTED = [
    (None, "1.1"),
    ("container-infra latest", "1.14"),
    ("container-infra LATEST", "1.14"),
    ("bogus latest", "1.14"),  # quirk: the service token is not checked with latest
    ("container-infra 1.1", "1.1"),
    ("container-infrastructure 1.5", "1.5"),
    ("container-infrastructure-management 1.14", "1.14"),
    ("  container-infra   1.9  ", "1.9"),
    ("container-infra 01.010", "1.10"),
]


@pytest.mark.parametrize("header,echo", ACCEPTED)
def test_accepted_headers(api, header, echo):
    headers = {} if header is None else {"OpenStack-API-Version": header}
    r = api.get("/v1/clusters", version=None, headers=headers)
    assert r.status_int == 200, r.text
    assert r.headers["OpenStack-API-Version"] == f"{SVC} {echo}"
    assert r.headers["OpenStack-API-Minimum-Version"] == f"{SVC} 1.1"
    assert r.headers["OpenStack-API-Maximum-Version"] == f"{SVC} 1.14"
    assert r.headers["Vary"] == "OpenStack-API-Version"


def test_header_name_is_case_insensitive(api):
    r = api.get("/v1/clusters", version=None,
                headers={"openstack-api-version": "container-infra 1.7"})
    assert r.headers["OpenStack-API-Version"] == f"{SVC} 1.7"


PARSE_ERRORS = [
    ("container-infra", BAD_SERVICE),
    ("latest", BAD_SERVICE),
    ("", BAD_SERVICE),
    ("container-infra 1.5 extra", BAD_SERVICE),
    ("compute 1.1", BAD_SERVICE),
    ("container-infra 1.x", BAD_VALUE),
    ("container-infra 1", BAD_VALUE),
    ("container-infra 1.5.1", BAD_VALUE),
]


@pytest.mark.parametrize("header,detail", PARSE_ERRORS)
@pytest.mark.parametrize("accept_json", [True, False])
def test_parse_errors(api, header, detail, accept_json):
    headers = {"OpenStack-API-Version": header}
    if not accept_json:
        headers["Accept"] = "*/*"
    r = api.get("/v1/clusters", version=None, headers=headers)
    assert_routing_error(r, 406, detail, accept_json=accept_json)
    for h in VERSION_HEADERS:
        assert h not in r.headers, h


RANGE_ERRORS = [
    ("1.99", f"Version 1.99 was requested but the minor version is not supported by this "
             f"service. The supported version range is: {RANGE}."),
    ("1.0", f"Version 1.0 was requested but the minor version is not supported by this "
            f"service. The supported version range is: {RANGE}."),
    ("1.15", f"Version 1.15 was requested but the minor version is not supported by this "
             f"service. The supported version range is: {RANGE}."),
    ("2.0", f"Mutually exclusive versions requested. Version 2.0 requested but not supported "
            f"by this service.The supported version range is: {RANGE}."),
    ("0.9", f"Mutually exclusive versions requested. Version 0.9 requested but not supported "
            f"by this service.The supported version range is: {RANGE}."),
]


@pytest.mark.parametrize("version,description", RANGE_ERRORS)
@pytest.mark.parametrize("accept_json", [True, False])
def test_out_of_range(api, version, description, accept_json):
    headers = {} if accept_json else {"Accept": "*/*"}
    r = api.get("/v1/clusters", version=version, headers=headers)
    assert r.status_int == 406
    err = {"code": "magnum.microversion-unsupported",
           "title": "Requested microversion is unsupported",
           "max_version": "1.14", "min_version": "1.1", "links": HELP}
    if accept_json:
        err["description"] = description
    assert r.json == {"errors": [err]}
    # the echo names the requested (unsupported) version
    assert r.headers["OpenStack-API-Version"] == f"{SVC} {version}"
    assert r.headers["OpenStack-API-Maximum-Version"] == f"{SVC} 1.14"


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/v1/clusters/nope", 404),
    ("GET", "/v1/clustertemplates?limit=0", 400),
    ("POST", "/v1/clusters/nope/actions/upgrade", 400),
])
def test_version_headers_on_resource_errors(api, method, path, status):
    r = api.raw(method, path, b"{}", version="1.7")
    assert r.status_int == status, r.text
    assert r.headers["OpenStack-API-Version"] == f"{SVC} 1.7"
    assert r.headers["Vary"] == "OpenStack-API-Version"


# --- routes that exist only from some version --------------------------------------------

@pytest.mark.parametrize("action,version,minimum", [
    ("resize", "1.1", "1.7"), ("resize", "1.6", "1.7"),
    ("upgrade", "1.1", "1.8"), ("upgrade", "1.6", "1.8"),
])
def test_actions_below_their_version_are_406(api, action, version, minimum):
    tpl = make_template(api)
    uuid = make_cluster(api, tpl["uuid"])
    r = api.post(f"/v1/clusters/{uuid}/actions/{action}", {"node_count": 2},
                 version=version)
    assert_routing_error(r, 406, f"Version {version} was requested but the requested API "
                                 f"{action} is not supported for this version.")
    for h in VERSION_HEADERS:
        assert h not in r.headers, h


def test_upgrade_at_1_7_is_400(api):
    tpl = make_template(api)
    uuid = make_cluster(api, tpl["uuid"])
    r = api.post(f"/v1/clusters/{uuid}/actions/upgrade", {"cluster_template": tpl["uuid"]},
                 version="1.7")
    assert_error(r, 400, "Cluster upgrade is not supported in the provided microversion.")


@pytest.mark.parametrize("version,status", [("1.1", 400), ("1.2", 400), ("1.3", 202),
                                            ("1.14", 202)])
def test_rollback_query_parameter(api, version, status):
    tpl = make_template(api)
    uuid = make_cluster(api, tpl["uuid"])
    set_status(uuid, "CREATE_COMPLETE")
    r = api.patch(f"/v1/clusters/{uuid}?rollback=True",
                  [{"op": "replace", "path": "/node_count", "value": 2}], version=version)
    if status == 400:
        assert_error(r, 400, 'Unknown argument: "rollback"')
        assert nodegroup_counts(uuid)["default-worker"] == 1
    else:
        assert r.status_int == 202, r.text
        assert nodegroup_counts(uuid)["default-worker"] == 2


def test_rollback_must_be_a_boolean(api):
    tpl = make_template(api)
    uuid = make_cluster(api, tpl["uuid"])
    r = api.patch(f"/v1/clusters/{uuid}?rollback=perhaps",
                  [{"op": "replace", "path": "/node_count", "value": 2}])
    assert r.status_int == 400
    assert r.json["errors"][0]["detail"].startswith(
        "Invalid input for field/attribute rollback. Value: 'perhaps'.")


@pytest.mark.parametrize("version,present,absent", [("1.1", "stack_id", "cluster_id"),
                                                    ("1.12", "stack_id", "cluster_id"),
                                                    ("1.13", "cluster_id", "stack_id"),
                                                    ("1.14", "cluster_id", "stack_id")])
def test_stack_id_renamed_cluster_id(api, version, present, absent):
    tpl = make_template(api)
    uuid = make_cluster(api, tpl["uuid"])
    set_status(uuid, "CREATE_COMPLETE", stack_id="stk-1")
    for path in (f"/v1/clusters/{uuid}", "/v1/clusters", "/v1/clusters/detail"):
        body = api.get(path, version=version).json
        item = body if "uuid" in body else body["clusters"][0]
        assert item[present] == "stk-1", path
        assert absent not in item, path


ZERO = "Resizing a nodegroup to zero is not supported in the provided microversion."


@pytest.mark.parametrize("version,ok", [("1.1", False), ("1.9", False), ("1.10", True),
                                        ("1.14", True)])
def test_zero_node_count_on_create(api, version, ok):
    tpl = make_template(api)
    r = api.post("/v1/clusters", {"cluster_template_id": tpl["uuid"], "node_count": 0},
                 version=version)
    if ok:
        assert r.status_int == 202, r.text
        assert nodegroup_counts(r.json["uuid"]) == {"default-master": 1, "default-worker": 0}
    else:
        assert_error(r, 400, ZERO)
        assert api.get("/v1/clusters").json["clusters"] == []


@pytest.mark.parametrize("version,ok", [("1.9", False), ("1.10", True)])
def test_zero_node_count_on_patch_and_resize(api, version, ok):
    tpl = make_template(api)
    uuid = make_cluster(api, tpl["uuid"])
    set_status(uuid, "CREATE_COMPLETE")
    r = api.patch(f"/v1/clusters/{uuid}", [{"op": "replace", "path": "/node_count",
                                            "value": 0}], version=version)
    if ok:
        assert r.status_int == 202, r.text
        set_status(uuid, "UPDATE_COMPLETE")
    else:
        assert_error(r, 400, ZERO)
        assert nodegroup_counts(uuid)["default-worker"] == 1
    r = api.post(f"/v1/clusters/{uuid}/actions/resize", {"node_count": 0}, version=version)
    if ok:
        assert r.status_int == 202, r.text
    else:
        assert_error(r, 400, ZERO)
    assert nodegroup_counts(uuid)["default-worker"] == (0 if ok else 1)


@pytest.mark.parametrize("version,status", [("1.1", 400), ("1.9", 400), ("1.10", 404),
                                            ("1.14", 404)])
@pytest.mark.parametrize("ident", ["nope", "0b2c0f9e-1111-4c5c-9d1c-3f0b4e1e5a77"])
def test_missing_template_on_cluster_create(api, version, status, ident):
    r = api.post("/v1/clusters", {"cluster_template_id": ident}, version=version)
    assert_error(r, status, f"ClusterTemplate {ident} could not be found.")
