"""Parameter table of mesoscluster.yaml for Mesos + Marathon on Ubuntu (reference §10.1).

Each row names a Heat parameter and its source; a None value is not sent, so Heat applies the
template's default.
"""

from __future__ import annotations

import os

from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.template_def import Param

TEMPLATE = os.path.join(os.path.dirname(__file__), "templates", "mesoscluster.yaml")
MARATHON_PORT = 8080

LABEL_PARAMS = (
    # (heat parameter, label, converter)
    ("rexray_preempt", "rexray_preempt", lambda v: v.strip().lower()),
    ("mesos_slave_isolation", "mesos_slave_isolation", lambda v: v.replace(" ", "")),
    ("mesos_slave_image_providers", "mesos_slave_image_providers", lambda v: v.replace(" ", "")),
    ("mesos_slave_work_dir", "mesos_slave_work_dir", str),
    ("mesos_slave_executor_env_variables", "mesos_slave_executor_env_variables", str),
    ("availability_zone", "availability_zone", str),
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
    Param("master_image", td.nodegroup("master", "image_id")),
    Param("slave_image", td.nodegroup("worker", "image_id")),
    Param("master_flavor", td.nodegroup("master", "flavor_id")),
    Param("slave_flavor", td.nodegroup("worker", "flavor_id")),
    Param("dns_nameserver", td.template("dns_nameserver")),
    Param("number_of_masters", td.nodegroup("master", "node_count")),
    Param("number_of_slaves", td.nodegroup("worker", "node_count")),
    Param("cluster_name", td.cluster("name")),
    Param("master_lb_enabled", td.cluster("master_lb_enabled")),
    Param("floating_ip_enabled", td.cluster("floating_ip_enabled")),
    Param("marathon_port", td.const(MARATHON_PORT)),
    Param("http_proxy", td.template("http_proxy")),
    Param("https_proxy", td.template("https_proxy")),
    Param("no_proxy", td.template("no_proxy")),
    Param("tenant_name", td.cluster("project_id")),
    Param("volume_driver", td.template("volume_driver")),
    Param("verify_ca", td.lookup("verify_ca")),
    Param("nodes_affinity_policy", td.lookup("nodes_affinity_policy")),
    *(Param(p, td.label(lbl, conv)) for p, lbl, conv in LABEL_PARAMS),
)
