"""Driver: Docker swarm mode on Fedora Atomic (``swarm_fedora_atomic_v2``).

Managers and workers are two ResourceGroups of ``swarmcluster.yaml``; the API address is the
Docker API of the primary manager (or of the load balancer in front of the managers). Workers
have a removal list (``nodes_to_remove``): a scale-down asks the swarm which workers run tasks
and removes idle ones first (heat/scale.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from magnum_clone.conf import CONF
from magnum_clone_drivers import labels as lb
from magnum_clone_drivers.base import ClusterView, Provides
from magnum_clone_drivers.heat import coe_query as coe_query_mod
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import HeatDriver, OutputMap
from magnum_clone_drivers.swarm_fedora_atomic_v2 import template_def
from magnum_clone_drivers.swarm_fedora_atomic_v2 import version as ver


def non_empty(label: str, what: str) -> lb.Rule:
    return lb.Rule(label, lambda v: bool(v.strip()) and not any(c.isspace() for c in v), what)


def true_false(label: str) -> lb.Rule:
    return lb.Rule(label, lambda v: v.strip().lower() in ("true", "false"), "true or false")


LABEL_RULES = (
    lb.choice("swarm_strategy", ("spread", "binpack", "random")),
    true_false("rexray_preempt"),
    non_empty("docker_volume_type", "a Cinder volume type name"),
    lb.cidr("flannel_network_cidr"),
    lb.integer("flannel_network_subnetlen", 8, 30),
    lb.choice("flannel_backend", ("udp", "vxlan", "host-gw")),
    lb.cidr("fixed_subnet_cidr"),
)


def docker_api_address(value: str, view: ClusterView) -> str:
    """``tcp://<ip>:2376`` (TLS) or ``tcp://<ip>:2375`` (tls_disabled), for DOCKER_HOST."""
    port = template_def.PLAIN_PORT if view.template.get("tls_disabled") else template_def.TLS_PORT
    return f"tcp://{value}:{port}"


def common_lookups(context: Any, view: ClusterView) -> dict[str, Any]:
    """Values from outside the cluster row: cloud lookups and service settings."""
    from magnum_clone.common.clients import cloud, keystone

    c = cloud.get_cloud(context)
    out: dict[str, Any] = {
        "nodes_affinity_policy": CONF.cluster.nodes_affinity_policy,
        "verify_ca": CONF.drivers.verify_ca,
        "magnum_url": keystone.magnum_url(),
    }
    ext = view.template.get("external_network_id")
    if ext:
        out["external_network"] = c.get_external_network(ext).id
    if view.cluster.get("keypair"):
        out["ssh_public_key"] = c.get_keypair(view.cluster["keypair"])
    if view.cluster.get("fixed_subnet"):
        out["fixed_subnet_cidr"] = c.get_fixed_subnet(view.cluster["fixed_subnet"]).cidr
    return out


class Driver(HeatDriver):
    name = ver.driver
    # upstream's swarm mode driver answers coe "swarm-mode"; "swarm" is kept for templates
    # made before both were accepted (same driver, same validation matrix)
    provides = (Provides("vm", "fedora-atomic", "swarm"),
                Provides("vm", "fedora-atomic", "swarm-mode"))
    version = ver.version
    container_version = ver.container_version
    # coe_version: no template parameter or output holds a Docker version (the image ships
    # its Docker; the fragments pin none), so it stays null as upstream's swarm-mode driver.
    outputs = OutputMap(api_address="api_address", masters="swarm_masters",
                        masters_private="swarm_masters_private", minions="swarm_nodes",
                        minions_private="swarm_nodes_private", format_api=docker_api_address,
                        node_count_param="number_of_nodes",
                        nodes_to_remove_param="nodes_to_remove", worker_group="swarm_nodes")
    coe_query = coe_query_mod.SWARM

    @property
    def template_path(self) -> str:
        return template_def.TEMPLATE

    def definition(self) -> td.TemplateDefinition:
        return td.TemplateDefinition(template_def.TEMPLATE, template_def.PARAMS,
                                     environment=td.simulated_cloud)

    def validate_labels(self, labels: Mapping[str, str]) -> None:
        lb.validate(LABEL_RULES, labels)

    def lookups(self, context: Any, view: ClusterView) -> dict[str, Any]:
        return common_lookups(context, view)
