"""The other Kubernetes Heat drivers end to end: Fedora Atomic, CoreOS and bare-metal Fedora.

Every template is validated by the real local Heat under the SIMULATED cloud; then, for each
driver, a cluster goes through the API, the conductor and Heat: create, scale 1 -> 2 -> 1,
delete; and a create whose simulated master fails ends CREATE_FAILED naming the master.
"""

from __future__ import annotations

from typing import Any

import pytest
from heatclient import exc as heat_exc
from heatclient.common import template_utils

from magnum_clone.common.clients import heat
from magnum_clone_drivers import sim
from magnum_clone_drivers.k8s_coreos_v1 import template_def as coreos_def
from magnum_clone_drivers.k8s_fedora_atomic_v1 import template_def as atomic_def
from magnum_clone_drivers.k8s_fedora_ironic_v1 import template_def as ironic_def
from tests.functional.conftest import Service

BASE = {"coe": "kubernetes", "external_network_id": "public", "flavor_id": "m1.small",
        "master_flavor_id": "m1.small", "keypair_id": "default"}
TEMPLATES = {
    "k8s_fedora_atomic_v1": {**BASE, "image_id": "fedora-atomic-latest",
                             "docker_storage_driver": "overlay2"},
    "k8s_coreos_v1": {**BASE, "image_id": "coreos", "docker_storage_driver": "overlay2"},
    "k8s_fedora_ironic_v1": {**BASE, "image_id": "fedora-ironic", "server_type": "bm",
                             "fixed_network": "private", "fixed_subnet": "private-subnet",
                             "docker_storage_driver": "overlay2"},
}
TEMPLATE_FILES = {"k8s_fedora_atomic_v1": atomic_def.TEMPLATE,
                  "k8s_coreos_v1": coreos_def.TEMPLATE,
                  "k8s_fedora_ironic_v1": ironic_def.TEMPLATE}


def _status(want: str) -> Any:
    return lambda r: r.json["status"] == want or r.json["status"].endswith("FAILED")


def _template(service: Service, driver: str) -> dict[str, Any]:
    tpl = service.post("/v1/clustertemplates", {"name": f"tpl-{driver}", **TEMPLATES[driver]},
                       status=201).json
    assert tpl["driver"] == driver, tpl
    return tpl


@pytest.mark.parametrize("driver", sorted(TEMPLATE_FILES))
def test_heat_validates_the_template(service: Service, driver: str) -> None:
    files, template = template_utils.get_template_contents(template_file=TEMPLATE_FILES[driver])
    environment, sim_files = sim.simulated_environment({})
    hc = heat.client("validate-k8s")
    result = hc.stacks.validate(template=template, files={**files, **sim_files},
                                environment=environment)
    params = result["Parameters"]
    assert {"number_of_minions", "minions_to_remove", "kube_tag", "kube_version"} <= set(params)
    assert all("Default" in p for p in params.values())
    # the HOT constraints are Heat's to enforce: a 400 before anything is created
    with pytest.raises(heat_exc.HTTPBadRequest, match="flannel_backend must be one of"):
        hc.stacks.preview(stack_name=f"bad-{driver.replace('_', '-')}", template=template,
                          files={**files, **sim_files}, environment=environment,
                          parameters={"flannel_backend": "bogus"})


@pytest.mark.parametrize("driver", sorted(TEMPLATES))
def test_create_scale_delete(service: Service, driver: str) -> None:
    tpl = _template(service, driver)
    uuid = service.post("/v1/clusters", {"name": f"c-{driver[:12]}",
                                         "cluster_template_id": tpl["uuid"],
                                         "node_count": 1}, status=202).json["uuid"]
    c = service.wait(f"/v1/clusters/{uuid}", _status("CREATE_COMPLETE")).json
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    ip = c["api_address"].removeprefix("https://").removesuffix(":6443")
    assert c["api_address"] == f"https://{ip}:6443" and ip.count(".") == 3
    assert len(c["master_addresses"]) == 1 and len(c["node_addresses"]) == 1
    if driver == "k8s_fedora_ironic_v1":   # no floating IPs: the fixed-network address
        assert c["master_addresses"] == [ip] and ip.startswith("10.0.0.")
    assert c["coe_version"] and c["container_version"]

    service.patch(f"/v1/clusters/{uuid}", [{"op": "replace", "path": "/node_count",
                                             "value": 2}], status=202)
    c = service.wait(f"/v1/clusters/{uuid}", _status("UPDATE_COMPLETE")).json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 2 and len(set(c["node_addresses"])) == 2

    service.patch(f"/v1/clusters/{uuid}", [{"op": "replace", "path": "/node_count",
                                             "value": 1}], status=202)
    c = service.wait(f"/v1/clusters/{uuid}",
                     lambda r: r.json["status"] != "UPDATE_IN_PROGRESS").json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 1 and len(c["node_addresses"]) == 1

    service.delete(f"/v1/clusters/{uuid}", status=204)
    service.wait(f"/v1/clusters/{uuid}", lambda r: r.status_int == 404)
    service.delete(f"/v1/clustertemplates/{tpl['uuid']}", status=204)


@pytest.mark.parametrize("driver", sorted(TEMPLATES))
def test_failing_master(service: Service, driver: str) -> None:
    """Every driver: a SIMULATED master that fails to boot ends the create CREATE_FAILED with
    a reason naming the master resource group."""
    tpl = _template(service, driver)
    uuid = service.post("/v1/clusters", {"name": f"broken-{driver[:10]}",
                                         "cluster_template_id": tpl["uuid"],
                                         "labels": {"sim_fail": "kube_masters"}},
                        status=202).json["uuid"]
    c = service.wait(f"/v1/clusters/{uuid}", _status("CREATE_FAILED")).json
    assert c["status"] == "CREATE_FAILED"
    reason = c["status_reason"]
    assert "SIMULATED" in reason and reason.startswith("kube_masters: "), reason
    service.delete(f"/v1/clusters/{uuid}", status=204)
    service.wait(f"/v1/clusters/{uuid}", lambda r: r.status_int == 404)


def test_bad_label_is_a_400_naming_it(service: Service) -> None:
    r = service.post("/v1/clustertemplates",
                     {"name": "bad", **TEMPLATES["k8s_fedora_atomic_v1"],
                      "labels": {"flannel_backend": "bogus"}}, status=400)
    assert "flannel_backend" in r.text and "udp" in r.text
