"""Parameter table of kubecluster.yaml for Kubernetes on Fedora CoreOS (reference §4.1, §4.2).

Each row names a Heat parameter and its source; a None value is not sent, so Heat applies the
template's default (the seeds' label defaults, see tests/unit/drivers/test_seed_defaults.py).
The rows every Kubernetes driver shares come from :mod:`magnum_clone_drivers.k8s_common`;
``openstack_ca`` is passed URL-quoted on this driver (the Ignition config carries it).

Template parameters left to their HOT default on purpose (reference: "template default
only", or sources this service does not have): see :data:`TEMPLATE_DEFAULT_ONLY`.
"""

from __future__ import annotations

import os

from magnum_clone_drivers import k8s_common as k8s
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.template_def import Param

TEMPLATE = os.path.join(os.path.dirname(__file__), "templates", "kubecluster.yaml")

TEMPLATE_DEFAULT_ONLY = frozenset({
    # reference §4.1 "template default only"
    "kube_allow_priv", "wait_condition_timeout", "registry_port", "registry_insecure",
    "registry_chunksize", "password", "kube_dashboard_version", "dns_service_ip",
    "dns_cluster_domain",
    # sent to extra nodegroup stacks only, read from the cluster stack (heat/nodegroup.py)
    "existing_master_private_ip", "existing_security_group",
    # scale/upgrade parameters, sent by stack updates only
    "minions_to_remove", "update_max_batch_size",
    # sources this service has no option for: [docker_registry] swift_region /
    # swift_registry_container, [kubernetes] post_install_manifest_url, and the service
    # catalog's load-balancer entry (octavia_enabled)
    "swift_region", "registry_container", "post_install_manifest_url", "octavia_enabled",
})

LABEL_PARAMS = (
    # (heat parameter, label, converter): the shared Fedora rows, then this driver's
    *k8s.FEDORA_LABEL_PARAMS,
    ("octavia_provider", "octavia_provider", str),
    ("octavia_lb_algorithm", "octavia_lb_algorithm", str),
    ("octavia_lb_healthcheck", "octavia_lb_healthcheck", td.to_bool),
    ("csi_liveness_probe_tag", "csi_liveness_probe_tag", str),
)

PARAMS: tuple[Param, ...] = (
    *k8s.FEDORA_PARAMS,
    *(Param(p, td.label(lbl, conv)) for p, lbl, conv in LABEL_PARAMS),
)
