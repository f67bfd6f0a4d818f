"""Parameter table of kubecluster.yaml for Kubernetes on Fedora CoreOS (reference §4.1).

Each row names a Heat parameter and its source; a None value is not sent, so Heat applies the
template's default.
"""

from __future__ import annotations

import os

from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.template_def import Param

TEMPLATE = os.path.join(os.path.dirname(__file__), "templates", "kubecluster.yaml")


def _api_port(i: td.RenderInput) -> int:
    return 8080 if i.view.template.get("tls_disabled") else 6443


def _pods_cidr(i: td.RenderInput) -> str:
    labels = i.view.labels
    if i.view.template.get("network_driver") == "calico":
        return labels.get("calico_ipv4pool", "10.100.0.0/16")
    return labels.get("flannel_network_cidr", "10.100.0.0/16")


def _max_nodes(i: td.RenderInput) -> int:
    if "max_node_count" in i.view.labels:
        return int(i.view.labels["max_node_count"])
    return int(i.view.nodegroup("worker")["node_count"]) + 1


def _no_proxy(i: td.RenderInput) -> str:
    base = i.view.template.get("no_proxy") or ""
    cidr = i.lookups.get("fixed_subnet_cidr") or "10.0.0.0/24"
    return f"{base},{cidr}" if base else cidr


LABEL_PARAMS = (
    # (heat parameter, label, converter)
    ("heapster_enabled", "heapster_enabled", td.to_bool),
    ("metrics_server_enabled", "metrics_server_enabled", td.to_bool),
    ("prometheus_monitoring", "prometheus_monitoring", td.to_bool),
    ("grafana_admin_passwd", "grafana_admin_passwd", str),
    ("portal_network_cidr", "service_cluster_ip_range", str),
    ("flannel_network_cidr", "flannel_network_cidr", str),
    ("flannel_network_subnetlen", "flannel_network_subnetlen", int),
    ("flannel_backend", "flannel_backend", str),
    ("admission_control_list", "admission_control_list", str),
    ("etcd_volume_size", "etcd_volume_size", int),
    ("docker_volume_type", "docker_volume_type", str),
    ("cgroup_driver", "cgroup_driver", str),
    ("kube_dashboard_enabled", "kube_dashboard_enabled", td.to_bool),
    ("influx_grafana_dashboard_enabled", "influx_grafana_dashboard_enabled", td.to_bool),
    ("kube_tag", "kube_tag", str),
    ("master_kube_tag", "kube_tag", str),
    ("minion_kube_tag", "kube_tag", str),
    ("kube_version", "kube_tag", str),
    ("etcd_tag", "etcd_tag", str),
    ("coredns_tag", "coredns_tag", str),
    ("flannel_tag", "flannel_tag", str),
    ("calico_tag", "calico_tag", str),
    ("calico_ipv4pool", "calico_ipv4pool", str),
    ("calico_ipv4pool_ipip", "calico_ipv4pool_ipip", str),
    ("container_infra_prefix", "container_infra_prefix", str),
    ("availability_zone", "availability_zone", str),
    ("cert_manager_api", "cert_manager_api", td.to_bool),
    ("ingress_controller", "ingress_controller", lambda v: v.lower()),
    ("ingress_controller_role", "ingress_controller_role", str),
    ("kubelet_options", "kubelet_options", str),
    ("kubeapi_options", "kubeapi_options", str),
    ("kubecontroller_options", "kubecontroller_options", str),
    ("kubeproxy_options", "kubeproxy_options", str),
    ("kubescheduler_options", "kubescheduler_options", str),
    ("cloud_provider_enabled", "cloud_provider_enabled", td.to_bool),
    ("keystone_auth_enabled", "keystone_auth_enabled", td.to_bool),
    ("boot_volume_size", "boot_volume_size", int),
    ("boot_volume_type", "boot_volume_type", str),
    ("etcd_volume_type", "etcd_volume_type", str),
    ("min_node_count", "min_node_count", int),
    ("selinux_mode", "selinux_mode", str),
    ("container_runtime", "container_runtime", str),
)

PARAMS: tuple[Param, ...] = (
    Param("is_cluster_stack", td.const(True)),
    Param("master_role", td.nodegroup("master", "role")),
    Param("worker_role", td.nodegroup("worker", "role")),
    Param("ssh_key_name", td.cluster("keypair")),
    Param("ssh_public_key", td.lookup("ssh_public_key")),
    Param("external_network", td.first(td.lookup("external_network"), td.const("public"))),
    Param("fixed_network", td.cluster("fixed_network")),
    Param("fixed_network_name", td.first(td.cluster("fixed_network"), td.cluster("name"))),
    Param("fixed_subnet", td.cluster("fixed_subnet")),
    Param("fixed_subnet_cidr", td.first(td.label("fixed_subnet_cidr"),
                                        td.lookup("fixed_subnet_cidr"))),
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
    Param("loadbalancing_protocol",
          lambda i: "HTTP" if i.view.template.get("tls_disabled") else None),
    Param("tls_disabled", td.template("tls_disabled")),
    Param("kubernetes_port", _api_port),
    Param("cluster_uuid", td.cluster("uuid")),
    Param("magnum_url", td.lookup("magnum_url")),
    Param("http_proxy", td.template("http_proxy")),
    Param("https_proxy", td.template("https_proxy")),
    Param("no_proxy", _no_proxy),
    Param("insecure_registry_url", td.template("insecure_registry")),
    Param("nodes_affinity_policy", td.lookup("nodes_affinity_policy")),
    Param("pods_network_cidr", _pods_cidr),
    Param("max_node_count", _max_nodes),
    Param("verify_ca", td.lookup("verify_ca")),
    Param("project_id", td.cluster("project_id")),
    Param("master_lb_enabled", td.cluster("master_lb_enabled")),
    Param("floating_ip_enabled", td.cluster("floating_ip_enabled")),
    # the cluster's trustee (reference §16.3): lookups only when it has one
    *(Param(p, td.lookup(p)) for p in ("trustee_domain_id", "trustee_user_id",
                                       "trustee_username", "trustee_password", "trust_id",
                                       "auth_url")),
    Param("kube_service_account_key", td.lookup("kube_service_account_key")),
    Param("kube_service_account_private_key", td.lookup("kube_service_account_private_key")),
    *(Param(p, td.label(lbl, conv)) for p, lbl, conv in LABEL_PARAMS),
)
