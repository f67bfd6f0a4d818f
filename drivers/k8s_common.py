"""What the Heat Kubernetes drivers share (reference §3.4, §4.2): label rules, the output map,
value sources for the computed parameters, and the lookups done before rendering.

Each driver still lists its own parameter table and its own label rules in full; this module
only holds the pieces that are the same word for word in every Kubernetes driver.
"""

from __future__ import annotations

from typing import Any

from magnum_clone.conf import CONF
from magnum_clone_drivers import labels as lb
from magnum_clone_drivers.base import ClusterView
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import OutputMap
from magnum_clone_drivers.heat.template_def import Param

# Labels every Kubernetes driver understands, with the values they accept.
KUBERNETES_LABEL_RULES: tuple[lb.Rule, ...] = (
    lb.choice("flannel_backend", ("udp", "vxlan", "host-gw")),
    lb.cidr("flannel_network_cidr"),
    lb.integer("flannel_network_subnetlen", 8, 30),
    lb.cidr("service_cluster_ip_range"),
    lb.cidr("fixed_subnet_cidr"),
    lb.integer("system_pods_initial_delay", 0),
    lb.integer("system_pods_timeout", 0),
    lb.boolean("kube_dashboard_enabled"),
    lb.boolean("prometheus_monitoring"),
    lb.boolean("influx_grafana_dashboard_enabled"),
    lb.integer("etcd_volume_size", 0),
    lb.prefix("container_infra_prefix"),
)


def k8s_api_address(value: str, view: ClusterView) -> str:
    """``https://<ip>:6443``, or ``http://<ip>:8080`` when the template disables TLS."""
    if view.template.get("tls_disabled"):
        return f"http://{value}:8080"
    return f"https://{value}:6443"


# Stack outputs -> cluster and nodegroup fields (reference §3.4).
K8S_OUTPUTS = OutputMap(api_address="api_address", masters="kube_masters",
                        masters_private="kube_masters_private", minions="kube_minions",
                        minions_private="kube_minions_private", format_api=k8s_api_address,
                        coe_version_param="kube_version", worker_group="kube_minions")


# ---- value sources of computed parameters -------------------------------------------------

def api_port(i: td.RenderInput) -> int:
    return 8080 if i.view.template.get("tls_disabled") else 6443


def loadbalancing_protocol(i: td.RenderInput) -> str | None:
    return "HTTP" if i.view.template.get("tls_disabled") else None


def pods_cidr(i: td.RenderInput) -> str:
    labels = i.view.labels
    if i.view.template.get("network_driver") == "calico":
        return labels.get("calico_ipv4pool", "10.100.0.0/16")
    return labels.get("flannel_network_cidr", "10.100.0.0/16")


def max_nodes(i: td.RenderInput) -> int:
    if "max_node_count" in i.view.labels:
        return int(i.view.labels["max_node_count"])
    return int(i.view.nodegroup("worker")["node_count"]) + 1


def subnet_cidr(i: td.RenderInput) -> str:
    return (i.view.labels.get("fixed_subnet_cidr") or i.lookups.get("fixed_subnet_cidr")
            or "10.0.0.0/24")


def no_proxy(i: td.RenderInput) -> str:
    base = i.view.template.get("no_proxy") or ""
    cidr = subnet_cidr(i)
    return f"{base},{cidr}" if base else cidr


def ingress_controller(value: str) -> str:
    return value.lower()


# ---- environment and lookups --------------------------------------------------------------


# ---- parameter rows every Kubernetes driver shares (each driver adds its own) --------------

NODE_PARAMS: tuple[Param, ...] = (
    Param("is_cluster_stack", td.const(True)),
    Param("master_role", td.nodegroup("master", "role")),
    Param("worker_role", td.nodegroup("worker", "role")),
    Param("ssh_key_name", td.cluster("keypair")),
    Param("ssh_public_key", td.lookup("ssh_public_key")),
    Param("external_network", td.first(td.lookup("external_network"), td.const("public"))),
    Param("master_image", td.nodegroup("master", "image_id")),
    Param("minion_image", td.nodegroup("worker", "image_id")),
    Param("master_flavor", td.nodegroup("master", "flavor_id")),
    Param("minion_flavor", td.nodegroup("worker", "flavor_id")),
    Param("master_nodegroup_name", td.nodegroup("master", "name")),
    Param("worker_nodegroup_name", td.nodegroup("worker", "name")),
    Param("dns_nameserver", td.template("dns_nameserver")),
    Param("number_of_masters", td.nodegroup("master", "node_count")),
    Param("number_of_minions", td.nodegroup("worker", "node_count")),
    Param("network_driver", td.template("network_driver")),
    Param("docker_volume_size", td.nodegroup("worker", "docker_volume_size")),
    Param("docker_storage_driver", td.template("docker_storage_driver")),
    Param("discovery_url", td.lookup("discovery_url")),
    Param("registry_enabled", td.template("registry_enabled")),
    Param("volume_driver", td.template("volume_driver")),
    Param("loadbalancing_protocol", loadbalancing_protocol),
    Param("tls_disabled", td.template("tls_disabled")),
    Param("kubernetes_port", api_port),
    Param("cluster_uuid", td.cluster("uuid")),
    Param("magnum_url", td.lookup("magnum_url")),
    Param("http_proxy", td.template("http_proxy")),
    Param("https_proxy", td.template("https_proxy")),
    Param("no_proxy", no_proxy),
    Param("insecure_registry_url", td.template("insecure_registry")),
    Param("nodes_affinity_policy", td.lookup("nodes_affinity_policy")),
    Param("verify_ca", td.lookup("verify_ca")),
    Param("openstack_ca", td.lookup("openstack_ca")),
    Param("project_id", td.cluster("project_id")),
    Param("master_lb_enabled", td.cluster("master_lb_enabled")),
)

# virtual machines on a private network Magnum makes (or the cluster's), with floating IPs
VM_NETWORK_PARAMS: tuple[Param, ...] = (
    Param("fixed_network", td.cluster("fixed_network")),
    Param("fixed_network_name", td.first(td.cluster("fixed_network"), td.cluster("name"))),
    Param("fixed_subnet", td.cluster("fixed_subnet")),
    Param("fixed_subnet_cidr", subnet_cidr),
    Param("pods_network_cidr", pods_cidr),
    Param("floating_ip_enabled", td.cluster("floating_ip_enabled")),
)


def simulated_environment(inp: td.RenderInput) -> tuple[dict[str, Any], dict[str, str]]:
    """The SIMULATED cloud under Heat (drivers/sim), when ``[heat] simulated_cloud`` is on."""
    if not CONF.heat.simulated_cloud:
        return {}, {}
    from magnum_clone_drivers import sim

    return sim.simulated_environment(inp.view.labels)


def common_lookups(context: Any, view: ClusterView) -> tuple[Any, dict[str, Any]]:
    """(cloud lookup client, values every k8s driver renders with)."""
    from magnum_clone.common.clients import cloud

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
    return c, out
