"""What the Heat Kubernetes drivers share (reference §3.4, §4.2): label rules, the output map,
value sources for the computed parameters, and the lookups done before rendering.

Each driver still lists its own parameter table and its own label rules in full; this module
only holds the pieces that are the same word for word in every Kubernetes driver.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from magnum_clone.common import exceptions as exc
from magnum_clone.conf import CONF
from magnum_clone_drivers import labels as lb
from magnum_clone_drivers.base import ClusterView
from magnum_clone_drivers.heat import coe_query
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import OutputMap
from magnum_clone_drivers.heat.nodegroup import NodegroupLinks
from magnum_clone_drivers.heat.template_def import Param

LOG = logging.getLogger(__name__)

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

# The Fedora family (Fedora Atomic, Fedora CoreOS: one template-definition code upstream, §5)
# understands these on top; each of the two drivers adds its own few (tiller_*, octavia_*).
FEDORA_LABEL_RULES: tuple[lb.Rule, ...] = (
    *KUBERNETES_LABEL_RULES,
    lb.cidr("calico_ipv4pool"),
    lb.choice("calico_ipv4pool_ipip", ("Always", "CrossSubnet", "Never", "Off")),
    *(lb.boolean(name) for name in (
        "cert_manager_api", "cloud_provider_enabled", "keystone_auth_enabled",
        "metrics_server_enabled", "heapster_enabled", "auto_healing_enabled",
        "auto_scaling_enabled", "cinder_csi_enabled", "npd_enabled", "use_podman",
        "master_lb_floating_ip_enabled", "monitoring_enabled", "monitoring_ingress_enabled",
        "prometheus_adapter_enabled")),
    *(lb.integer(name, 0) for name in (
        "boot_volume_size", "min_node_count", "max_node_count", "monitoring_retention_days",
        "monitoring_retention_size", "monitoring_interval_seconds")),
    lb.choice("cgroup_driver", ("cgroupfs", "systemd")),
    lb.choice("ingress_controller", ("", "octavia", "traefik", "nginx"), ignore_case=True),
    lb.choice("auto_healing_controller", ("draino", "magnum-auto-healer")),
    lb.choice("selinux_mode", ("enforcing", "permissive", "disabled")),
    lb.choice("container_runtime", ("host-docker", "containerd")),
)

#: the scale-down hook of every Kubernetes driver: pods per node, from the API server
COE_QUERY = coe_query.KUBERNETES


def k8s_api_address(value: str, view: ClusterView) -> str:
    """``https://<ip>:6443``, or ``http://<ip>:8080`` when the template disables TLS."""
    if view.template.get("tls_disabled"):
        return f"http://{value}:8080"
    return f"https://{value}:6443"


# What an extra nodegroup's stack reads from the cluster stack (drivers/heat/nodegroup.py):
# the API address, the workers' security group and the private network the cluster made;
# bare metal (Ironic) has neither security groups nor a network of its own, its nodegroup
# stacks get the given network like the cluster stack.
NODEGROUP_LINKS = NodegroupLinks()
NODEGROUP_LINKS_GIVEN_NETWORK = NodegroupLinks(security_group_resource=None,
                                               network_resource=None)

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


def master_lb_allowed_cidrs(i: td.RenderInput) -> list[str] | None:
    """Label ``master_lb_allowed_cidrs`` plus the private subnet (the nodes must reach the API
    through the load balancer too); not sent without the label (empty allows everyone)."""
    value = i.view.labels.get("master_lb_allowed_cidrs")
    if not value:
        return None
    cidrs = [c.strip() for c in value.split(",") if c.strip()]
    return [*cidrs, subnet_cidr(i)]


# ---- cloud provider, keystone auth (Fedora family) ----------------------------------------

# The seeds' label table says cloud_provider_enabled defaults to true; the reference says
# cloud_provider_enabled=true needs [trust] cluster_user_trust (the cloud provider on the nodes
# authenticates through the user's trust). Both hold here: a label set to true without a user
# trust is refused (check_cloud_provider), and an absent label means true whenever a user trust
# is available. Without one (the embedded mode's default) the absent label resolves to false,
# so a default template still creates a cluster instead of failing on a default it cannot
# honour; the render logs that.
CLOUD_PROVIDER_DEFAULT = True


def cloud_provider_enabled(i: td.RenderInput) -> bool:
    value = i.view.labels.get("cloud_provider_enabled")
    if value is not None:
        return td.to_bool(value)
    return CLOUD_PROVIDER_DEFAULT and bool(i.lookups.get("cluster_user_trust"))


def check_cloud_provider(view: ClusterView, user_trust: bool) -> None:
    """Render-time checks (reference §4: the cluster becomes CREATE_FAILED with the message)."""
    value = view.labels.get("cloud_provider_enabled")
    if value is not None and td.to_bool(value) and not user_trust:
        raise exc.InvalidParameterValue(
            err='"cluster_user_trust" must be set to True in magnum.conf when '
                '"cloud_provider_enabled" label is set to true.')
    if value is None and not user_trust:
        LOG.info("Cluster %s: label cloud_provider_enabled not set and no user trust "
                 "([trust] cluster_user_trust is off): the cloud provider is disabled",
                 view.cluster.get("uuid"))
    enabled = td.to_bool(value) if value is not None else CLOUD_PROVIDER_DEFAULT and user_trust
    if view.template.get("volume_driver") == "cinder" and not enabled:
        raise exc.InvalidParameterValue(
            err='"cinder" volume driver needs "cloud_provider_enabled" label to be true or '
                'unset (and [trust] cluster_user_trust set to True).')


def keystone_auth_policy(project_id: str) -> str:
    """The default k8s-keystone-auth policy: members of the cluster's project may do anything
    in the cluster (``$PROJECT_ID`` of upstream's built-in policy substituted)."""
    match = [{"type": "role", "values": ["member"]},
             {"type": "project", "values": [project_id]}]
    return json.dumps([
        {"resource": {"verbs": ["*"], "resources": ["*"], "version": "*", "namespace": "*"},
         "match": match},
        {"nonresource": {"verbs": ["*"], "path": "*"}, "match": match},
    ], separators=(",", ":"))


def keystone_auth_default_policy(i: td.RenderInput) -> str | None:
    """Sent only when keystone auth is enabled (label; the seeds' default is false)."""
    if not td.to_bool(i.view.labels.get("keystone_auth_enabled", "false")):
        return None
    return keystone_auth_policy(str(i.view.cluster.get("project_id") or ""))


# ---- environment and lookups --------------------------------------------------------------


# ---- parameter rows every Kubernetes driver shares (each driver adds its own) --------------

TRUSTEE_PARAMS = ("trustee_domain_id", "trustee_user_id", "trustee_username",
                  "trustee_password", "trust_id", "auth_url")

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
    Param("region_name", td.lookup("region_name")),
    Param("username", td.lookup("username")),
    # the cluster's trustee and trust (reference §16.3), sent at create by every k8s driver:
    # lookups only when the cluster has a trustee (never logged)
    *(Param(p, td.lookup(p)) for p in TRUSTEE_PARAMS),
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


def openstack_ca() -> str:
    """The cloud's CA bundle (``[drivers] openstack_ca_file``) for the nodes; "" when no file
    is configured."""
    path = CONF.drivers.openstack_ca_file
    if not path:
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read()


def cluster_ca_key(view: ClusterView) -> str:
    """The cluster CA's private key in clear (label ``cert_manager_api``: the cert manager in
    the cluster signs with it). Sensitive: a hidden Heat parameter, never logged."""
    from magnum_clone.common.certificates import cluster_certs, x509
    from magnum_clone.conductor import certs

    refs = cluster_certs.ClusterCertRefs.from_cluster(view.cluster)
    if not refs.ca_cert_ref:
        raise exc.InvalidParameterValue(
            err="label cert_manager_api needs a TLS cluster with a CA certificate.")
    pair = certs.manager(None, None).get_cert(refs.ca_cert_ref)
    return x509.decrypt_private_key(pair.key_pem, pair.passphrase).decode("ascii")


def common_lookups(context: Any, view: ClusterView, *, ca_key: bool = True
                   ) -> tuple[Any, dict[str, Any]]:
    """(cloud lookup client, values every k8s driver renders with); ``ca_key``: whether the
    driver's template takes the CA key (label ``cert_manager_api``)."""
    from magnum_clone.common.clients import cloud, keystone

    c = cloud.get_cloud(context)
    out: dict[str, Any] = {
        "nodes_affinity_policy": CONF.cluster.nodes_affinity_policy,
        "verify_ca": CONF.drivers.verify_ca,
        "discovery_url": view.cluster.get("discovery_url") or "",
        "magnum_url": keystone.magnum_url(),
        "cluster_user_trust": bool(CONF.trust.cluster_user_trust),
        "openstack_ca": openstack_ca(),
    }
    region = CONF.trust.trustee_keystone_region_name
    if region:
        out["region_name"] = region
    user = getattr(context, "user_name", None)
    if user:
        out["username"] = user
    ext = view.template.get("external_network_id")
    if ext:
        out["external_network"] = c.get_external_network(ext).id
    if view.cluster.get("keypair"):
        out["ssh_public_key"] = c.get_keypair(view.cluster["keypair"])
    if view.cluster.get("fixed_subnet"):
        out["fixed_subnet_cidr"] = c.get_fixed_subnet(view.cluster["fixed_subnet"]).cidr
    # the cluster's trustee (and trust): Heat parameters only, never logged
    out.update(keystone.trustee_parameters(view.cluster))
    if ca_key and td.to_bool(view.labels.get("cert_manager_api", "false")):
        out["ca_key"] = cluster_ca_key(view)
    return c, out


# Label -> Heat parameter rows the Fedora kubernetes drivers (CoreOS and Atomic) share:
# (heat parameter, label, converter). Each driver adds its own rows to these.
FEDORA_LABEL_PARAMS: tuple[tuple[str, str, Any], ...] = (
    ("heapster_enabled", "heapster_enabled", td.to_bool),
    ("metrics_server_enabled", "metrics_server_enabled", td.to_bool),
    ("metrics_server_chart_tag", "metrics_server_chart_tag", str),
    ("prometheus_monitoring", "prometheus_monitoring", td.to_bool),
    ("grafana_admin_passwd", "grafana_admin_passwd", str),
    ("portal_network_cidr", "service_cluster_ip_range", str),
    ("flannel_network_cidr", "flannel_network_cidr", str),
    ("flannel_network_subnetlen", "flannel_network_subnetlen", int),
    ("flannel_backend", "flannel_backend", str),
    ("system_pods_initial_delay", "system_pods_initial_delay", int),
    ("system_pods_timeout", "system_pods_timeout", int),
    ("admission_control_list", "admission_control_list", str),
    ("boot_volume_size", "boot_volume_size", int),
    ("boot_volume_type", "boot_volume_type", str),
    ("etcd_volume_size", "etcd_volume_size", int),
    ("etcd_volume_type", "etcd_volume_type", str),
    ("docker_volume_type", "docker_volume_type", str),
    ("cgroup_driver", "cgroup_driver", str),
    ("traefik_ingress_controller_tag", "traefik_ingress_controller_tag", str),
    ("kube_dashboard_enabled", "kube_dashboard_enabled", td.to_bool),
    ("influx_grafana_dashboard_enabled", "influx_grafana_dashboard_enabled", td.to_bool),
    ("hyperkube_prefix", "hyperkube_prefix", str),
    ("kube_tag", "kube_tag", str),
    ("master_kube_tag", "kube_tag", str),
    ("minion_kube_tag", "kube_tag", str),
    ("kube_version", "kube_tag", str),
    ("cloud_provider_tag", "cloud_provider_tag", str),
    ("etcd_tag", "etcd_tag", str),
    ("coredns_tag", "coredns_tag", str),
    ("flannel_tag", "flannel_tag", str),
    ("flannel_cni_tag", "flannel_cni_tag", str),
    ("metrics_scraper_tag", "metrics_scraper_tag", str),
    ("container_infra_prefix", "container_infra_prefix", str),
    ("availability_zone", "availability_zone", str),
    ("cert_manager_api", "cert_manager_api", td.to_bool),
    ("calico_tag", "calico_tag", str),
    ("calico_ipv4pool", "calico_ipv4pool", str),
    ("calico_ipv4pool_ipip", "calico_ipv4pool_ipip", str),
    ("ingress_controller", "ingress_controller", ingress_controller),
    ("ingress_controller_role", "ingress_controller_role", str),
    ("octavia_ingress_controller_tag", "octavia_ingress_controller_tag", str),
    ("kubelet_options", "kubelet_options", str),
    ("kubeapi_options", "kubeapi_options", str),
    ("kubecontroller_options", "kubecontroller_options", str),
    ("kubeproxy_options", "kubeproxy_options", str),
    ("kubescheduler_options", "kubescheduler_options", str),
    ("prometheus_tag", "prometheus_tag", str),
    ("grafana_tag", "grafana_tag", str),
    ("heat_container_agent_tag", "heat_container_agent_tag", str),
    ("keystone_auth_enabled", "keystone_auth_enabled", td.to_bool),
    ("k8s_keystone_auth_tag", "k8s_keystone_auth_tag", str),
    ("monitoring_enabled", "monitoring_enabled", td.to_bool),
    ("monitoring_retention_days", "monitoring_retention_days", int),
    ("monitoring_retention_size", "monitoring_retention_size", int),
    ("monitoring_interval_seconds", "monitoring_interval_seconds", int),
    ("monitoring_storage_class_name", "monitoring_storage_class_name", str),
    ("monitoring_ingress_enabled", "monitoring_ingress_enabled", td.to_bool),
    ("cluster_basic_auth_secret", "cluster_basic_auth_secret", str),
    ("cluster_root_domain_name", "cluster_root_domain_name", str),
    ("prometheus_operator_chart_tag", "prometheus_operator_chart_tag", str),
    ("prometheus_adapter_enabled", "prometheus_adapter_enabled", td.to_bool),
    ("prometheus_adapter_chart_tag", "prometheus_adapter_chart_tag", str),
    ("prometheus_adapter_configmap", "prometheus_adapter_configmap", str),
    ("helm_client_url", "helm_client_url", str),
    ("helm_client_sha256", "helm_client_sha256", str),
    ("helm_client_tag", "helm_client_tag", str),
    ("auto_healing_enabled", "auto_healing_enabled", td.to_bool),
    ("auto_healing_controller", "auto_healing_controller", str),
    ("magnum_auto_healer_tag", "magnum_auto_healer_tag", str),
    ("auto_scaling_enabled", "auto_scaling_enabled", td.to_bool),
    ("cinder_csi_enabled", "cinder_csi_enabled", td.to_bool),
    ("cinder_csi_plugin_tag", "cinder_csi_plugin_tag", str),
    ("csi_attacher_tag", "csi_attacher_tag", str),
    ("csi_provisioner_tag", "csi_provisioner_tag", str),
    ("csi_snapshotter_tag", "csi_snapshotter_tag", str),
    ("csi_resizer_tag", "csi_resizer_tag", str),
    ("csi_node_driver_registrar_tag", "csi_node_driver_registrar_tag", str),
    ("node_problem_detector_tag", "node_problem_detector_tag", str),
    ("nginx_ingress_controller_tag", "nginx_ingress_controller_tag", str),
    ("nginx_ingress_controller_chart_tag", "nginx_ingress_controller_chart_tag", str),
    ("draino_tag", "draino_tag", str),
    ("autoscaler_tag", "autoscaler_tag", str),
    ("min_node_count", "min_node_count", int),
    ("npd_enabled", "npd_enabled", td.to_bool),
    ("ostree_remote", "ostree_remote", str),
    ("ostree_commit", "ostree_commit", str),
    ("use_podman", "use_podman", td.to_bool),
    ("selinux_mode", "selinux_mode", str),
    ("kube_image_digest", "kube_image_digest", str),
    ("container_runtime", "container_runtime", str),
    ("containerd_version", "containerd_version", str),
    ("containerd_tarball_url", "containerd_tarball_url", str),
    ("containerd_tarball_sha256", "containerd_tarball_sha256", str),
    ("master_lb_floating_ip_enabled", "master_lb_floating_ip_enabled", td.to_bool),
)

# The computed rows both Fedora kubernetes drivers send, besides their label rows.
FEDORA_PARAMS: tuple[Param, ...] = (
    *NODE_PARAMS,
    *VM_NETWORK_PARAMS,
    Param("max_node_count", max_nodes),
    Param("cloud_provider_enabled", cloud_provider_enabled),
    Param("keystone_auth_default_policy", keystone_auth_default_policy),
    Param("master_lb_allowed_cidrs", master_lb_allowed_cidrs),
    Param("ca_key", td.lookup("ca_key")),
    Param("kube_service_account_key", td.lookup("kube_service_account_key")),
    Param("kube_service_account_private_key", td.lookup("kube_service_account_private_key")),
)


def label_rows(*params: str) -> tuple[tuple[str, str, Any], ...]:
    """The shared label rows for these Heat parameters, for a template that takes only some
    of them (an unknown name fails at import, not at render)."""
    rows = {row[0]: row for row in FEDORA_LABEL_PARAMS}
    return tuple(rows[p] for p in params)
