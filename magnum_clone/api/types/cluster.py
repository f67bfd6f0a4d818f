"""Request and response shapes of /v1/clusters (and the legacy /v1/bays)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from magnum_clone.api import versions
from magnum_clone.api.types import base as t
from magnum_clone.api.types import links as lk
from magnum_clone.common import states
from magnum_clone.db.sqlalchemy import models


class ClusterPOST(t.Base):
    uuid = t.uuid
    name = t.NameType()
    cluster_template_id = t.wsattr(t.text, mandatory=True)
    keypair = t.string(1, 255)
    node_count = t.IntegerType(minimum=0)
    master_count = t.IntegerType(minimum=1)
    docker_volume_size = t.IntegerType(minimum=1)
    labels = t.LabelsType
    master_flavor_id = t.string(1, 255)
    flavor_id = t.string(1, 255)
    create_timeout = t.IntegerType(minimum=0)
    discovery_url = t.string(1, 255)
    fixed_network = t.string(1, 255)
    fixed_subnet = t.string(1, 255)
    floating_ip_enabled = t.boolean
    master_lb_enabled = t.boolean
    merge_labels = t.boolean
    status = t.text
    status_reason = t.text
    health_status = t.text
    health_status_reason = t.DictType(t.text, t.text)
    api_address = t.wsattr(t.text, readonly=True)
    stack_id = t.wsattr(t.text, readonly=True)
    cluster_id = t.wsattr(t.text, readonly=True)
    node_addresses = t.wsattr(t.ArrayType(t.text), readonly=True)
    master_addresses = t.wsattr(t.ArrayType(t.text), readonly=True)
    coe_version = t.wsattr(t.text, readonly=True)
    container_version = t.wsattr(t.text, readonly=True)
    project_id = t.wsattr(t.text, readonly=True)
    user_id = t.wsattr(t.text, readonly=True)
    links = t.wsattr(t.ArrayType(t.DictType(t.text, t.text)), readonly=True)
    created_at = t.wsattr(t.text, readonly=True)
    updated_at = t.wsattr(t.text, readonly=True)
    faults = t.wsattr(t.DictType(t.text, t.text), readonly=True)


class BayPOST(t.Base):
    """Legacy bay: baymodel_id, bay_create_timeout, node_count >= 1, no keypair."""

    uuid = t.uuid
    name = t.NameType()
    baymodel_id = t.wsattr(t.text, mandatory=True)
    node_count = t.IntegerType(minimum=1)
    master_count = t.IntegerType(minimum=1)
    docker_volume_size = t.IntegerType(minimum=1)
    labels = t.LabelsType
    master_flavor_id = t.string(1, 255)
    flavor_id = t.string(1, 255)
    bay_create_timeout = t.IntegerType(minimum=0)
    discovery_url = t.string(1, 255)
    status = t.text
    status_reason = t.text
    api_address = t.wsattr(t.text, readonly=True)
    stack_id = t.wsattr(t.text, readonly=True)
    node_addresses = t.wsattr(t.ArrayType(t.text), readonly=True)
    master_addresses = t.wsattr(t.ArrayType(t.text), readonly=True)
    coe_version = t.wsattr(t.text, readonly=True)
    container_version = t.wsattr(t.text, readonly=True)
    links = t.wsattr(t.ArrayType(t.DictType(t.text, t.text)), readonly=True)
    created_at = t.wsattr(t.text, readonly=True)
    updated_at = t.wsattr(t.text, readonly=True)


class ClusterResizeRequest(t.Base):
    node_count = t.wsattr(t.IntegerType(minimum=0), mandatory=True)
    nodes_to_remove = t.ArrayType(t.text)
    nodegroup = t.text


class ClusterUpgradeRequest(t.Base):
    cluster_template = t.wsattr(t.string(1, 255), mandatory=True)
    max_batch_size = t.IntegerType(minimum=1)
    nodegroup = t.text


WRITABLE = ("name", "cluster_template_id", "keypair", "node_count", "master_count",
            "docker_volume_size", "labels", "master_flavor_id", "flavor_id", "create_timeout",
            "discovery_url", "fixed_network", "fixed_subnet", "floating_ip_enabled",
            "master_lb_enabled", "merge_labels")

# PATCH rules
INTERNAL = ("/api_address", "/node_addresses", "/master_addresses", "/stack_id", "/cluster_id",
            "/ca_cert_ref", "/magnum_cert_ref", "/etcd_ca_cert_ref", "/front_proxy_ca_cert_ref",
            "/status", "/status_reason", "/coe_version", "/container_version", "/faults",
            "/labels_overridden", "/labels_added", "/labels_skipped")
PATCHABLE = frozenset({"node_count", "health_status", "health_status_reason"})
MANDATORY = ("/node_count",)
DICT_ATTRS = ("/labels", "/health_status_reason")

LIST_FIELDS = ("uuid", "name", "cluster_template_id", "keypair", "node_count", "master_count",
               "docker_volume_size", "labels", "master_flavor_id", "flavor_id",
               "create_timeout", "links", "stack_id", "status", "health_status", "merge_labels")
FULL_FIELDS = ("uuid", "name", "cluster_template_id", "keypair", "node_count", "master_count",
               "docker_volume_size", "labels", "master_flavor_id", "flavor_id",
               "create_timeout", "links", "stack_id", "status", "status_reason",
               "health_status", "health_status_reason", "discovery_url", "api_address",
               "coe_version", "container_version", "project_id", "user_id", "node_addresses",
               "master_addresses", "faults", "fixed_network", "fixed_subnet",
               "floating_ip_enabled", "merge_labels", "labels_overridden", "labels_added",
               "labels_skipped", "master_lb_enabled", "created_at", "updated_at")


def counts(row: models.Cluster) -> tuple[int, int]:
    """(node_count, master_count) summed over the cluster's nodegroups."""
    nodes = masters = 0
    for ng in row.nodegroups:
        if ng.role == "master":
            masters += ng.node_count
        else:
            nodes += ng.node_count
    return nodes, masters


def addresses(row: models.Cluster) -> tuple[list[str], list[str]]:
    nodes: list[str] = []
    masters: list[str] = []
    for ng in row.nodegroups:
        (masters if ng.role == "master" else nodes).extend(ng.node_addresses or [])
    return nodes, masters


def label_diff(cluster_labels: Mapping[str, Any], template_labels: Mapping[str, Any]
               ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    c = lk.str_dict(dict(cluster_labels))
    tl = lk.str_dict(dict(template_labels))
    overridden = {k: tl[k] for k in c if k in tl and c[k] != tl[k]}
    added = {k: c[k] for k in c if k not in tl}
    skipped = {k: tl[k] for k in tl if k not in c}
    return overridden, added, skipped


def document(row: models.Cluster) -> dict[str, Any]:
    """The patchable view of a cluster."""
    node_count, master_count = counts(row)
    doc = {f: getattr(row, f, None) for f in WRITABLE if f != "merge_labels"}
    doc.update(node_count=node_count, master_count=master_count,
               labels=dict(row.labels or {}), health_status=row.health_status,
               health_status_reason=dict(row.health_status_reason or {}))
    return doc


def render(row: models.Cluster, base_url: str, version: versions.Version, *, full: bool,
           template_labels: Mapping[str, Any] | None = None,
           collection: str = "clusters") -> dict[str, Any]:
    node_count, master_count = counts(row)
    id_field = versions.cluster_id_field(version)
    fields = FULL_FIELDS if full else LIST_FIELDS
    out: dict[str, Any] = {}
    for f in fields:
        if f == "node_count":
            out[f] = node_count
        elif f == "master_count":
            out[f] = master_count
        elif f == "links":
            out[f] = lk.links(base_url, collection, row.uuid)
        elif f == "stack_id":
            out[id_field] = row.stack_id
        elif f == "labels":
            out[f] = lk.str_dict(row.labels)
        elif f == "merge_labels":
            out[f] = False
        elif f == "health_status_reason":
            out[f] = lk.str_dict(row.health_status_reason)
        elif f in ("node_addresses", "master_addresses"):
            nodes, masters = addresses(row)
            out[f] = nodes if f == "node_addresses" else masters
        elif f == "faults":
            if row.status in states.FAILED:
                out[f] = {ng.name: ng.status_reason or "" for ng in row.nodegroups
                          if ng.status in states.FAILED}
        elif f in ("labels_overridden", "labels_added", "labels_skipped"):
            o, a, s = label_diff(row.labels or {}, template_labels or {})
            out.update(labels_overridden=o, labels_added=a, labels_skipped=s)
        elif f in ("created_at", "updated_at"):
            out[f] = lk.timestamp(getattr(row, f))
        else:
            out[f] = getattr(row, f)
    return out


BAY_RENAMES = {"cluster_template_id": "baymodel_id", "create_timeout": "bay_create_timeout",
               "faults": "bay_faults"}
BAY_LIST_FIELDS = ("uuid", "name", "baymodel_id", "docker_volume_size", "labels",
                   "master_flavor_id", "flavor_id", "node_count", "status",
                   "bay_create_timeout", "master_count", "stack_id")


def render_bay(row: models.Cluster, base_url: str, *, full: bool) -> dict[str, Any]:
    doc = render(row, base_url, versions.Version(1, 1), full=True, collection="bays")
    out = {BAY_RENAMES.get(k, k): v for k, v in doc.items()
           if k not in ("labels_overridden", "labels_added", "labels_skipped", "merge_labels",
                        "keypair", "fixed_network", "fixed_subnet", "floating_ip_enabled",
                        "master_lb_enabled", "health_status", "health_status_reason")}
    if not full:
        out = {k: out.get(k) for k in BAY_LIST_FIELDS}
    return out
