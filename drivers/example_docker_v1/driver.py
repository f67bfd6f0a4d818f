"""Driver: the example, one Ubuntu server with Docker (``example_docker_v1``).

The smallest useful Heat driver, written as a model for new ones (README.rst): a parameter
table, one template, an output map, and the operations it refuses. It claims no
``(server_type, os, coe)`` tuple, so only a cluster template that names it
(``driver: example_docker_v1``) uses it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from magnum_clone.common import exceptions as exc
from magnum_clone_drivers.base import ClusterView, Provides
from magnum_clone_drivers.example_docker_v1 import version as ver
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import HeatDriver, OutputMap
from magnum_clone_drivers.heat.template_def import Param

TEMPLATE = os.path.join(os.path.dirname(__file__), "templates", "server.yaml")
DOCKER_PORT = 2375

PARAMS: tuple[Param, ...] = (
    Param("ssh_key_name", td.cluster("keypair")),
    Param("server_image", td.nodegroup("master", "image_id")),
    Param("server_flavor", td.nodegroup("master", "flavor_id")),
    Param("external_network", td.first(td.lookup("external_network"),
                                       td.template("external_network_id"))),
    Param("fixed_subnet_cidr", td.label("fixed_subnet_cidr")),
    Param("dns_nameserver", td.template("dns_nameserver")),
    Param("floating_ip_enabled", td.cluster("floating_ip_enabled")),
    Param("docker_port", td.const(DOCKER_PORT)),
)


def docker_address(value: str, view: ClusterView) -> str:
    return f"tcp://{value}:{DOCKER_PORT}"


class Driver(HeatDriver):
    name = ver.driver
    provides: Sequence[Provides] = ()
    version = ver.version
    container_version = ver.container_version
    outputs = OutputMap(api_address="server_address", masters="server_address",
                        masters_private="server_private_address", minions="node_addresses",
                        minions_private="node_addresses", format_api=docker_address,
                        node_count_param="number_of_nodes", nodes_to_remove_param=None)

    @property
    def template_path(self) -> str:
        return TEMPLATE

    def definition(self) -> td.TemplateDefinition:
        return td.TemplateDefinition(TEMPLATE, PARAMS, environment=td.simulated_cloud)

    def validate_master_size(self, master_count: int) -> None:
        if master_count != 1:
            raise exc.Invalid(f"master_count {master_count} is invalid: the "
                              f"{self.name} driver boots exactly one server.")

    def validate_labels(self, labels: Mapping[str, str]) -> None:
        from magnum_clone_drivers import labels as lb

        lb.validate((lb.cidr("fixed_subnet_cidr"),), labels)

    def scale_cluster(self, context: Any, view: ClusterView, *, nodegroup: Mapping[str, Any],
                      node_count: int, nodes_to_remove: Sequence[str], rollback: bool) -> None:
        raise exc.Invalid(f"Scaling is not supported by the {self.name} driver: it boots "
                          "exactly one server and has no worker nodes.")

    def lookups(self, context: Any, view: ClusterView) -> dict[str, Any]:
        from magnum_clone.common.clients import cloud

        ext = view.template.get("external_network_id")
        if not ext:
            return {}
        return {"external_network": cloud.get_cloud(context).get_external_network(ext).id}
