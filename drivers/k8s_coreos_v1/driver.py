"""Driver: Kubernetes on CoreOS Container Linux (``k8s_coreos_v1``, reference §6)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from magnum_clone_drivers import k8s_common as k8s
from magnum_clone_drivers import labels as lb
from magnum_clone_drivers.base import ClusterView, Provides
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import HeatDriver
from magnum_clone_drivers.k8s_coreos_v1 import template_def
from magnum_clone_drivers.k8s_coreos_v1 import version as ver

LABEL_RULES = (
    *k8s.KUBERNETES_LABEL_RULES,
    lb.cidr("calico_ipv4pool"),
    lb.choice("calico_ipv4pool_ipip", ("Always", "CrossSubnet", "Never", "Off")),
    lb.boolean("cert_manager_api"),
    lb.boolean("master_lb_floating_ip_enabled"),
    lb.choice("ingress_controller", ("", "octavia", "traefik", "nginx"), ignore_case=True),
)


class Driver(HeatDriver):
    name = ver.driver
    provides = (Provides("vm", "coreos", "kubernetes"),)
    version = ver.version
    container_version = ver.container_version
    supports_credential_rotation = True
    outputs = k8s.K8S_OUTPUTS
    coe_query = k8s.COE_QUERY
    # extra nodegroups: stacks of their own (kubecluster.yaml with is_cluster_stack=false)
    nodegroup_links = k8s.NODEGROUP_LINKS

    @property
    def template_path(self) -> str:
        return template_def.TEMPLATE

    def definition(self) -> td.TemplateDefinition:
        return td.TemplateDefinition(template_def.TEMPLATE, template_def.PARAMS,
                                     environment=k8s.simulated_environment)

    def validate_labels(self, labels: Mapping[str, str]) -> None:
        lb.validate(LABEL_RULES, labels)

    def lookups(self, context: Any, view: ClusterView) -> dict[str, Any]:
        _cloud, out = k8s.common_lookups(context, view)
        # CoreOS cloud-config writes the bundle from base64
        out["openstack_ca_coreos"] = base64.b64encode(
            out["openstack_ca"].encode("utf-8")).decode("ascii")
        return out
