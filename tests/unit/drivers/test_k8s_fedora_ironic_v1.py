"""k8s_fedora_ironic_v1 (bare metal): pure rendering, template coverage, labels, lookups."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from heatclient.common import template_utils

from magnum_clone.common import exceptions as exc
from magnum_clone_drivers.base import ClusterView
from magnum_clone_drivers.heat.template_def import RenderInput
from magnum_clone_drivers.k8s_fedora_ironic_v1 import driver as drv_mod
from magnum_clone_drivers.k8s_fedora_ironic_v1 import template_def

LOOKUPS = {"external_network": "ext-net-id", "discovery_url": "https://discovery.example/x",
           "magnum_url": "http://magnum:9511/v1", "verify_ca": True,
           "nodes_affinity_policy": "soft-anti-affinity", "fixed_subnet": "subnet-id",
           "fixed_subnet_cidr": "10.0.0.0/24", "fixed_network": "net-id"}


def view(labels: dict[str, str] | None = None, **template: Any) -> ClusterView:
    cluster = {"uuid": "c-uuid", "name": "metal", "project_id": "p1", "keypair": "default",
               "labels": labels or {}, "master_lb_enabled": False,
               "floating_ip_enabled": True, "fixed_network": None, "fixed_subnet": None}
    tpl = {"coe": "kubernetes", "server_type": "bm", "tls_disabled": False,
           "network_driver": "flannel", "fixed_subnet": "private-subnet", **template}
    ngs = [{"is_default": True, "role": "master", "name": "default-master", "node_count": 3,
            "image_id": "fedora-ironic", "flavor_id": "baremetal", "docker_volume_size": None},
           {"is_default": True, "role": "worker", "name": "default-worker", "node_count": 4,
            "image_id": "fedora-ironic", "flavor_id": "baremetal", "docker_volume_size": None}]
    return ClusterView(cluster=cluster, template=tpl, nodegroups=ngs)


def params(v: ClusterView) -> dict[str, Any]:
    return drv_mod.Driver().definition().parameters(RenderInput(v, LOOKUPS))


def hot() -> dict[str, Any]:
    with open(template_def.TEMPLATE) as f:
        return yaml.safe_load(f)


def test_driver_identity() -> None:
    d = drv_mod.Driver()
    assert d.name == "k8s_fedora_ironic_v1"
    assert [p.as_dict() for p in d.provides] == [
        {"server_type": "bm", "os": "fedora", "coe": "kubernetes"}]
    assert d.container_version == "1.12.6"
    assert d.outputs.api_address == "api_address" and d.outputs.minions == "kube_minions"


def test_every_param_is_a_template_parameter() -> None:
    names = {p.name for p in template_def.PARAMS}
    assert names <= set(hot()["parameters"])


def test_template_is_bare_metal() -> None:
    t = hot()
    params_ = t["parameters"]
    assert params_["minion_flavor"]["default"] == "baremetal"
    assert params_["fixed_subnet"]["default"] == "private-subnet"
    assert params_["kube_tag"]["default"] == "v1.11.1"
    assert params_["flannel_backend"]["default"] == "udp"
    types = {r["type"] for r in t["resources"].values()}
    # no private network, no floating IPs, no security groups on bare metal
    assert "network.yaml" not in types and "OS::Neutron::FloatingIP" not in types
    assert "OS::Neutron::SecurityGroup" not in types
    assert t["resources"]["kube_minions"]["properties"]["removal_policies"] == [
        {"resource_list": {"get_param": "minions_to_remove"}}]
    files, _ = template_utils.get_template_contents(template_file=template_def.TEMPLATE)
    names = {k.rsplit("/", 1)[-1] for k in files}
    assert {"kubemaster.yaml", "kubeminion.yaml", "kubeminion_software_configs.yaml",
            "write-heat-params.yaml", "configure-kubernetes-minion.sh"} <= names
    nodes = [v for k, v in files.items() if k.rsplit("/", 1)[-1].startswith("kube")]
    assert not any("FloatingIP" in v or "OS::Neutron::Port" in v for v in nodes)


def test_default_cluster() -> None:
    p = params(view())
    assert p["fixed_subnet"] == "subnet-id" and p["fixed_network"] == "net-id"
    assert p["number_of_masters"] == 3 and p["number_of_minions"] == 4
    assert p["master_flavor"] == p["minion_flavor"] == "baremetal"
    assert p["no_proxy"] == "10.0.0.0/24" and p["kubernetes_port"] == 6443
    assert "floating_ip_enabled" not in p and "pods_network_cidr" not in p
    assert not {"kube_tag", "flannel_backend"} & set(p)


def test_rich_cluster() -> None:
    labels = {"kube_tag": "v1.12.0", "flannel_backend": "vxlan",
              "flannel_network_cidr": "10.150.0.0/16", "flannel_network_subnetlen": "26",
              "service_cluster_ip_range": "10.200.0.0/16", "prometheus_monitoring": "true",
              "grafana_admin_passwd": "s3cret", "kube_dashboard_enabled": "false",
              "admission_control_list": "NamespaceLifecycle", "system_pods_timeout": "10",
              "container_infra_prefix": "registry.example.com/k8s/"}
    p = params(view(labels, tls_disabled=True, no_proxy="corp", http_proxy="http://proxy:3128"))
    assert p["kube_tag"] == p["kube_version"] == "v1.12.0"
    assert p["flannel_backend"] == "vxlan" and p["flannel_network_cidr"] == "10.150.0.0/16"
    assert p["flannel_network_subnetlen"] == 26 and p["portal_network_cidr"] == "10.200.0.0/16"
    assert p["prometheus_monitoring"] is True and p["grafana_admin_passwd"] == "s3cret"
    assert p["kube_dashboard_enabled"] is False and p["system_pods_timeout"] == 10
    assert p["admission_control_list"] == "NamespaceLifecycle"
    assert p["kubernetes_port"] == 8080 and p["loadbalancing_protocol"] == "HTTP"
    assert p["no_proxy"] == "corp,10.0.0.0/24" and p["http_proxy"] == "http://proxy:3128"
    assert set(p) <= set(hot()["parameters"])


class _Cloud:
    def __init__(self, cidr: str = "10.0.0.0/24") -> None:
        self.cidr = cidr

    def get_fixed_subnet(self, ident: str) -> Any:
        from magnum_clone.common.clients.cloud import Subnet

        return Subnet(id=f"id-{ident}", name=ident, cidr=self.cidr)

    def get_fixed_network(self, ident: str) -> Any:
        from magnum_clone.common.clients.cloud import Network

        return Network(id=f"id-{ident}", name=ident, external=False)


def _lookups(monkeypatch: pytest.MonkeyPatch, v: ClusterView, cloud: _Cloud) -> dict[str, Any]:
    from magnum_clone_drivers import k8s_common

    monkeypatch.setattr(k8s_common, "common_lookups", lambda ctx, view, **kw: (cloud, {}))
    return drv_mod.Driver().lookups(None, v)


def test_lookups_resolve_the_template_subnet(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _lookups(monkeypatch, view(fixed_network="private"), _Cloud("10.2.0.0/24"))
    assert out["fixed_subnet"] == "id-private-subnet" and out["fixed_network"] == "id-private"
    assert out["fixed_subnet_cidr"] == "10.2.0.0/24"


def test_lookups_need_a_fixed_subnet(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(exc.InvalidParameterValue, match="Required parameter fixed_subnet"):
        _lookups(monkeypatch, view(fixed_subnet=None), _Cloud())


def test_lookups_refuse_an_ipv6_subnet(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(exc.InvalidParameterValue, match="Received invalid subnet"):
        _lookups(monkeypatch, view(), _Cloud("fd00::/64"))


@pytest.mark.parametrize("labels, needle", [
    ({"flannel_backend": "bogus"}, "flannel_backend"),
    ({"flannel_network_subnetlen": "40"}, "flannel_network_subnetlen"),
    ({"kube_dashboard_enabled": "perhaps"}, "kube_dashboard_enabled"),
    ({"container_infra_prefix": "registry.example.com"}, "container_infra_prefix"),
])
def test_bad_labels(labels: dict[str, str], needle: str) -> None:
    with pytest.raises(exc.InvalidParameterValue) as e:
        drv_mod.Driver().validate_labels(labels)
    assert needle in str(e.value) and "expected" in str(e.value)
