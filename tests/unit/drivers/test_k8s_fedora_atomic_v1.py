"""k8s_fedora_atomic_v1: pure rendering of the parameter table, template coverage, labels."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from heatclient.common import template_utils

from magnum_clone.common import exceptions as exc
from magnum_clone_drivers.base import ClusterView
from magnum_clone_drivers.heat.template_def import RenderInput
from magnum_clone_drivers.k8s_fedora_atomic_v1 import driver as drv_mod
from magnum_clone_drivers.k8s_fedora_atomic_v1 import template_def

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
            "image_id": "fedora-atomic-latest", "flavor_id": "m1.small",
            "docker_volume_size": None},
           {"is_default": True, "role": "worker", "name": "default-worker", "node_count": 2,
            "image_id": "fedora-atomic-latest", "flavor_id": "m1.medium",
            "docker_volume_size": 5}]
    return ClusterView(cluster=cluster, template=tpl, nodegroups=ngs)


def params(v: ClusterView) -> dict[str, Any]:
    return drv_mod.Driver().definition().parameters(RenderInput(v, LOOKUPS))


def hot_parameters() -> dict[str, Any]:
    with open(template_def.TEMPLATE) as f:
        return yaml.safe_load(f)["parameters"]


def test_driver_identity() -> None:
    d = drv_mod.Driver()
    assert d.name == "k8s_fedora_atomic_v1"
    assert [p.as_dict() for p in d.provides] == [
        {"server_type": "vm", "os": "fedora-atomic", "coe": "kubernetes"}]
    assert d.container_version == "1.12.6" and d.version == "1.0.0"
    assert d.outputs.coe_version_param == "kube_version"
    assert d.template_path.endswith("k8s_fedora_atomic_v1/templates/kubecluster.yaml")


def test_every_param_is_a_template_parameter() -> None:
    names = {p.name for p in template_def.PARAMS}
    assert len(names) == len(template_def.PARAMS)
    assert names <= set(hot_parameters())


def test_template_defaults_are_the_atomic_ones() -> None:
    hot = hot_parameters()
    assert hot["kube_tag"]["default"] == "v1.15.7"
    assert hot["kube_version"]["default"] == "v1.15.7"
    assert hot["docker_storage_driver"]["default"] == "devicemapper"
    assert hot["hyperkube_prefix"]["default"] == "k8s.gcr.io/"
    assert hot["use_podman"]["default"] is False
    assert hot["selinux_mode"]["default"] == "permissive"
    assert hot["tiller_enabled"]["default"] is True
    assert hot["calico_kube_controllers_tag"]["default"] == "v1.0.3"
    # the seeds' label defaults (not upstream's HOT defaults)
    assert hot["flannel_backend"]["default"] == "udp"
    assert hot["keystone_auth_enabled"]["default"] is False
    assert hot["cloud_provider_enabled"]["default"] is True
    assert "octavia_provider" not in hot and "csi_liveness_probe_tag" not in hot
    assert all("default" in p for p in hot.values())


def test_default_cluster() -> None:
    p = params(view())
    assert p["is_cluster_stack"] is True
    assert p["external_network"] == "ext-net-id"
    assert p["master_image"] == "fedora-atomic-latest" and p["minion_flavor"] == "m1.medium"
    assert p["number_of_masters"] == 1 and p["number_of_minions"] == 2
    assert p["docker_volume_size"] == 5 and "docker_storage_driver" not in p
    assert p["kubernetes_port"] == 6443 and "loadbalancing_protocol" not in p
    assert p["fixed_network_name"] == "atomic" and p["fixed_subnet_cidr"] == "10.0.0.0/24"
    assert p["no_proxy"] == "10.0.0.0/24"
    assert p["pods_network_cidr"] == "10.100.0.0/16"
    assert p["max_node_count"] == 3
    assert p["ssh_key_name"] == "default" and p["ssh_public_key"] == "ssh-ed25519 AAA"
    # no labels -> no label parameters (Heat applies the template defaults)
    assert not {"kube_tag", "flannel_backend", "tiller_enabled", "etcd_volume_size"} & set(p)


def test_rich_cluster() -> None:
    labels = {"kube_tag": "v1.16.1", "flannel_backend": "host-gw",
              "service_cluster_ip_range": "10.200.0.0/16", "etcd_volume_size": "3",
              "tiller_enabled": "false", "tiller_namespace": "tiller",
              "calico_ipv4pool": "192.168.0.0/16", "ingress_controller": "Traefik",
              "max_node_count": "7", "min_node_count": "1", "fixed_subnet_cidr": "10.1.0.0/24",
              "container_infra_prefix": "registry.example.com/k8s/",
              "cert_manager_api": "true", "selinux_mode": "enforcing",
              "calico_kube_controllers_tag": "v3.0.0", "availability_zone": "az1",
              "master_lb_floating_ip_enabled": "true"}
    p = params(view(labels, tls_disabled=True, network_driver="calico", no_proxy="corp",
                    docker_storage_driver="overlay2"))
    assert p["kube_tag"] == p["kube_version"] == p["master_kube_tag"] == p["minion_kube_tag"] \
        == "v1.16.1"
    assert p["flannel_backend"] == "host-gw" and p["portal_network_cidr"] == "10.200.0.0/16"
    assert p["etcd_volume_size"] == 3 and p["tiller_enabled"] is False
    assert p["tiller_namespace"] == "tiller" and p["calico_kube_controllers_tag"] == "v3.0.0"
    assert p["pods_network_cidr"] == "192.168.0.0/16" and p["ingress_controller"] == "traefik"
    assert p["max_node_count"] == 7 and p["min_node_count"] == 1
    assert p["fixed_subnet_cidr"] == "10.1.0.0/24" and p["no_proxy"] == "corp,10.1.0.0/24"
    assert p["kubernetes_port"] == 8080 and p["loadbalancing_protocol"] == "HTTP"
    assert p["cert_manager_api"] is True and p["master_lb_floating_ip_enabled"] is True
    assert p["docker_storage_driver"] == "overlay2" and p["availability_zone"] == "az1"
    assert set(p) <= set(hot_parameters())


def test_render_resolves_nested_templates_and_fragments() -> None:
    files, tpl = template_utils.get_template_contents(template_file=template_def.TEMPLATE)
    names = {k.rsplit("/", 1)[-1] for k in files}
    assert {"kubemaster.yaml", "kubeminion.yaml", "network.yaml", "lb.yaml",
            "write-heat-params.yaml", "configure-kubernetes-master.sh", "wc-notify.sh"} <= names
    group = tpl["resources"]["kube_minions"]["properties"]
    assert group["removal_policies"] == [{"resource_list": {"get_param": "minions_to_remove"}}]


@pytest.mark.parametrize("labels, needle", [
    ({"flannel_backend": "bogus"}, "flannel_backend"),
    ({"selinux_mode": "lax"}, "selinux_mode"),
    ({"tiller_enabled": "maybe"}, "tiller_enabled"),
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
    drv_mod.Driver().validate_labels({"flannel_backend": "udp", "kube_tag": "v1.15.7",
                                      "selinux_mode": "disabled", "tiller_enabled": "true"})
