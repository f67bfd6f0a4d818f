"""Helpers for rendering driver templates in unit tests (no Heat, no cloud)."""

from __future__ import annotations

from typing import Any

import yaml

from magnum_clone_drivers.base import ClusterView
from magnum_clone_drivers.heat import template_def as td


def view(labels: dict[str, str] | None = None, *, masters: int = 1, nodes: int = 1,
         template: dict[str, Any] | None = None, **cluster: Any) -> ClusterView:
    c = {"uuid": "c-uuid", "name": "my_cluster.x", "project_id": "proj", "keypair": "default",
         "labels": labels or {}, "master_lb_enabled": False, "floating_ip_enabled": True,
         "fixed_network": None, "fixed_subnet": None, **cluster}
    ngs = [{"is_default": True, "role": "master", "name": "default-master",
            "node_count": masters, "image_id": "img", "flavor_id": "m1.medium",
            "docker_volume_size": None},
           {"is_default": True, "role": "worker", "name": "default-worker",
            "node_count": nodes, "image_id": "img", "flavor_id": "m1.small",
            "docker_volume_size": 5}]
    tpl = {"tls_disabled": False, "network_driver": "docker", "volume_driver": None,
           "external_network_id": "public", "dns_nameserver": "8.8.8.8",
           **(template or {})}
    return ClusterView(cluster=c, template=tpl, nodegroups=ngs)


def template_parameters(path: str) -> dict[str, Any]:
    with open(path) as f:
        return dict(yaml.safe_load(f)["parameters"])


def render(definition: td.TemplateDefinition, v: ClusterView,
           lookups: dict[str, Any] | None = None) -> dict[str, Any]:
    return definition.parameters(td.RenderInput(v, lookups or {}))
