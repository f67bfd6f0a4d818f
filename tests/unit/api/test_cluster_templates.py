"""/v1/clustertemplates: create, show, list, delete (reference §3.1-§3.4, §1.7, §13, §14).
PATCH is in test_cluster_templates_patch.py."""

from __future__ import annotations

import re

import pytest

from tests.unit.api.conftest import (
    MEMBER,
    OTHER,
    assert_error,
    make_cluster,
    make_template,
    template_body,
)

CT = "/v1/clustertemplates"
BASE = "http://localhost"
READER = {"X-Roles": "reader", "X-Project-Id": "p-member", "X-User-Id": "u-reader"}
ZERO_DISK = "Flavor with zero root volume size is not supported when boot_volume_size is zero."
PUBLISH = "Not authorized to set public or hidden flag for cluster template."
FIELDS = ["uuid", "name", "coe", "image_id", "flavor_id", "master_flavor_id", "dns_nameserver",
          "keypair_id", "external_network_id", "fixed_network", "fixed_subnet",
          "network_driver", "apiserver_port", "docker_volume_size", "cluster_distro", "links",
          "http_proxy", "https_proxy", "no_proxy", "volume_driver", "registry_enabled",
          "labels", "tls_disabled", "public", "server_type", "insecure_registry",
          "docker_storage_driver", "master_lb_enabled", "floating_ip_enabled", "project_id",
          "user_id", "hidden", "tags", "driver", "created_at", "updated_at"]
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")


def test_minimal_create_renders_every_field_with_defaults(api):
    r = api.post(CT, {"coe": "kubernetes", "image_id": "fedora-coreos-latest"}, headers=MEMBER)
    assert r.status_int == 201, r.text
    body = r.json
    assert list(body) == FIELDS
    uuid = body["uuid"]
    assert r.headers["Location"] == f"{BASE}/v1/clustertemplates/{uuid}"
    assert re.match(r"^[a-z]+-([1-9]|1\d|2[0-4])-template$", body["name"]), body["name"]
    assert TIMESTAMP.match(body.pop("created_at"))
    expected = dict.fromkeys(FIELDS)
    del expected["created_at"]
    expected.update(
        uuid=uuid, name=body["name"], coe="kubernetes", image_id="fedora-coreos-latest",
        network_driver="flannel", cluster_distro="fedora-coreos", registry_enabled=False,
        labels={}, tls_disabled=False, public=False, server_type="vm",
        master_lb_enabled=False, floating_ip_enabled=True, project_id="p-member",
        user_id="u-member", hidden=False, driver="k8s_fedora_coreos_v1",
        links=[{"href": f"{BASE}/v1/clustertemplates/{uuid}", "rel": "self"},
               {"href": f"{BASE}/clustertemplates/{uuid}", "rel": "bookmark"}])
    assert body == expected
    # GET, list and detail render the same document
    shown = api.get(f"{CT}/{uuid}", headers=MEMBER).json
    assert shown == r.json
    assert api.get(CT, headers=MEMBER).json == {"clustertemplates": [shown]}
    assert api.get(f"{CT}/detail", headers=MEMBER).json == {"clustertemplates": [shown]}


def test_full_create_keeps_every_value(api):
    body = template_body(
        name="full", dns_nameserver="8.8.8.8", fixed_network="private",
        fixed_subnet="private-subnet", network_driver="calico", volume_driver="cinder",
        apiserver_port=6443, docker_volume_size=10, docker_storage_driver="overlay2",
        cluster_distro="ignored", http_proxy="http://p:3128", https_proxy="https://p:3128",
        no_proxy="localhost", registry_enabled=True, insecure_registry="10.0.0.1:5000",
        tls_disabled=True, server_type="vm", master_lb_enabled=True, floating_ip_enabled=False,
        labels={"kube_tag": "v1.27", "n": 1, "f": True, "x": 1.5}, tags="a,b",
        uuid="5d12f6fd-a196-4bf0-ae4c-1f639a523a52")
    tpl = make_template(api, **{k: v for k, v in body.items()})
    for key, value in body.items():
        if key == "labels":
            assert tpl["labels"] == {"kube_tag": "v1.27", "n": "1", "f": "True", "x": "1.5"}
        elif key == "cluster_distro":
            assert tpl["cluster_distro"] == "fedora-coreos"  # always the image's os_distro
        else:
            assert tpl[key] == value, key
    assert tpl["uuid"] == "5d12f6fd-a196-4bf0-ae4c-1f639a523a52"
    assert api.get(f"{CT}/full").json["labels"]["f"] == "True"


def test_duplicate_uuid_is_409(api):
    uuid = "5d12f6fd-a196-4bf0-ae4c-1f639a523a52"
    make_template(api, uuid=uuid)
    r = api.post(CT, template_body(uuid=uuid, name="again"))
    assert_error(r, 409, f"A ClusterTemplate with UUID {uuid} already exists.")


def test_bad_uuid_is_400(api):
    r = api.post(CT, template_body(uuid="not-a-uuid"))
    assert_error(r, 400, "Invalid input for field/attribute uuid. Value: 'not-a-uuid'. "
                         "Expected a uuid but received not-a-uuid.")


def test_driver_named_in_the_body(api):
    assert make_template(api, driver="k8s_fedora_coreos_v1")["driver"] == "k8s_fedora_coreos_v1"


# (body changes, headers, status, detail): one rule each (§3.4)
CREATE_ERRORS = [
    ({"coe": None}, None, 400, "Requested COE type Unset is not supported."),
    ({"network_driver": "weave"}, None, 400,
     "Network driver type weave is not supported, expecting a flannel/calico/cilium/"
     "unspecified network driver."),
    ({"network_driver": "cilium"}, None, 400,
     "Network driver type cilium is not allowed, expecting a flannel/calico/unspecified "
     "network driver. "),
    ({"volume_driver": "rexray"}, None, 400,
     "Volume driver type rexray is not supported, expecting a cinder/unspecified volume "
     "driver."),
    ({"docker_storage_driver": "devicemapper", "docker_volume_size": 2}, None, 400,
     "docker volume size 2 GB is not valid, expecting minimum value 3GB for devicemapper "
     "storage driver."),
    ({"docker_storage_driver": "devicemapper"}, None, 400,
     "docker volume size None GB is not valid, expecting minimum value 3GB for devicemapper "
     "storage driver."),
    ({"image_id": "nope"}, None, 400, "Image nope could not be found."),
    ({"image_id": "no-distro"}, None, 400, "Image no-distro doesn't contain os_distro field."),
    ({"image_id": "ubuntu-docker"}, None, 400, "Cluster type (vm, ubuntu, kubernetes) not "
                                               "supported."),
    ({"server_type": "bm"}, None, 400, "Cluster type (bm, fedora-coreos, kubernetes) not "
                                       "supported."),
    ({"driver": "nope"}, None, 400, "Cluster driver (nope) not supported."),
    ({}, READER, 403, "Policy doesn't allow clustertemplate:create to be performed."),
    ({"flavor_id": "m1.huge"}, None, 400, "Unable to find flavor m1.huge."),
    ({"master_flavor_id": "m1.huge"}, None, 400, "Unable to find flavor m1.huge."),
    ({"external_network_id": "nope"}, None, 400, "Unable to find external network nope."),
    ({"external_network_id": "private"}, None, 400,
     "Unable to find external network private."),
    ({"fixed_network": "nope"}, None, 400, "Unable to find fixed network nope."),
    ({"fixed_subnet": "nope"}, None, 400, "Unable to find fixed subnet nope."),
    ({"public": True}, MEMBER, 403, PUBLISH),
    ({"hidden": True}, MEMBER, 403, PUBLISH),
    ({"flavor_id": "m1.tiny"}, None, 400, ZERO_DISK),
    ({"master_flavor_id": "m1.tiny"}, None, 400, ZERO_DISK),
    ({"labels": {"flannel_backend": "carrier-pigeon"}}, None, 400,
     "Invalid value 'carrier-pigeon' for label flannel_backend: expected one of udp, vxlan, "
     "host-gw."),
    # the first failing rule wins (§3.4 order)
    ({"coe": None, "network_driver": "weave"}, None, 400,
     "Requested COE type Unset is not supported."),
    ({"network_driver": "weave", "volume_driver": "rexray"}, None, 400,
     "Network driver type weave is not supported, expecting a flannel/calico/cilium/"
     "unspecified network driver."),
    ({"volume_driver": "rexray", "docker_storage_driver": "devicemapper"}, None, 400,
     "Volume driver type rexray is not supported, expecting a cinder/unspecified volume "
     "driver."),
    ({"docker_storage_driver": "devicemapper", "image_id": "nope"}, None, 400,
     "docker volume size None GB is not valid, expecting minimum value 3GB for devicemapper "
     "storage driver."),
    ({"image_id": "nope"}, READER, 400, "Image nope could not be found."),
    ({"flavor_id": "m1.huge"}, READER, 403,
     "Policy doesn't allow clustertemplate:create to be performed."),
    ({"flavor_id": "m1.huge", "public": True}, MEMBER, 400, "Unable to find flavor m1.huge."),
    ({"public": True, "flavor_id": "m1.tiny"}, MEMBER, 403, PUBLISH),
]


@pytest.mark.parametrize("changes,headers,status,detail", CREATE_ERRORS)
def test_create_rules_and_their_order(api, override, changes, headers, status, detail):
    override("sim_images", ["fedora-coreos-latest:fedora-coreos", "no-distro:",
                            "ubuntu-docker:ubuntu"], group="cloud")
    body = template_body(**changes)
    body = {k: v for k, v in body.items() if v is not None or k != "coe"}
    r = api.post(CT, body, headers=headers)
    assert_error(r, status, detail)
    assert api.get(CT).json["clustertemplates"] == []


@pytest.mark.parametrize("changes", [
    {"network_driver": "cilium"},
    {"flavor_id": "m1.tiny", "master_flavor_id": "m1.tiny", "labels": {"boot_volume_size": 10}},
    {"flavor_id": None, "master_flavor_id": None},
    {"public": True, "hidden": True},
    {"public": False, "hidden": False},
    {"image_id": "5a5d8a5f-4ab6-5f1c-9d8e-000000000000"},
])
def test_create_accepts(api, override, changes):
    override("kubernetes_allowed_network_drivers", ["all"], group="cluster_template")
    if "image_id" in changes:  # an image found by id
        from magnum_clone.common.clients import cloud

        changes = {"image_id": cloud.get_cloud().get_image("fedora-coreos-latest").id}
    headers = MEMBER if changes.get("public") is False else None
    r = api.post(CT, template_body(**changes), headers=headers)
    assert r.status_int == 201, r.text
    for k, v in changes.items():
        if k != "labels":
            assert r.json[k] == v


# --- visibility (§3.2) -------------------------------------------------------------------

@pytest.fixture()
def visibility(api):
    """Templates: MEMBER's private one, an admin's public one, an admin's hidden one."""
    return {
        "private": make_template(api, headers=MEMBER, name="private")["uuid"],
        "public": make_template(api, name="public", public=True)["uuid"],
        "hidden": make_template(api, name="hidden", public=True, hidden=True)["uuid"],
        "admin_private": make_template(api, name="admin-private")["uuid"],
    }


@pytest.mark.parametrize("who,headers,visible", [
    ("member", MEMBER, {"private", "public"}),
    ("other", OTHER, {"public"}),
    ("admin", None, {"private", "public", "hidden", "admin_private"}),
])
def test_visibility(api, visibility, who, headers, visible):
    for path in (CT, f"{CT}/detail"):
        names = {t["name"].replace("-", "_") for t in
                 api.get(path, headers=headers).json["clustertemplates"]}
        assert names == visible, (who, path)
    for name, uuid in visibility.items():
        for ident in (uuid, name.replace("_", "-")):
            r = api.get(f"{CT}/{ident}", headers=headers)
            if name in visible:
                assert r.status_int == 200, (who, ident)
            else:
                assert_error(r, 404, f"ClusterTemplate {ident} could not be found.")


def test_invisible_templates_cannot_be_changed(api, visibility):
    for name in ("private", "hidden"):
        uuid = visibility[name]
        r = api.patch(f"{CT}/{uuid}", [{"op": "replace", "path": "/name", "value": "x"}],
                      headers=OTHER)
        assert_error(r, 404, f"ClusterTemplate {uuid} could not be found.")
        assert_error(api.delete(f"{CT}/{uuid}", headers=OTHER), 404,
                     f"ClusterTemplate {uuid} could not be found.")


def test_public_template_of_another_project_is_read_only(api, visibility):
    uuid = visibility["public"]
    r = api.patch(f"{CT}/{uuid}", [{"op": "replace", "path": "/name", "value": "x"}],
                  headers=OTHER)
    assert_error(r, 403, "Policy doesn't allow clustertemplate:update to be performed.")
    assert_error(api.delete(f"{CT}/{uuid}", headers=OTHER), 403,
                 "Policy doesn't allow clustertemplate:delete to be performed.")


def test_duplicate_names_are_409(api):
    make_template(api, name="twin")
    make_template(api, name="twin")
    assert_error(api.get(f"{CT}/twin"), 409, "Multiple ClusterTemplates exist with same name. "
                                             "Please use the ClusterTemplate uuid instead.")


# --- delete -----------------------------------------------------------------------------------

def test_delete(api):
    tpl = make_template(api, headers=MEMBER)
    r = api.delete(f"{CT}/{tpl['name']}", headers=MEMBER)
    assert r.status_int == 204 and r.body == b""
    assert_error(api.get(f"{CT}/{tpl['uuid']}", headers=MEMBER), 404,
                 f"ClusterTemplate {tpl['uuid']} could not be found.")
    assert_error(api.delete(f"{CT}/{tpl['uuid']}", headers=MEMBER), 404,
                 f"ClusterTemplate {tpl['uuid']} could not be found.")


def test_delete_in_use_is_400_whoever_uses_it(api):
    tpl = make_template(api, public=True)
    make_cluster(api, tpl["uuid"], headers=OTHER)
    r = api.delete(f"{CT}/{tpl['uuid']}")
    assert_error(r, 400, f"ClusterTemplate {tpl['uuid']} is referenced by one or multiple "
                         "clusters.")
    assert api.get(f"{CT}/{tpl['uuid']}").status_int == 200


def test_reader_cannot_delete(api):
    tpl = make_template(api, headers=MEMBER)
    r = api.delete(f"{CT}/{tpl['uuid']}", headers=READER)
    assert_error(r, 403, "Policy doesn't allow clustertemplate:delete to be performed.")


# --- pagination (§1.7) ------------------------------------------------------------------------

@pytest.fixture()
def three(api):
    return [make_template(api, name=n)["uuid"] for n in ("b", "c", "a")]


def _next(collection: str, marker: str, limit: int, key: str = "id", direction: str = "asc"):
    return (f"{BASE}/v1/{collection}?sort_key={key}&sort_dir={direction}&limit={limit}"
            f"&marker={marker}")


@pytest.mark.parametrize("path", [CT, f"{CT}/detail"])
def test_pages_and_next_links(api, three, path):
    collection = path.removeprefix("/v1/")
    r = api.get(f"{path}?limit=2")
    assert [t["uuid"] for t in r.json["clustertemplates"]] == three[:2]
    assert r.json["next"] == _next(collection, three[1], 2)
    r = api.get(r.json["next"].removeprefix(BASE))
    assert [t["uuid"] for t in r.json["clustertemplates"]] == three[2:]
    assert "next" not in r.json
    # a full last page still links on; the following page is empty and has no link
    r = api.get(f"{path}?limit=3")
    assert r.json["next"] == _next(collection, three[2], 3)
    assert api.get(r.json["next"].removeprefix(BASE)).json == {"clustertemplates": []}
    assert "next" not in api.get(f"{path}?limit=4").json
    assert "next" not in api.get(path).json


def test_sorting(api, three):
    r = api.get(f"{CT}?sort_key=name&sort_dir=desc&limit=2")
    assert [t["name"] for t in r.json["clustertemplates"]] == ["c", "b"]
    assert r.json["next"] == _next("clustertemplates", three[0], 2, "name", "desc")
    r = api.get(r.json["next"].removeprefix(BASE))
    assert [t["name"] for t in r.json["clustertemplates"]] == ["a"]


def test_max_limit_caps_the_page(api, three, override):
    override("max_limit", 2, group="api")
    for path in (CT, f"{CT}?limit=50"):
        r = api.get(path)
        assert len(r.json["clustertemplates"]) == 2
        assert r.json["next"] == _next("clustertemplates", three[1], 2)


@pytest.mark.parametrize("query,status,detail", [
    ("marker=abc", 400, "Invalid input for field/attribute marker. Value: 'abc'. unable to "
                        "convert to uuid. Error: Expected a uuid but received abc."),
    ("marker=0b2c0f9e-1111-4c5c-9d1c-3f0b4e1e5a77", 404,
     "ClusterTemplate 0b2c0f9e-1111-4c5c-9d1c-3f0b4e1e5a77 could not be found."),
    ("limit=0", 400, "Limit must be positive"),
    ("limit=-3", 400, "Limit must be positive"),
    ("limit=ten", 400, "Invalid input for field/attribute limit. Value: 'ten'. invalid literal "
                       "for int() with base 10: 'ten'"),
    ("sort_key=foo", 400, 'The sort_key value "foo" is an invalid field for sorting'),
    ("sort_dir=up", 400, "Invalid sort direction: up. Acceptable values are 'asc' or 'desc'"),
])
@pytest.mark.parametrize("path", [CT, f"{CT}/detail"])
def test_pagination_errors(api, path, query, status, detail):
    assert_error(api.get(f"{path}?{query}"), status, detail)


def test_marker_must_be_visible(api):
    hidden = make_template(api, headers=MEMBER)["uuid"]
    assert_error(api.get(f"{CT}?marker={hidden}", headers=OTHER), 404,
                 f"ClusterTemplate {hidden} could not be found.")
