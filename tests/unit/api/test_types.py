"""Request bodies, query arguments and the error document (types/base.py, hooks.py;
reference §1.3, §1.4, §1.6)."""

from __future__ import annotations

import json

import pytest

from magnum_clone.db import api as db_api
from tests.unit.api.conftest import (
    assert_error,
    assert_error_startswith,
    make_template,
    template_body,
)

CT = "/v1/clustertemplates"
CL = "/v1/clusters"
TPL = "TEMPLATE"  # replaced by the uuid of a template made by the test


def _body(path: str, tpl: str, **kw):
    if path == CT:
        return template_body(**kw)
    body = {"cluster_template_id": tpl, "name": "c1", **kw}
    return {k: v for k, v in body.items() if v is not DROP}


DROP = object()


# --- transport ---------------------------------------------------------------------------

@pytest.mark.parametrize("content_type,status,detail", [
    ("text/plain", 415, "Unknown mimetype: text/plain"),
    ("application/xml", 415, "Unknown mimetype: application/xml"),
    ("application/x-www-form-urlencoded", 415,
     "Unknown mimetype: application/x-www-form-urlencoded"),
    ("application/json", 201, None),
    ("application/json; charset=UTF-8", 201, None),
    ("text/javascript", 201, None),
])
def test_content_types(api, content_type, status, detail):
    r = api.raw("POST", CT, json.dumps(template_body()).encode(), content_type=content_type)
    if detail is None:
        assert r.status_int == status, r.text
    else:
        assert_error(r, status, detail)


@pytest.mark.parametrize("path", [CT, CL, "/v1/bays", "/v1/baymodels"])
@pytest.mark.parametrize("raw", [b"{bad", b"{'a': 1}", b"[1,", b"\xff"])
def test_invalid_json(api, path, raw):
    assert_error(api.raw("POST", path, raw), 400, "Request is not in valid JSON format")


@pytest.mark.parametrize("path,argname", [(CT, "cluster_template"), (CL, "cluster"),
                                          ("/v1/bays", "bay"), ("/v1/baymodels", "baymodel")])
@pytest.mark.parametrize("raw,shown", [(b"[1, 2]", "[1, 2]"), (b"[]", "[]"),
                                       (b'"text"', "text"), (b"7", "7"), (b"null", "None")])
def test_body_must_be_an_object(api, path, argname, raw, shown):
    r = api.raw("POST", path, raw)
    assert_error(r, 400, f"Invalid input for field/attribute {argname}. Value: '{shown}'. "
                         "Value not a valid dict")


def test_empty_body(api):
    r = api.raw("POST", CT, b"")
    assert_error(r, 400, "Invalid input for field/attribute cluster_template. Value: 'None'. "
                         "Value not a valid dict")


# --- typed attributes ----------------------------------------------------------------------

RO = "Cannot set read only field."


def ro(path: str, field: str, value) -> tuple:
    """A read-only attribute sent in a POST body."""
    return (path, {field: value}, 400,
            f"Invalid input for field/attribute {field}. Value: '{value}'. {RO}")


MANDATORY = "Mandatory field missing."
LONG = "x" * 256
WHOLE_BODY = "Invalid input for field/attribute cluster_template. Value: '{"

# (path, attribute changes, status, detail; a detail ending in "..." is a prefix)
BODY_CASES = [
    (CT, {"foo": 1}, 400, "Unknown attribute for argument cluster_template: foo"),
    (CT, {"zed": 1, "foo": 2}, 400, "Unknown attributes for argument cluster_template: foo, zed"),
    (CL, {"foo": 1}, 400, "Unknown attribute for argument cluster: foo"),
    (CL, {"bay_create_timeout": 1}, 400,
     "Unknown attribute for argument cluster: bay_create_timeout"),
    ro(CT, "project_id", "x"),
    ro(CT, "user_id", "x"),
    ro(CT, "links", []),
    ro(CT, "created_at", "2020"),
    ro(CL, "api_address", "a"),
    ro(CL, "stack_id", "s"),
    ro(CL, "cluster_id", "s"),
    ro(CL, "node_addresses", []),
    ro(CL, "master_addresses", []),
    ro(CL, "coe_version", "1"),
    ro(CL, "container_version", "1"),
    ro(CL, "project_id", "p"),
    ro(CL, "user_id", "u"),
    ro(CL, "links", []),
    (CT, {"image_id": DROP}, 400,
     f"Invalid input for field/attribute image_id. Value: 'None'. {MANDATORY}"),
    (CT, {"image_id": None}, 400,
     f"Invalid input for field/attribute image_id. Value: 'None'. {MANDATORY}"),
    (CL, {"cluster_template_id": DROP}, 400,
     f"Invalid input for field/attribute cluster_template_id. Value: 'None'. {MANDATORY}"),
    (CL, {"cluster_template_id": None}, 400,
     f"Invalid input for field/attribute cluster_template_id. Value: 'None'. {MANDATORY}"),
    # integers
    (CT, {"docker_volume_size": "5"}, 201, None),
    (CT, {"docker_volume_size": 5.9}, 201, None),
    (CT, {"docker_volume_size": "abc"}, 400,
     "Invalid input for field/attribute cluster_template. Value: '{..."),
    (CT, {"docker_volume_size": "2.5"}, 400,
     "Invalid input for field/attribute cluster_template. Value: '{..."),
    (CT, {"docker_volume_size": 0}, 400,
     "Invalid input for field/attribute docker_volume_size. Value: '0'. "
     "Value should be greater or equal to 1"),
    (CT, {"docker_volume_size": "0"}, 400,
     "Invalid input for field/attribute docker_volume_size. Value: '0'. "
     "Value should be greater or equal to 1"),
    (CT, {"apiserver_port": 1023}, 400,
     "Invalid input for field/attribute apiserver_port. Value: '1023'. "
     "Value should be greater or equal to 1024"),
    (CT, {"apiserver_port": 65536}, 400,
     "Invalid input for field/attribute apiserver_port. Value: '65536'. "
     "Value should be lower or equal to 65535"),
    (CT, {"apiserver_port": "8443"}, 201, None),
    (CL, {"node_count": "3"}, 202, None),
    (CL, {"node_count": -1}, 400,
     "Invalid input for field/attribute node_count. Value: '-1'. "
     "Value should be greater or equal to 0"),
    (CL, {"master_count": 0}, 400,
     "Invalid input for field/attribute master_count. Value: '0'. "
     "Value should be greater or equal to 1"),
    (CL, {"create_timeout": -1}, 400,
     "Invalid input for field/attribute create_timeout. Value: '-1'. "
     "Value should be greater or equal to 0"),
    (CL, {"docker_volume_size": 0}, 400,
     "Invalid input for field/attribute docker_volume_size. Value: '0'. "
     "Value should be greater or equal to 1"),
    (CL, {"node_count": "many"}, 400,
     "Invalid input for field/attribute cluster. Value: '{..."),
    (CL, {"node_count": [1]}, 400, "Invalid input for field/attribute cluster. Value: '{..."),
    # booleans: JSON booleans and the documented strings; anything else 400, never 500
    (CT, {"public": "False", "tls_disabled": "yes", "master_lb_enabled": "0",
          "floating_ip_enabled": "off", "registry_enabled": "N", "hidden": "f"}, 201, None),
    (CT, {"tls_disabled": 1}, 201, None),
    (CT, {"tls_disabled": "maybe"}, 400,
     "Invalid input for field/attribute tls_disabled. Value: 'maybe'. Unrecognized value "
     "'maybe', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', "
     "'true', 'y', 'yes'"),
    (CT, {"tls_disabled": ""}, 400, "Invalid input for field/attribute tls_disabled. Value: ''..."),
    (CT, {"tls_disabled": [True]}, 400,
     "Invalid input for field/attribute tls_disabled. Value: '[True]'..."),
    (CT, {"tls_disabled": {"a": 1}}, 400,
     "Invalid input for field/attribute tls_disabled. Value: '{'a': 1}'..."),
    (CL, {"merge_labels": "sure"}, 400,
     "Invalid input for field/attribute merge_labels. Value: 'sure'..."),
    (CL, {"master_lb_enabled": "true", "floating_ip_enabled": "False"}, 202, None),
    # enums
    # the allowed COEs are those of the loaded drivers (kubernetes, swarm, mesos)
    (CT, {"coe": "dcos"}, 400,
     "Invalid input for field/attribute coe. Value: 'dcos'. Value should be one of: ..."),
    (CT, {"server_type": "container"}, 400,
     "Invalid input for field/attribute server_type. Value: 'container'. "
     "Value should be one of: bm, vm"),
    # strings
    (CT, {"name": ""}, 400, "Invalid input for field/attribute name. Value: ''. "
                            "Value should have a minimum character requirement of 1"),
    (CT, {"name": LONG}, 400, f"Invalid input for field/attribute name. Value: '{LONG}'. "
                              "Value should have a maximum character requirement of 255"),
    (CT, {"name": "any chars !?/ é"}, 201, None),
    (CT, {"name": 5}, 400, "Invalid input for field/attribute name. Value: '5'. "
                           "Value should be string"),
    (CT, {"image_id": ""}, 400, "Invalid input for field/attribute image_id. Value: ''. "
                                "Value should have a minimum character requirement of 1"),
    (CT, {"http_proxy": LONG}, 400, f"Invalid input for field/attribute http_proxy. Value: "
                                    f"'{LONG}'. Value should have a maximum character "
                                    "requirement of 255"),
    (CT, {"tags": ""}, 201, None),
    (CT, {"network_driver": None, "http_proxy": None, "cluster_distro": None,
          "fixed_network": None, "labels": None}, 201, None),
    (CT, {"dns_nameserver": "abc"}, 400,
     "Expected a single dns address or comma separated dns list, but received abc."),
    (CT, {"dns_nameserver": "8.8.8.8,1.1.1.1"}, 201, None),
    (CL, {"name": "1abc"}, 400, "Invalid input for field/attribute name. Value: '1abc'. "
                                "Value should match the pattern ^[a-zA-Z][a-zA-Z0-9_.-]*$"),
    (CL, {"name": "a b"}, 400, "Invalid input for field/attribute name. Value: 'a b'. "
                               "Value should match the pattern ^[a-zA-Z][a-zA-Z0-9_.-]*$"),
    (CL, {"name": ""}, 400, "Invalid input for field/attribute name. Value: ''. "
                            "Value should have a minimum character requirement of 1"),
    (CL, {"name": "a" * 243}, 400, f"Invalid input for field/attribute name. Value: "
                                   f"'{'a' * 243}'. Value should have a maximum character "
                                   "requirement of 242"),
    (CL, {"name": "a" * 242}, 202, None),
    (CL, {"name": "A-b_c.9"}, 202, None),
    (CL, {"keypair": ""}, 400, "Invalid input for field/attribute keypair. Value: ''. "
                               "Value should have a minimum character requirement of 1"),
    (CL, {"keypair": None, "labels": None, "flavor_id": None, "discovery_url": None}, 202,
     None),
    # labels: values may be strings, numbers or booleans
    (CT, {"labels": {"n": 1, "f": True, "x": 1.5, "s": "v"}}, 201, None),
    (CT, {"labels": {"a": [1]}}, 400, "Invalid input for field/attribute labels. Value: "
                                      "'{'a': [1]}'. Wrong type. Expected '(<class 'str'>, "
                                      "<class 'int'>, <class 'bool'>, <class 'float'>)', "
                                      "got '<class 'list'>'"),
    (CT, {"labels": ["a"]}, 400, f"{WHOLE_BODY}..."),
    (CT, {"labels": "a=b"}, 400, f"{WHOLE_BODY}..."),
]


@pytest.mark.parametrize("path,changes,status,detail", BODY_CASES)
def test_body_attributes(api, path, changes, status, detail):
    tpl = make_template(api, name="base")["uuid"] if path == CL else ""
    body = _body(path, tpl)
    body.update(changes)
    body = {k: v for k, v in body.items() if v is not DROP}
    r = api.post(path, body)
    if detail is None:
        assert r.status_int == status, r.text
    elif detail.endswith("..."):
        assert_error_startswith(r, status, detail[:-3])
    else:
        assert_error(r, status, detail)
    if status >= 400:
        kind = "clustertemplates" if path == CT else "clusters"
        count = len(api.get(f"/v1/{kind}").json[kind])
        assert count == 0


def test_int_coercion_stores_the_number(api):
    tpl = make_template(api, docker_volume_size="7", apiserver_port=6443.9)
    assert (tpl["docker_volume_size"], tpl["apiserver_port"]) == (7, 6443)


def test_abc_int_names_the_whole_body(api):
    r = api.post(CT, template_body(docker_volume_size="abc"))
    detail = r.json["errors"][0]["detail"]
    assert detail.endswith("'. invalid literal for int() with base 10: 'abc'"), detail
    assert "'docker_volume_size': 'abc'" in detail


@pytest.mark.parametrize("value,stored", [("False", False), ("TRUE", True), ("on", True),
                                          ("1", True), (0, False), (True, True)])
def test_boolean_strings(api, value, stored):
    assert make_template(api, tls_disabled=value)["tls_disabled"] is stored


# --- query arguments ------------------------------------------------------------------------

@pytest.mark.parametrize("method,path,arg", [
    ("GET", "/v1/clusters?all_tenants=1", "all_tenants"),
    ("GET", "/v1/clusters/detail?name=x", "name"),
    ("GET", "/v1/clustertemplates?all_projects=true", "all_projects"),
    ("GET", "/v1/clustertemplates/detail?x=1", "x"),
    ("GET", "/v1/mservices?limit=5", "limit"),
    ("GET", "/v1/clusters/c1?fields=uuid", "fields"),
    ("GET", "/v1/bays?x=1", "x"),
    ("POST", "/v1/clusters?x=1", "x"),
    ("POST", "/v1/clustertemplates?x=1", "x"),
    ("DELETE", "/v1/clusters/c1?force=1", "force"),
    ("PATCH", "/v1/clustertemplates/t?x=1", "x"),
])
def test_unknown_query_arguments(api, method, path, arg):
    r = api.raw(method, path, b"[]" if method == "PATCH" else b"{}")
    assert_error(r, 400, f'Unknown argument: "{arg}"')


# --- the error document -----------------------------------------------------------------------

def test_error_body_shape_client(api):
    r = api.get("/v1/clusters/nope")
    assert r.status_int == 404
    assert r.content_type == "application/json"
    assert r.json == {"errors": [{"request_id": "", "code": "client", "status": 404,
                                  "title": "Cluster nope could not be found",
                                  "detail": "Cluster nope could not be found.",
                                  "links": []}]}
    assert r.headers["X-OpenStack-Request-Id"].startswith("req-")


def test_error_title_is_cut_at_the_first_dot(api):
    r = api.get("/v1/clusters/a.b.c")
    assert_error(r, 404, "Cluster a.b.c could not be found.")
    assert r.json["errors"][0]["title"] == "Cluster a"


def test_server_errors_hide_tracebacks(api, monkeypatch):
    def boom(**kw):
        raise RuntimeError("database exploded. Really")

    monkeypatch.setattr(db_api.get_instance(), "list_clusters", boom)
    r = api.get("/v1/clusters")
    assert_error(r, 500, "database exploded. Really", code="server")
    assert "Traceback" not in r.text
