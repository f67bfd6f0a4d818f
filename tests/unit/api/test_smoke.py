from tests.unit.api.conftest import template_body


def test_template_and_cluster_roundtrip(api):
    r = api.post("/v1/clustertemplates", template_body())
    assert r.status_int == 201, r.text
    tpl = r.json
    assert tpl["cluster_distro"] == "fedora-coreos"
    assert tpl["driver"] == "k8s_fedora_coreos_v1"
    assert tpl["network_driver"] == "flannel"
    r = api.post("/v1/clusters", {"name": "c1", "cluster_template_id": tpl["uuid"],
                                  "node_count": 2})
    assert r.status_int == 202, r.text
    uuid = r.json["uuid"]
    r = api.get(f"/v1/clusters/{uuid}")
    assert r.status_int == 200, r.text
    assert r.json["status"] == "CREATE_IN_PROGRESS"
    assert r.json["node_count"] == 2 and r.json["master_count"] == 1
    r = api.get("/v1/clusters")
    assert [c["uuid"] for c in r.json["clusters"]] == [uuid]
