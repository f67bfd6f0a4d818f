"""Parameter table of kubecluster.yaml for Kubernetes on CoreOS Container Linux (reference §6.1).

Each row names a Heat parameter and its source; a None value is not sent, so Heat applies the
template's default. The CA bundle goes to the nodes base64-encoded (``openstack_ca_coreos``).
"""

from __future__ import annotations

import os

from magnum_clone_drivers import k8s_common as k8s
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.template_def import Param

TEMPLATE = os.path.join(os.path.dirname(__file__), "templates", "kubecluster.yaml")

LABEL_PARAMS = (
    # (heat parameter, label, converter)
    ("prometheus_monitoring", "prometheus_monitoring", td.to_bool),
    ("grafana_admin_passwd", "grafana_admin_passwd", str),
    ("portal_network_cidr", "service_cluster_ip_range", str),
    ("flannel_network_cidr", "flannel_network_cidr", str),
    ("flannel_network_subnetlen", "flannel_network_subnetlen", int),
    ("flannel_backend", "flannel_backend", str),
    ("system_pods_initial_delay", "system_pods_initial_delay", int),
    ("system_pods_timeout", "system_pods_timeout", int),
    ("admission_control_list", "admission_control_list", str),
    ("etcd_volume_size", "etcd_volume_size", int),
    ("docker_volume_type", "docker_volume_type", str),
    ("kube_dashboard_enabled", "kube_dashboard_enabled", td.to_bool),
    ("influx_grafana_dashboard_enabled", "influx_grafana_dashboard_enabled", td.to_bool),
    ("kube_tag", "kube_tag", str),
    ("kube_version", "kube_tag", str),
    ("etcd_tag", "etcd_tag", str),
    ("coredns_tag", "coredns_tag", str),
    ("flannel_tag", "flannel_tag", str),
    ("container_infra_prefix", "container_infra_prefix", str),
    ("availability_zone", "availability_zone", str),
    ("cert_manager_api", "cert_manager_api", td.to_bool),
    ("calico_tag", "calico_tag", str),
    ("calico_kube_controllers_tag", "calico_kube_controllers_tag", str),
    ("calico_ipv4pool", "calico_ipv4pool", str),
    ("ingress_controller", "ingress_controller", k8s.ingress_controller),
    ("ingress_controller_role", "ingress_controller_role", str),
    ("kubelet_options", "kubelet_options", str),
    ("kubeapi_options", "kubeapi_options", str),
    ("kubecontroller_options", "kubecontroller_options", str),
    ("kubeproxy_options", "kubeproxy_options", str),
    ("kubescheduler_options", "kubescheduler_options", str),
    ("master_lb_floating_ip_enabled", "master_lb_floating_ip_enabled", td.to_bool),
)

PARAMS: tuple[Param, ...] = (
    *k8s.NODE_PARAMS,
    *k8s.VM_NETWORK_PARAMS,
    Param("openstack_ca_coreos", td.lookup("openstack_ca_coreos")),
    Param("ca_key", td.lookup("ca_key")),
    *(Param(p, td.label(lbl, conv)) for p, lbl, conv in LABEL_PARAMS),
)
