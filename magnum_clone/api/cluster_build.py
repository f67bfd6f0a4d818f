"""Turning a validated cluster-create request into the rows the API inserts (reference §4.3).

The API owns the row: the cluster and its two default nodegroups are inserted as
CREATE_IN_PROGRESS in one transaction (quota checked in the same transaction), then the
conductor is told. A GET right after the POST always finds the cluster.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oslo_utils import uuidutils

from magnum_clone.api import validation, versions
from magnum_clone.common import driver_factory, policy, states
from magnum_clone.common import exceptions as exc
from magnum_clone.common.clients import cloud
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api

INHERITED = ("docker_volume_size", "master_flavor_id", "flavor_id", "fixed_network",
             "fixed_subnet")


def lookup_template(ctx: Any, ident: str, version: versions.Version) -> Any:
    try:
        return db_api.get_instance().get_cluster_template(
            ident=ident, project_id=ctx.project_id, is_admin=ctx.is_admin)
    except exc.ClusterTemplateNotFound as e:
        if versions.missing_template_status(version) == 400:
            raise exc.Invalid(str(e)) from None
        raise


def build(ctx: Any, req: dict[str, Any], template: Any, version: versions.Version
          ) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """Validate a create request; returns (cluster values, nodegroup values, quota limit)."""
    drv = driver_factory.for_cluster(template)
    node_count = req.get("node_count", 1)
    master_count = req.get("master_count", 1)
    validation.devicemapper(template.docker_storage_driver,
                            req.get("docker_volume_size") or template.docker_volume_size)
    drv.validate_master_size(master_count)
    if node_count == 0 and not versions.allow_zero_nodes(version):
        raise exc.Invalid("Resizing a nodegroup to zero is not supported in the provided "
                          "microversion.")
    policy.authorize("cluster:create", ctx)
    limit = quota_limit(ctx.project_id)
    # step 8 in the reference's order; the insert checks again in its transaction
    if db_api.get_instance().count_clusters(project_id=ctx.project_id) >= limit:
        raise exc.ClusterQuotaExceeded(limit=limit)
    if template.hidden and not ctx.is_admin:
        raise exc.NotAuthorized()

    values: dict[str, Any] = {k: req.get(k) for k in INHERITED}
    for k in INHERITED:
        if not values[k]:
            values[k] = getattr(template, k)
    tpl_labels = dict(template.labels or {})
    labels = req.get("labels")
    if not labels:
        labels = tpl_labels
    elif req.get("merge_labels"):
        labels = {**tpl_labels, **labels}
    labels = {k: str(v) for k, v in labels.items()}
    keypair = req.get("keypair") or template.keypair_id
    fip = req.get("floating_ip_enabled")
    lb = req.get("master_lb_enabled")
    values.update(
        uuid=uuidutils.generate_uuid(), name=req.get("name") or _name(),
        project_id=ctx.project_id, user_id=ctx.user_id, cluster_template_id=template.uuid,
        keypair=keypair, labels=labels,
        create_timeout=req.get("create_timeout", CONF.cluster.default_create_timeout),
        discovery_url=req.get("discovery_url"),
        floating_ip_enabled=template.floating_ip_enabled if fip is None else fip,
        master_lb_enabled=template.master_lb_enabled if lb is None else lb,
        status=states.Status.CREATE_IN_PROGRESS.value,
        status_reason=None, coe_version=None, container_version=None,
    )
    validation.labels(drv, labels)
    lookup = cloud.get_cloud(ctx)
    validation.root_disk(lookup, labels, values["flavor_id"], values["master_flavor_id"])
    lookup.get_image(template.image_id)
    validation.cloud_resources(lookup, {**values,
                                        "external_network_id": template.external_network_id})
    if keypair:
        lookup.get_keypair(keypair)
    if master_count > 1 and not values["master_lb_enabled"]:
        raise exc.Invalid("master_count must be 1 when master_lb_enabled is False")
    if lookup.simulated:
        values["status_reason"] = "SIMULATED cloud: servers and networks exist only under Heat"
    nodegroups = [
        _nodegroup(values, template, "default-master", "master", master_count,
                   values["master_flavor_id"], 0),
        _nodegroup(values, template, "default-worker", "worker", node_count,
                   values["flavor_id"], int(labels.get("min_node_count", 0) or 0)),
    ]
    return values, nodegroups, limit


def quota_limit(project_id: str) -> int:
    """The project's cluster quota: its ``Cluster`` row, else the configured default."""
    quota = db_api.get_instance().get_quota_limit(project_id=project_id, resource="Cluster")
    return CONF.quotas.max_clusters_per_project if quota is None else quota


def _nodegroup(cluster: Mapping[str, Any], template: Any, name: str, role: str, count: int,
               flavor: str | None, min_count: int) -> dict[str, Any]:
    return dict(uuid=uuidutils.generate_uuid(), name=name, role=role, node_count=count,
                flavor_id=flavor, image_id=template.image_id, is_default=True,
                min_node_count=min_count, max_node_count=None, labels=dict(cluster["labels"]),
                docker_volume_size=cluster["docker_volume_size"], project_id=cluster["project_id"],
                status=states.Status.CREATE_IN_PROGRESS.value, node_addresses=[],
                node_labels={}, node_taints=[], version=None)


def _name() -> str:
    from magnum_clone.api.controllers.v1 import names

    return names.generate("cluster")
