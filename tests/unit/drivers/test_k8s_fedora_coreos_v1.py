"""k8s_fedora_coreos_v1: pure rendering of the parameter table, template coverage, labels, and
the lookups done before rendering (trustee, cloud provider, CA bundle)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from heatclient.common import template_utils

from magnum_clone.common import exceptions as exc
from magnum_clone.conf import CONF
from magnum_clone_drivers import k8s_common
from magnum_clone_drivers.base import ClusterView
from magnum_clone_drivers.heat.template_def import RenderInput
from magnum_clone_drivers.k8s_fedora_coreos_v1 import driver as drv_mod
from magnum_clone_drivers.k8s_fedora_coreos_v1 import template_def

LOOKUPS = {"external_network": "ext-net-id", "discovery_url": "https://discovery.example/x",
           "magnum_url": "http://magnum:9511/v1", "verify_ca": True,
           "nodes_affinity_policy": "soft-anti-affinity", "ssh_public_key": "ssh-ed25519 AAA",
           "cluster_user_trust": False, "openstack_ca": "", "region_name": "RegionTwo",
           "kube_service_account_key": "PUB", "kube_service_account_private_key": "PRIV"}
TRUSTEE = {"trustee_domain_id": "dom", "trustee_user_id": "tu", "trustee_username": "tn",
           "trustee_password": "tp", "trust_id": "tr", "auth_url": "http://ks:5000/v3"}


def view(labels: dict[str, str] | None = None, *, cluster: dict[str, Any] | None = None,
         **template: Any) -> ClusterView:
    c = {"uuid": "c-uuid", "name": "fcos", "project_id": "p1", "keypair": "default",
         "labels": labels or {}, "master_lb_enabled": False, "floating_ip_enabled": True,
         "fixed_network": None, "fixed_subnet": None, **(cluster or {})}
    tpl = {"coe": "kubernetes", "tls_disabled": False, "network_driver": "flannel",
           "dns_nameserver": "8.8.8.8", "external_network_id": "public", **template}
    ngs = [{"is_default": True, "role": "master", "name": "default-master", "node_count": 3,
            "image_id": "fedora-coreos-latest", "flavor_id": "m1.small",
            "docker_volume_size": None},
           {"is_default": True, "role": "worker", "name": "default-worker", "node_count": 2,
            "image_id": "fedora-coreos-latest", "flavor_id": "m1.medium",
            "docker_volume_size": 5}]
    return ClusterView(cluster=c, template=tpl, nodegroups=ngs)


def params(v: ClusterView, **lookups: Any) -> dict[str, Any]:
    return drv_mod.Driver().definition().parameters(RenderInput(v, {**LOOKUPS, **lookups}))


def hot_parameters() -> dict[str, Any]:
    with open(template_def.TEMPLATE) as f:
        return dict(yaml.safe_load(f)["parameters"])


def test_driver_identity() -> None:
    d = drv_mod.Driver()
    assert d.name == "k8s_fedora_coreos_v1"
    assert [p.as_dict() for p in d.provides] == [
        {"server_type": "vm", "os": "fedora-coreos", "coe": "kubernetes"}]
    assert d.container_version == "1.12.6" and d.version == "1.0.0"
    assert d.supports_ca_rotation and d.supports_credential_rotation
    assert d.outputs.coe_version_param == "kube_version"
    assert d.outputs.worker_group == "kube_minions" and d.coe_query is not None
    assert d.template_path.endswith("k8s_fedora_coreos_v1/templates/kubecluster.yaml")


def test_every_param_is_a_template_parameter() -> None:
    names = {p.name for p in template_def.PARAMS}
    assert len(names) == len(template_def.PARAMS)
    assert names <= set(hot_parameters())


def test_every_template_parameter_has_a_source() -> None:
    """The audit's gap: each kubecluster.yaml parameter is sent, or is named as left to its
    template default (with the reason in template_def.TEMPLATE_DEFAULT_ONLY)."""
    names = {p.name for p in template_def.PARAMS}
    missing = set(hot_parameters()) - names - template_def.TEMPLATE_DEFAULT_ONLY
    assert missing == set()
    assert not names & template_def.TEMPLATE_DEFAULT_ONLY


def test_template_defaults_are_the_seeds_and_fcos_ones() -> None:
    hot = hot_parameters()
    assert hot["flannel_backend"]["default"] == "udp"
    assert hot["keystone_auth_enabled"]["default"] is False
    assert hot["cloud_provider_enabled"]["default"] is True
    assert hot["kube_tag"]["default"] == "v1.23.3-rancher1"
    assert hot["hyperkube_prefix"]["default"] == "docker.io/rancher/"
    assert hot["use_podman"]["default"] is True
    assert all("default" in p for p in hot.values())


def test_default_cluster() -> None:
    p = params(view())
    assert p["is_cluster_stack"] is True and p["external_network"] == "ext-net-id"
    assert p["number_of_masters"] == 3 and p["number_of_minions"] == 2
    assert p["master_flavor"] == "m1.small" and p["minion_flavor"] == "m1.medium"
    assert p["kubernetes_port"] == 6443 and "loadbalancing_protocol" not in p
    assert p["fixed_network_name"] == "fcos" and p["fixed_subnet_cidr"] == "10.0.0.0/24"
    assert p["no_proxy"] == "10.0.0.0/24" and p["pods_network_cidr"] == "10.100.0.0/16"
    assert p["max_node_count"] == 3 and p["region_name"] == "RegionTwo"
    assert p["kube_service_account_key"] == "PUB"
    assert p["openstack_ca"] == "" and p["verify_ca"] is True
    # no user trust and no label: the cloud provider is off, the keystone policy not sent
    assert p["cloud_provider_enabled"] is False
    assert "keystone_auth_default_policy" not in p and "master_lb_allowed_cidrs" not in p
    # without a trustee (noauth) no trustee parameter is sent
    assert not set(k8s_common.TRUSTEE_PARAMS) & set(p)
    # no labels -> no label parameters (Heat applies the template defaults)
    assert not {"kube_tag", "flannel_backend", "use_podman", "prometheus_tag",
                "heat_container_agent_tag", "ca_key"} & set(p)


RICH = {"kube_tag": "v1.24.0", "flannel_backend": "host-gw", "cloud_provider_tag": "v1.24.1",
        "heat_container_agent_tag": "zed-stable-1", "octavia_ingress_controller_tag": "v1.24",
        "k8s_keystone_auth_tag": "v1.24.2", "keystone_auth_enabled": "true",
        "system_pods_initial_delay": "60", "system_pods_timeout": "10",
        "hyperkube_prefix": "registry.example.com/k8s/", "prometheus_tag": "v2.0",
        "grafana_tag": "9.0", "traefik_ingress_controller_tag": "v2.9",
        "flannel_cni_tag": "v1.1", "metrics_scraper_tag": "v1.0.8",
        "cinder_csi_plugin_tag": "v1.24.3", "csi_liveness_probe_tag": "v2.6",
        "helm_client_tag": "v3.10", "monitoring_enabled": "true",
        "monitoring_retention_days": "30", "autoscaler_tag": "v1.24.0",
        "octavia_provider": "ovn", "octavia_lb_algorithm": "SOURCE_IP_PORT",
        "octavia_lb_healthcheck": "false", "use_podman": "true",
        "master_lb_floating_ip_enabled": "true", "master_lb_allowed_cidrs": "192.0.2.0/24",
        "fixed_subnet_cidr": "10.1.0.0/24", "service_cluster_ip_range": "10.200.0.0/16",
        "ingress_controller": "Octavia", "max_node_count": "9", "min_node_count": "1",
        "etcd_volume_size": "3", "calico_ipv4pool": "192.168.0.0/16",
        "cloud_provider_enabled": "true", "selinux_mode": "permissive",
        "container_runtime": "containerd", "containerd_version": "1.6.8"}


def test_rich_cluster() -> None:
    p = params(view(RICH, tls_disabled=True, network_driver="calico", no_proxy="corp",
                    docker_storage_driver="overlay2", volume_driver="cinder"),
               cluster_user_trust=True, **TRUSTEE)
    assert p["kube_tag"] == p["kube_version"] == p["master_kube_tag"] == p["minion_kube_tag"] \
        == "v1.24.0"
    assert (p["cloud_provider_tag"], p["heat_container_agent_tag"]) == ("v1.24.1",
                                                                        "zed-stable-1")
    assert p["octavia_ingress_controller_tag"] == "v1.24"
    assert p["k8s_keystone_auth_tag"] == "v1.24.2" and p["keystone_auth_enabled"] is True
    assert json.loads(p["keystone_auth_default_policy"])[0]["match"][1] == {
        "type": "project", "values": ["p1"]}
    assert (p["system_pods_initial_delay"], p["system_pods_timeout"]) == (60, 10)
    assert p["hyperkube_prefix"] == "registry.example.com/k8s/"
    assert (p["prometheus_tag"], p["grafana_tag"], p["traefik_ingress_controller_tag"]) == (
        "v2.0", "9.0", "v2.9")
    assert (p["flannel_cni_tag"], p["metrics_scraper_tag"]) == ("v1.1", "v1.0.8")
    assert p["cinder_csi_plugin_tag"] == "v1.24.3" and p["csi_liveness_probe_tag"] == "v2.6"
    assert p["monitoring_enabled"] is True and p["monitoring_retention_days"] == 30
    assert (p["octavia_provider"], p["octavia_lb_algorithm"]) == ("ovn", "SOURCE_IP_PORT")
    assert p["octavia_lb_healthcheck"] is False and p["use_podman"] is True
    assert p["master_lb_floating_ip_enabled"] is True
    assert p["master_lb_allowed_cidrs"] == ["192.0.2.0/24", "10.1.0.0/24"]
    assert p["fixed_subnet_cidr"] == "10.1.0.0/24" and p["no_proxy"] == "corp,10.1.0.0/24"
    assert p["portal_network_cidr"] == "10.200.0.0/16" and p["ingress_controller"] == "octavia"
    assert p["pods_network_cidr"] == "192.168.0.0/16" and p["etcd_volume_size"] == 3
    assert (p["max_node_count"], p["min_node_count"]) == (9, 1)
    assert p["kubernetes_port"] == 8080 and p["loadbalancing_protocol"] == "HTTP"
    assert p["cloud_provider_enabled"] is True and p["volume_driver"] == "cinder"
    assert {k: p[k] for k in k8s_common.TRUSTEE_PARAMS} == TRUSTEE
    assert set(p) <= set(hot_parameters())


def test_render_resolves_nested_templates() -> None:
    files, tpl = template_utils.get_template_contents(template_file=template_def.TEMPLATE)
    names = {k.rsplit("/", 1)[-1] for k in files}
    assert {"kubemaster.yaml", "kubeminion.yaml"} <= names
    group = tpl["resources"]["kube_minions"]["properties"]
    assert group["removal_policies"] == [{"resource_list": {"get_param": "minions_to_remove"}}]


@pytest.mark.parametrize("labels, needle", [
    ({"flannel_backend": "bogus"}, "flannel_backend"),
    ({"system_pods_timeout": "soon"}, "system_pods_timeout"),
    ({"system_pods_initial_delay": "-5"}, "system_pods_initial_delay"),
    ({"fixed_subnet_cidr": "10.0.0.0"}, "fixed_subnet_cidr"),
    ({"use_podman": "maybe"}, "use_podman"),
    ({"npd_enabled": "sure"}, "npd_enabled"),
    ({"auto_scaling_enabled": "2"}, "auto_scaling_enabled"),
    ({"octavia_lb_healthcheck": "yes please"}, "octavia_lb_healthcheck"),
    ({"octavia_lb_algorithm": "RANDOM"}, "octavia_lb_algorithm"),
    ({"master_lb_floating_ip_enabled": "on"}, "master_lb_floating_ip_enabled"),
    ({"selinux_mode": "lax"}, "selinux_mode"),
    ({"container_infra_prefix": "registry.example.com"}, "container_infra_prefix"),
    ({"calico_ipv4pool_ipip": "Sometimes"}, "calico_ipv4pool_ipip"),
])
def test_bad_labels(labels: dict[str, str], needle: str) -> None:
    with pytest.raises(exc.InvalidParameterValue) as e:
        drv_mod.Driver().validate_labels(labels)
    assert needle in str(e.value) and "expected" in str(e.value)
    assert e.value.code == 400


def test_good_labels() -> None:
    drv_mod.Driver().validate_labels(RICH)


# ---- lookups (before rendering) ----------------------------------------------------------

@pytest.fixture()
def trust_conf() -> Iterator[None]:
    CONF.set_override("trustee_domain_id", "dom-id", group="trust")
    CONF.set_override("auth_url", "http://keystone.example:5000/v3", group="trust")
    yield
    for opt in ("trustee_domain_id", "auth_url", "cluster_user_trust"):
        CONF.clear_override(opt, group="trust")


def _trustee_cluster() -> dict[str, Any]:
    return {"trustee_user_id": "tu-1", "trustee_username": "c-uuid_p1",
            "trustee_password": "pw", "trust_id": "trust-1"}


def test_lookups_send_the_trustee_and_a_key_pair(trust_conf: None) -> None:
    out = drv_mod.Driver().lookups(None, view(cluster=_trustee_cluster()))
    assert out["trustee_user_id"] == "tu-1" and out["trustee_password"] == "pw"
    assert out["trustee_domain_id"] == "dom-id"
    assert out["auth_url"] == "http://keystone.example:5000/v3"
    assert "trust_id" not in out           # [trust] cluster_user_trust is off
    assert out["kube_service_account_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert out["cluster_user_trust"] is False


def test_cloud_provider_label_true_needs_a_user_trust(trust_conf: None) -> None:
    v = view({"cloud_provider_enabled": "true"}, cluster=_trustee_cluster())
    with pytest.raises(exc.InvalidParameterValue, match="cluster_user_trust"):
        drv_mod.Driver().lookups(None, v)
    CONF.set_override("cluster_user_trust", True, group="trust")
    out = drv_mod.Driver().lookups(None, v)
    assert out["trust_id"] == "trust-1"
    assert params(v, **out)["cloud_provider_enabled"] is True
    # the seeds' default (true) applies once a user trust exists
    assert params(view(), **out)["cloud_provider_enabled"] is True


def test_cinder_needs_the_cloud_provider(trust_conf: None) -> None:
    with pytest.raises(exc.InvalidParameterValue, match="cinder"):
        drv_mod.Driver().lookups(None, view(volume_driver="cinder"))
    drv_mod.Driver().lookups(None, view())   # a default template works without a trust


def test_openstack_ca_is_url_quoted(monkeypatch: pytest.MonkeyPatch) -> None:
    pem = "-----BEGIN CERTIFICATE-----\nAB+/=\n-----END CERTIFICATE-----\n"
    monkeypatch.setattr(k8s_common, "openstack_ca", lambda: pem)
    out = drv_mod.Driver().lookups(None, view())
    assert out["openstack_ca"] == urllib.parse.quote(pem) and "\n" not in out["openstack_ca"]
