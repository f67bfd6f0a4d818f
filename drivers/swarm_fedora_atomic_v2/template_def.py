"""Parameter table of swarmcluster.yaml for Docker swarm mode on Fedora Atomic (reference §9.1).

Each row names a Heat parameter and its source; a None value is not sent, so Heat applies the
template's default.
"""

from __future__ import annotations

import os

from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.template_def import Param

TEMPLATE = os.path.join(os.path.dirname(__file__), "templates", "swarmcluster.yaml")

# Docker's conventional ports: TLS-verified API on 2376, plain TCP on 2375.
TLS_PORT = 2376
PLAIN_PORT = 2375


def swarm_port(i: td.RenderInput) -> int:
    return PLAIN_PORT if i.view.template.get("tls_disabled") else TLS_PORT


def _secondary_masters(i: td.RenderInput) -> int:
    return max(int(i.view.nodegroup("master")["node_count"]) - 1, 0)


LABEL_PARAMS = (
    # (heat parameter, label, converter)
    ("rexray_preempt", "rexray_preempt", lambda v: v.strip().lower()),
    ("swarm_strategy", "swarm_strategy", str),
    ("docker_volume_type", "docker_volume_type", str),
    ("availability_zone", "availability_zone", str),
    ("flannel_network_cidr", "flannel_network_cidr", str),
    ("flannel_network_subnetlen", "flannel_network_subnetlen", int),
    ("flannel_backend", "flannel_backend", str),
)

PARAMS: tuple[Param, ...] = (
    Param("ssh_key_name", td.cluster("keypair")),
    Param("ssh_public_key", td.lookup("ssh_public_key")),
    Param("external_network", td.first(td.lookup("external_network"),
                                       td.template("external_network_id"))),
    Param("fixed_network", td.first(td.cluster("fixed_network"), td.template("fixed_network"))),
    Param("fixed_network_name", td.cluster("name")),
    Param("fixed_subnet", td.first(td.cluster("fixed_subnet"), td.template("fixed_subnet"))),
    Param("fixed_subnet_cidr", td.first(td.label("fixed_subnet_cidr"),
                                        td.lookup("fixed_subnet_cidr"))),
    Param("cluster_uuid", td.cluster("uuid")),
    Param("magnum_url", td.lookup("magnum_url")),
    Param("master_image", td.nodegroup("master", "image_id")),
    Param("node_image", td.nodegroup("worker", "image_id")),
    Param("master_flavor", td.nodegroup("master", "flavor_id")),
    Param("node_flavor", td.nodegroup("worker", "flavor_id")),
    Param("dns_nameserver", td.template("dns_nameserver")),
    Param("http_proxy", td.template("http_proxy")),
    Param("https_proxy", td.template("https_proxy")),
    Param("no_proxy", td.template("no_proxy")),
    Param("number_of_masters", td.nodegroup("master", "node_count")),
    Param("number_of_secondary_masters", _secondary_masters),
    Param("number_of_nodes", td.nodegroup("worker", "node_count")),
    Param("tls_disabled", td.template("tls_disabled")),
    Param("master_lb_enabled", td.cluster("master_lb_enabled")),
    Param("floating_ip_enabled", td.cluster("floating_ip_enabled")),
    Param("docker_volume_size", td.nodegroup("worker", "docker_volume_size")),
    Param("docker_storage_driver", td.template("docker_storage_driver")),
    Param("swarm_port", swarm_port),
    Param("network_driver", td.template("network_driver")),
    Param("volume_driver", td.template("volume_driver")),
    Param("registry_enabled", td.template("registry_enabled")),
    Param("insecure_registry_url", td.template("insecure_registry")),
    Param("verify_ca", td.lookup("verify_ca")),
    Param("nodes_affinity_policy", td.lookup("nodes_affinity_policy")),
    *(Param(p, td.label(lbl, conv)) for p, lbl, conv in LABEL_PARAMS),
)
