"""Parameter table of kubecluster.yaml for Kubernetes on Fedora Atomic (reference §5: the
§4.1 names with the atomic defaults, plus ``tiller_*`` and ``calico_kube_controllers_tag``).

Each row names a Heat parameter and its source; a None value is not sent, so Heat applies the
template's default. ``openstack_ca`` is passed unquoted on this driver.
"""

from __future__ import annotations

import os

from magnum_clone_drivers import k8s_common as k8s
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.template_def import Param

TEMPLATE = os.path.join(os.path.dirname(__file__), "templates", "kubecluster.yaml")

LABEL_PARAMS = (
    # (heat parameter, label, converter): the shared Fedora rows, then this driver's
    *k8s.FEDORA_LABEL_PARAMS,
    ("calico_kube_controllers_tag", "calico_kube_controllers_tag", str),
    ("tiller_enabled", "tiller_enabled", td.to_bool),
    ("tiller_tag", "tiller_tag", str),
    ("tiller_namespace", "tiller_namespace", str),
)

PARAMS: tuple[Param, ...] = (
    *k8s.FEDORA_PARAMS,
    *(Param(p, td.label(lbl, conv)) for p, lbl, conv in LABEL_PARAMS),
)
