"""Driver: Kubernetes on Fedora Atomic (``k8s_fedora_atomic_v1``, reference §5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from magnum_clone.conf import CONF
from magnum_clone_drivers import k8s_common as k8s
from magnum_clone_drivers import labels as lb
from magnum_clone_drivers.base import ClusterView, Provides
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import HeatDriver, service_account_keypair
from magnum_clone_drivers.k8s_fedora_atomic_v1 import template_def
from magnum_clone_drivers.k8s_fedora_atomic_v1 import version as ver

LABEL_RULES = (
    *k8s.FEDORA_LABEL_RULES,
    lb.boolean("tiller_enabled"),
)


class Driver(HeatDriver):
    name = ver.driver
    provides = (Provides("vm", "fedora-atomic", "kubernetes"),)
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
        k8s.check_cloud_provider(view, out["cluster_user_trust"])
        # the service-account signing key pair (same template-definition code as FCOS)
        out["kube_service_account_key"], out["kube_service_account_private_key"] = \
            service_account_keypair(CONF.x509.rsa_key_size)
        return out
