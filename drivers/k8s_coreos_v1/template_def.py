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
    # (heat parameter, label, converter): the shared rows this template takes
    *k8s.label_rows("prometheus_monitoring", "grafana_admin_passwd", "portal_network_cidr",
                    "flannel_network_cidr", "flannel_network_subnetlen", "flannel_backend",
                    "system_pods_initial_delay", "system_pods_timeout", "admission_control_list",
                    "etcd_volume_size", "docker_volume_type", "kube_dashboard_enabled",
                    "influx_grafana_dashboard_enabled", "kube_tag", "kube_version", "etcd_tag",
                    "coredns_tag", "flannel_tag", "container_infra_prefix", "availability_zone",
                    "cert_manager_api", "calico_tag", "calico_ipv4pool", "ingress_controller",
                    "ingress_controller_role", "kubelet_options", "kubeapi_options",
                    "kubecontroller_options", "kubeproxy_options", "kubescheduler_options",
                    "master_lb_floating_ip_enabled"),
    ("calico_kube_controllers_tag", "calico_kube_controllers_tag", str),
)

PARAMS: tuple[Param, ...] = (
    *k8s.NODE_PARAMS,
    *k8s.VM_NETWORK_PARAMS,
    Param("openstack_ca_coreos", td.lookup("openstack_ca_coreos")),
    Param("ca_key", td.lookup("ca_key")),
    *(Param(p, td.label(lbl, conv)) for p, lbl, conv in LABEL_PARAMS),
)
