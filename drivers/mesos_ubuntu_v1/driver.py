"""Driver: Apache Mesos with Marathon on Ubuntu (``mesos_ubuntu_v1``).

Masters run ZooKeeper, mesos-master and Marathon; agents are a ResourceGroup with a removal
list (``slaves_to_remove``), so a resize can name the agents to drop. The API address is
Marathon's: ``http://<master or load balancer>:8080``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from magnum_clone.common import exceptions as exc
from magnum_clone.conf import CONF
from magnum_clone_drivers import labels as lb
from magnum_clone_drivers.base import ClusterView, Provides
from magnum_clone_drivers.heat import coe_query as coe_query_mod
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import HeatDriver, OutputMap
from magnum_clone_drivers.mesos_ubuntu_v1 import template_def
from magnum_clone_drivers.mesos_ubuntu_v1 import version as ver

ISOLATORS = ("filesystem/posix", "filesystem/linux", "filesystem/shared", "posix/cpu",
             "posix/mem", "posix/disk", "cgroups/cpu", "cgroups/mem", "docker/runtime",
             "namespaces/pid")
IMAGE_PROVIDERS = ("docker", "appc")


def _items(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def _abs_path(v: str) -> bool:
    return v.startswith("/") and not any(c.isspace() for c in v)


LABEL_RULES = (
    lb.multi_choice("mesos_slave_isolation", ISOLATORS),
    lb.multi_choice("mesos_slave_image_providers", IMAGE_PROVIDERS),
    lb.Rule("mesos_slave_work_dir", _abs_path, "an absolute directory path such as /tmp/mesos"),
    lb.json_object("mesos_slave_executor_env_variables"),
    lb.Rule("rexray_preempt", lambda v: v.strip().lower() in ("true", "false"), "true or false"),
    lb.cidr("fixed_subnet_cidr"),
)


def marathon_address(value: str, view: ClusterView) -> str:
    """Marathon's REST endpoint (Mesos clusters have no TLS)."""
    return f"http://{value}:{template_def.MARATHON_PORT}"


class Driver(HeatDriver):
    name = ver.driver
    provides = (Provides("vm", "ubuntu", "mesos"),)
    version = ver.version
    container_version = ver.container_version
    # coe_version: no template parameter or output holds a Mesos/Marathon version (the image
    # ships them; the fragments pin none), so it stays null.
    outputs = OutputMap(api_address="api_address", masters="mesos_master",
                        masters_private="mesos_master_private", minions="mesos_slaves",
                        minions_private="mesos_slaves_private", format_api=marathon_address,
                        node_count_param="number_of_slaves",
                        nodes_to_remove_param="slaves_to_remove", worker_group="mesos_slaves")
    # a scale-down asks Marathon which agents run tasks and removes idle ones first
    coe_query = coe_query_mod.MARATHON

    @property
    def template_path(self) -> str:
        return template_def.TEMPLATE

    def definition(self) -> td.TemplateDefinition:
        return td.TemplateDefinition(template_def.TEMPLATE, template_def.PARAMS,
                                     environment=td.simulated_cloud)

    def validate_labels(self, labels: Mapping[str, str]) -> None:
        lb.validate(LABEL_RULES, labels)
        providers = _items(labels.get("mesos_slave_image_providers", ""))
        isolation = _items(labels.get("mesos_slave_isolation", ""))
        if "docker" in providers and "docker/runtime" not in isolation:
            raise exc.InvalidParameterValue(
                err="Invalid value for label mesos_slave_image_providers: 'docker' needs "
                    "'docker/runtime' in label mesos_slave_isolation.")

    def lookups(self, context: Any, view: ClusterView) -> dict[str, Any]:
        from magnum_clone.common.clients import cloud

        c = cloud.get_cloud(context)
        out: dict[str, Any] = {
            "nodes_affinity_policy": CONF.cluster.nodes_affinity_policy,
            "verify_ca": CONF.drivers.verify_ca,
        }
        ext = view.template.get("external_network_id")
        if ext:
            out["external_network"] = c.get_external_network(ext).id
        if view.cluster.get("keypair"):
            out["ssh_public_key"] = c.get_keypair(view.cluster["keypair"])
        if view.cluster.get("fixed_subnet"):
            out["fixed_subnet_cidr"] = c.get_fixed_subnet(view.cluster["fixed_subnet"]).cidr
        return out
