"""Driver: Kubernetes on bare-metal Fedora through Ironic (``k8s_fedora_ironic_v1``, §7).

The cluster uses the template's existing subnet (required) and never creates a private
network, floating IPs or security groups.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from magnum_clone.common import exceptions as exc
from magnum_clone_drivers import k8s_common as k8s
from magnum_clone_drivers import labels as lb
from magnum_clone_drivers.base import ClusterView, Provides
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import HeatDriver
from magnum_clone_drivers.k8s_fedora_ironic_v1 import template_def
from magnum_clone_drivers.k8s_fedora_ironic_v1 import version as ver

LABEL_RULES = (*k8s.KUBERNETES_LABEL_RULES,)


class Driver(HeatDriver):
    name = ver.driver
    provides = (Provides("bm", "fedora", "kubernetes"),)
    version = ver.version
    container_version = ver.container_version
    supports_credential_rotation = True
    outputs = k8s.K8S_OUTPUTS
    coe_query = k8s.COE_QUERY
    # extra nodegroups: stacks of their own (kubecluster.yaml with is_cluster_stack=false)
    nodegroup_links = k8s.NODEGROUP_LINKS_GIVEN_NETWORK

    @property
    def template_path(self) -> str:
        return template_def.TEMPLATE

    def definition(self) -> td.TemplateDefinition:
        return td.TemplateDefinition(template_def.TEMPLATE, template_def.PARAMS,
                                     environment=k8s.simulated_environment)

    def validate_labels(self, labels: Mapping[str, str]) -> None:
        lb.validate(LABEL_RULES, labels)

    def lookups(self, context: Any, view: ClusterView) -> dict[str, Any]:
        cloud, out = k8s.common_lookups(context, view, ca_key=False)
        subnet_ident = view.cluster.get("fixed_subnet") or view.template.get("fixed_subnet")
        if not subnet_ident:
            raise exc.InvalidParameterValue(err="Required parameter fixed_subnet not provided.")
        subnet = cloud.get_fixed_subnet(subnet_ident)
        if ipaddress.ip_network(subnet.cidr, strict=False).version != 4:
            raise exc.InvalidParameterValue(
                err=f"Received invalid subnet {subnet_ident}: an IPv4 subnet is required.")
        out["fixed_subnet"] = subnet.id
        out["fixed_subnet_cidr"] = subnet.cidr
        network_ident = view.cluster.get("fixed_network") or view.template.get("fixed_network")
        network_id = getattr(subnet, "network_id", None)
        if not network_id and network_ident:
            network_id = cloud.get_fixed_network(network_ident).id
        out["fixed_network"] = network_id or ""
        return out
