"""Driver: Kubernetes on Fedora CoreOS (``k8s_fedora_coreos_v1``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from magnum_clone.conf import CONF
from magnum_clone_drivers import labels as lb
from magnum_clone_drivers.base import ClusterView, Provides
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import HeatDriver, OutputMap, service_account_keypair
from magnum_clone_drivers.k8s_fedora_coreos_v1 import template_def
from magnum_clone_drivers.k8s_fedora_coreos_v1 import version as ver

LABEL_RULES = (
    lb.choice("flannel_backend", ("udp", "vxlan", "host-gw")),
    lb.cidr("flannel_network_cidr"),
    lb.integer("flannel_network_subnetlen", 8, 30),
    lb.cidr("service_cluster_ip_range"),
    lb.cidr("calico_ipv4pool"),
    lb.choice("calico_ipv4pool_ipip", ("Always", "CrossSubnet", "Never", "Off")),
    lb.boolean("kube_dashboard_enabled"),
    lb.boolean("prometheus_monitoring"),
    lb.boolean("influx_grafana_dashboard_enabled"),
    lb.boolean("cert_manager_api"),
    lb.boolean("cloud_provider_enabled"),
    lb.boolean("keystone_auth_enabled"),
    lb.boolean("metrics_server_enabled"),
    lb.integer("etcd_volume_size", 0),
    lb.integer("boot_volume_size", 0),
    lb.integer("min_node_count", 0),
    lb.integer("max_node_count", 0),
    lb.prefix("container_infra_prefix"),
    lb.choice("cgroup_driver", ("cgroupfs", "systemd")),
    lb.choice("ingress_controller", ("", "octavia", "traefik", "nginx")),
    lb.choice("selinux_mode", ("enforcing", "permissive", "disabled")),
    lb.choice("container_runtime", ("host-docker", "containerd")),
)


def k8s_api_address(value: str, view: ClusterView) -> str:
    if view.template.get("tls_disabled"):
        return f"http://{value}:8080"
    return f"https://{value}:6443"


def simulated_environment(inp: td.RenderInput) -> tuple[dict[str, Any], dict[str, str]]:
    """The SIMULATED cloud under Heat (drivers/sim), when ``[heat] simulated_cloud`` is on."""
    if not CONF.heat.simulated_cloud:
        return {}, {}
    from magnum_clone_drivers import sim

    return sim.simulated_environment(inp.view.labels)


class Driver(HeatDriver):
    name = ver.driver
    provides = (Provides("vm", "fedora-coreos", "kubernetes"),)
    version = ver.version
    container_version = ver.container_version
    # reference §6/§16.4: only the Fedora CoreOS driver rotates CAs
    supports_ca_rotation = True
    supports_credential_rotation = True
    outputs = OutputMap(api_address="api_address", masters="kube_masters",
                        masters_private="kube_masters_private", minions="kube_minions",
                        minions_private="kube_minions_private", format_api=k8s_api_address,
                        coe_version_param="kube_version", worker_group="kube_minions")

    @property
    def template_path(self) -> str:
        return template_def.TEMPLATE

    def definition(self) -> td.TemplateDefinition:
        return td.TemplateDefinition(template_def.TEMPLATE, template_def.PARAMS,
                                     environment=simulated_environment)

    def validate_labels(self, labels: Mapping[str, str]) -> None:
        lb.validate(LABEL_RULES, labels)

    def lookups(self, context: Any, view: ClusterView) -> dict[str, Any]:
        from magnum_clone.common.clients import cloud, keystone

        c = cloud.get_cloud(context)
        out: dict[str, Any] = {
            "nodes_affinity_policy": CONF.cluster.nodes_affinity_policy,
            "verify_ca": CONF.drivers.verify_ca,
            "discovery_url": view.cluster.get("discovery_url") or "",
            "magnum_url": f"http://{CONF.api.host}:{CONF.api.port}/v1",
        }
        ext = view.template.get("external_network_id")
        if ext:
            out["external_network"] = c.get_external_network(ext).id
        if view.cluster.get("keypair"):
            out["ssh_public_key"] = c.get_keypair(view.cluster["keypair"])
        if view.cluster.get("fixed_subnet"):
            out["fixed_subnet_cidr"] = c.get_fixed_subnet(view.cluster["fixed_subnet"]).cidr
        # the cluster's trustee (and trust): Heat parameters only, never logged
        out.update(keystone.trustee_parameters(view.cluster))
        # the service-account signing key pair (CA rotation replaces it)
        out["kube_service_account_key"], out["kube_service_account_private_key"] = \
            service_account_keypair(CONF.x509.rsa_key_size)
        return out
