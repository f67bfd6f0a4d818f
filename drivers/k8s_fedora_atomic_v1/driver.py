"""Driver: Kubernetes on Fedora Atomic (``k8s_fedora_atomic_v1``, reference §5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from magnum_clone_drivers import k8s_common as k8s
from magnum_clone_drivers import labels as lb
from magnum_clone_drivers.base import ClusterView, Provides
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import HeatDriver
from magnum_clone_drivers.k8s_fedora_atomic_v1 import template_def
from magnum_clone_drivers.k8s_fedora_atomic_v1 import version as ver

LABEL_RULES = (
    *k8s.KUBERNETES_LABEL_RULES,
    lb.cidr("calico_ipv4pool"),
    lb.choice("calico_ipv4pool_ipip", ("Always", "CrossSubnet", "Never", "Off")),
    lb.boolean("cert_manager_api"),
    lb.boolean("cloud_provider_enabled"),
    lb.boolean("keystone_auth_enabled"),
    lb.boolean("metrics_server_enabled"),
    lb.boolean("heapster_enabled"),
    lb.boolean("tiller_enabled"),
    lb.boolean("auto_healing_enabled"),
    lb.boolean("auto_scaling_enabled"),
    lb.boolean("cinder_csi_enabled"),
    lb.boolean("npd_enabled"),
    lb.boolean("use_podman"),
    lb.boolean("master_lb_floating_ip_enabled"),
    lb.integer("boot_volume_size", 0),
    lb.integer("min_node_count", 0),
    lb.integer("max_node_count", 0),
    lb.choice("cgroup_driver", ("cgroupfs", "systemd")),
    lb.choice("ingress_controller", ("", "octavia", "traefik", "nginx")),
    lb.choice("auto_healing_controller", ("draino", "magnum-auto-healer")),
    lb.choice("selinux_mode", ("enforcing", "permissive", "disabled")),
    lb.choice("container_runtime", ("host-docker", "containerd")),
)


class Driver(HeatDriver):
    name = ver.driver
    provides = (Provides("vm", "fedora-atomic", "kubernetes"),)
    version = ver.version
    container_version = ver.container_version
    supports_credential_rotation = True
    outputs = k8s.K8S_OUTPUTS

    @property
    def template_path(self) -> str:
        return template_def.TEMPLATE

    def definition(self) -> td.TemplateDefinition:
        return td.TemplateDefinition(template_def.TEMPLATE, template_def.PARAMS,
                                     environment=k8s.simulated_environment)

    def validate_labels(self, labels: Mapping[str, str]) -> None:
        lb.validate(LABEL_RULES, labels)

    def lookups(self, context: Any, view: ClusterView) -> dict[str, Any]:
        cloud, out = k8s.common_lookups(context, view)
        if view.cluster.get("fixed_subnet"):
            out["fixed_subnet_cidr"] = cloud.get_fixed_subnet(view.cluster["fixed_subnet"]).cidr
        return out
