"""Parameter table of kubecluster.yaml for Kubernetes on bare-metal Fedora (reference §7.1).

Each row names a Heat parameter and its source; a None value is not sent, so Heat applies the
template's default. The nodes use the template's existing subnet: ``fixed_subnet`` and
``fixed_network`` come from the lookups (the subnet resolved, its network found).
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
                    "influx_grafana_dashboard_enabled", "kube_tag", "kube_version",
                    "container_infra_prefix"),
)

PARAMS: tuple[Param, ...] = (
    *k8s.NODE_PARAMS,
    Param("fixed_network", td.lookup("fixed_network")),
    Param("fixed_subnet", td.lookup("fixed_subnet")),
    *(Param(p, td.label(lbl, conv)) for p, lbl, conv in LABEL_PARAMS),
)
