"""Parameter table of kubecluster.yaml for Kubernetes on Fedora CoreOS (reference §4.1, §4.2).

Each row names a Heat parameter and its source; a None value is not sent, so Heat applies the
template's default (the seeds' label defaults, see tests/unit/drivers/test_seed_defaults.py).
The rows every Kubernetes driver shares come from :mod:`magnum_clone_drivers.k8s_common`;
``openstack_ca`` is passed URL-quoted on this driver (the Ignition config carries it).

Template parameters left to their HOT default on purpose (reference: "template default
only", or sources this service does not have): see :data:`TEMPLATE_DEFAULT_ONLY`.
"""

from __future__ import annotations

import os

from magnum_clone_drivers import k8s_common as k8s
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.template_def import Param

TEMPLATE = os.path.join(os.path.dirname(__file__), "templates", "kubecluster.yaml")

TEMPLATE_DEFAULT_ONLY = frozenset({
    # reference §4.1 "template default only"
    "kube_allow_priv", "wait_condition_timeout", "registry_port", "registry_insecure",
    "registry_chunksize", "password", "kube_dashboard_version", "dns_service_ip",
    "dns_cluster_domain",
    # sent to extra nodegroup stacks only, read from the cluster stack (heat/nodegroup.py)
    "existing_master_private_ip", "existing_security_group",
    # scale/upgrade parameters, sent by stack updates only
    "minions_to_remove", "update_max_batch_size",
    # sources this service has no option for: [docker_registry] swift_region /
    # swift_registry_container, [kubernetes] post_install_manifest_url, and the service
    # catalog's load-balancer entry (octavia_enabled)
    "swift_region", "registry_container", "post_install_manifest_url", "octavia_enabled",
})

LABEL_PARAMS = (
    # (heat parameter, label, converter)
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
    ("ingress_controller", "ingress_controller", k8s.ingress_controller),
    ("ingress_controller_role", "ingress_controller_role", str),
    ("octavia_ingress_controller_tag", "octavia_ingress_controller_tag", str),
    ("kubelet_options", "kubelet_options", str),
    ("kubeapi_options", "kubeapi_options", str),
    ("kubecontroller_options", "kubecontroller_options", str),
    ("kubeproxy_options", "kubeproxy_options", str),
    ("kubescheduler_options", "kubescheduler_options", str),
    ("octavia_provider", "octavia_provider", str),
    ("octavia_lb_algorithm", "octavia_lb_algorithm", str),
    ("octavia_lb_healthcheck", "octavia_lb_healthcheck", td.to_bool),
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
    ("csi_liveness_probe_tag", "csi_liveness_probe_tag", str),
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

PARAMS: tuple[Param, ...] = (
    *k8s.NODE_PARAMS,
    *k8s.VM_NETWORK_PARAMS,
    Param("max_node_count", k8s.max_nodes),
    Param("cloud_provider_enabled", k8s.cloud_provider_enabled),
    Param("keystone_auth_default_policy", k8s.keystone_auth_default_policy),
    Param("master_lb_allowed_cidrs", k8s.master_lb_allowed_cidrs),
    Param("ca_key", td.lookup("ca_key")),
    Param("kube_service_account_key", td.lookup("kube_service_account_key")),
    Param("kube_service_account_private_key", td.lookup("kube_service_account_private_key")),
    *(Param(p, td.label(lbl, conv)) for p, lbl, conv in LABEL_PARAMS),
)
