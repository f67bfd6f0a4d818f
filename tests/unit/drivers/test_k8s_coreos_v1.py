"""k8s_coreos_v1 (CoreOS): pure rendering of the parameter table, template coverage, labels."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from heatclient.common import template_utils

from magnum_clone.common import exceptions as exc
from magnum_clone_drivers.base import ClusterView
from magnum_clone_drivers.heat.template_def import RenderInput
from magnum_clone_drivers.k8s_coreos_v1 import driver as drv_mod
from magnum_clone_drivers.k8s_coreos_v1 import template_def

LOOKUPS = {"external_network": "ext-net-id", "discovery_url": "https://discovery.example/x",
           "magnum_url": "http://magnum:9511/v1", "verify_ca": True,
           "nodes_affinity_policy": "soft-anti-affinity", "ssh_public_key": "ssh-ed25519 AAA"}


def view(labels: dict[str, str] | None = None, **template: Any) -> ClusterView:
    cluster = {"uuid": "c-uuid", "name": "atomic", "project_id": "p1", "keypair": "default",
               "labels": labels or {}, "master_lb_enabled": False,
               "floating_ip_enabled": True, "fixed_network": None, "fixed_subnet": None}
    tpl = {"coe": "kubernetes", "tls_disabled": False, "network_driver": "flannel",
           "dns_nameserver": "8.8.8.8", **template}
    ngs = [{"is_default": True, "role": "master", "name": "default-master", "node_count": 1,
            "image_id": "coreos", "flavor_id": "m1.small",
            "docker_volume_size": None},
           {"is_default": True, "role": "worker", "name": "default-worker", "node_count": 2,
            "image_id": "coreos", "flavor_id": "m1.medium",
            "docker_volume_size": 5}]
    return ClusterView(cluster=cluster, template=tpl, nodegroups=ngs)


def params(v: ClusterView) -> dict[str, Any]:
    return drv_mod.Driver().definition().parameters(RenderInput(v, LOOKUPS))


def hot_parameters() -> dict[str, Any]:
    with open(template_def.TEMPLATE) as f:
        return yaml.safe_load(f)["parameters"]


def test_driver_identity() -> None:
    d = drv_mod.Driver()
    assert d.name == "k8s_coreos_v1"
    assert [p.as_dict() for p in d.provides] == [
        {"server_type": "vm", "os": "coreos", "coe": "kubernetes"}]
    assert d.container_version == "1.11.2" and d.version == "1.0.0"
    assert d.outputs.coe_version_param == "kube_version"
    assert d.template_path.endswith("k8s_coreos_v1/templates/kubecluster.yaml")


def test_every_param_is_a_template_parameter() -> None:
    names = {p.name for p in template_def.PARAMS}
    assert len(names) == len(template_def.PARAMS)
    assert names <= set(hot_parameters())


def test_template_defaults_are_the_coreos_ones() -> None:
    hot = hot_parameters()
    assert hot["kube_tag"]["default"] == "v1.9.3"
    assert hot["kube_version"]["default"] == "v1.10.3_coreos.0"
    assert hot["flannel_backend"]["default"] == "udp"
    assert hot["hyperkube_image"]["default"] == "quay.io/coreos/hyperkube"
    assert hot["calico_tag"]["default"] == "v2.6.7"
    assert hot["octavia_enabled"]["type"] == "string"
    assert "openstack_ca_coreos" in hot and "tiller_enabled" not in hot
    assert all("default" in p for p in hot.values())


def test_default_cluster() -> None:
    p = params(view())
    assert p["is_cluster_stack"] is True
    assert p["external_network"] == "ext-net-id"
    assert p["master_image"] == "coreos" and p["minion_flavor"] == "m1.medium"
    assert p["number_of_masters"] == 1 and p["number_of_minions"] == 2
    assert p["docker_volume_size"] == 5 and "docker_storage_driver" not in p
    assert p["kubernetes_port"] == 6443 and "loadbalancing_protocol" not in p
    assert p["fixed_network_name"] == "atomic" and p["fixed_subnet_cidr"] == "10.0.0.0/24"
    assert p["no_proxy"] == "10.0.0.0/24"
    assert p["pods_network_cidr"] == "10.100.0.0/16"
    assert p["ssh_key_name"] == "default" and p["ssh_public_key"] == "ssh-ed25519 AAA"
    # no labels -> no label parameters (Heat applies the template defaults)
    assert not {"kube_tag", "flannel_backend", "etcd_volume_size"} & set(p)
    assert "max_node_count" not in p and "master_kube_tag" not in p


def test_rich_cluster() -> None:
    labels = {"kube_tag": "v1.10.3", "flannel_backend": "vxlan", "etcd_tag": "v3.3.0",
              "service_cluster_ip_range": "10.200.0.0/16", "etcd_volume_size": "3",
              "calico_ipv4pool": "192.168.0.0/16", "calico_tag": "v3.1.0",
              "calico_kube_controllers_tag": "v3.0.0", "ingress_controller": "Octavia",
              "fixed_subnet_cidr": "10.1.0.0/24", "kubelet_options": "--v=2",
              "container_infra_prefix": "registry.example.com/k8s/",
              "cert_manager_api": "true", "availability_zone": "az1"}
    p = params(view(labels, tls_disabled=True, network_driver="calico", no_proxy="corp",
                    docker_storage_driver="overlay2"))
    assert p["kube_tag"] == p["kube_version"] == "v1.10.3"
    assert p["flannel_backend"] == "vxlan" and p["portal_network_cidr"] == "10.200.0.0/16"
    assert p["etcd_volume_size"] == 3 and p["etcd_tag"] == "v3.3.0"
    assert p["calico_tag"] == "v3.1.0" and p["calico_kube_controllers_tag"] == "v3.0.0"
    assert p["pods_network_cidr"] == "192.168.0.0/16" and p["ingress_controller"] == "octavia"
    assert p["fixed_subnet_cidr"] == "10.1.0.0/24" and p["no_proxy"] == "corp,10.1.0.0/24"
    assert p["kubernetes_port"] == 8080 and p["loadbalancing_protocol"] == "HTTP"
    assert p["cert_manager_api"] is True and p["kubelet_options"] == "--v=2"
    assert p["docker_storage_driver"] == "overlay2" and p["availability_zone"] == "az1"
    assert set(p) <= set(hot_parameters())


def test_cloud_config_is_valid_yaml() -> None:
    import os

    frag = os.path.join(os.path.dirname(template_def.TEMPLATE), "..", "fragments")
    for tpl_name in ("kubemaster.yaml", "kubeminion.yaml"):
        with open(os.path.join(os.path.dirname(template_def.TEMPLATE), tpl_name)) as f:
            nested = yaml.safe_load(f)
        cfg = next(r for r in nested["resources"].values()
                   if r["type"] == "OS::Heat::SoftwareConfig")
        parts = cfg["properties"]["config"]["str_replace"]["template"]["list_join"][1]
        text = "\n".join(
            p if isinstance(p, str)
            else open(os.path.join(frag, p["get_file"].rsplit("/", 1)[-1])).read()
            for p in parts)
        text = text.replace("$HEAT_PARAMS", '{"A": "it\'s", "N": 1}').replace(
            "$WAIT_CURL", "curl -X POST http://x")
        doc = yaml.safe_load(text)
        assert text.startswith("#cloud-config")
        assert doc["write_files"][0]["path"] == "/etc/sysconfig/heat-params.json"
        assert any(u["name"] == "kubelet.service" for u in doc["coreos"]["units"])


def test_render_resolves_nested_templates_and_fragments() -> None:
    files, tpl = template_utils.get_template_contents(template_file=template_def.TEMPLATE)
    names = {k.rsplit("/", 1)[-1] for k in files}
    assert {"kubemaster.yaml", "kubeminion.yaml", "network.yaml", "lb.yaml",
            "write-heat-params.yaml", "enable-kubelet-master.yaml", "wc-notify.yaml"} <= names
    group = tpl["resources"]["kube_minions"]["properties"]
    assert group["removal_policies"] == [{"resource_list": {"get_param": "minions_to_remove"}}]


@pytest.mark.parametrize("labels, needle", [
    ({"flannel_backend": "bogus"}, "flannel_backend"),
    ({"cert_manager_api": "maybe"}, "cert_manager_api"),
    ({"ingress_controller": "haproxy"}, "ingress_controller"),
    ({"etcd_volume_size": "-1"}, "etcd_volume_size"),
    ({"container_infra_prefix": "registry.example.com"}, "container_infra_prefix"),
    ({"calico_ipv4pool_ipip": "Sometimes"}, "calico_ipv4pool_ipip"),
    ({"service_cluster_ip_range": "not-a-cidr"}, "service_cluster_ip_range"),
])
def test_bad_labels(labels: dict[str, str], needle: str) -> None:
    with pytest.raises(exc.InvalidParameterValue) as e:
        drv_mod.Driver().validate_labels(labels)
    assert needle in str(e.value) and "expected" in str(e.value)


def test_good_labels() -> None:
    drv_mod.Driver().validate_labels({"flannel_backend": "udp", "kube_tag": "v1.9.3",
                                      "calico_ipv4pool_ipip": "Always"})
