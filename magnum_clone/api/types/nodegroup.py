"""Request and response shapes of /v1/clusters/{c}/nodegroups (reference §5), and the
nodegroup input rules (counts, Kubernetes node labels and taints) that answer 409."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from oslo_utils import uuidutils

from magnum_clone.api.types import base as t
from magnum_clone.api.types import cluster as ctypes
from magnum_clone.api.types import links as lk
from magnum_clone.common import exceptions as exc
from magnum_clone.common import states


class NodeGroupPOST(t.Base):
    id = t.wsattr(int, readonly=True)
    uuid = t.uuid
    name = t.wsattr(t.string(1, 255), mandatory=True)
    cluster_id = t.text
    project_id = t.wsattr(t.text, readonly=True)
    docker_volume_size = t.IntegerType(minimum=1)
    labels = t.LabelsType
    flavor_id = t.string(1, 255)
    image_id = t.string(1, 255)
    node_addresses = t.wsattr(t.ArrayType(t.text), readonly=True)
    node_count = t.IntegerType(minimum=0)
    role = t.string(1, 255)
    min_node_count = t.IntegerType(minimum=0)
    max_node_count = t.IntegerType(minimum=0)
    is_default = t.boolean
    stack_id = t.wsattr(t.text, readonly=True)
    status = t.wsattr(t.text, readonly=True)
    status_reason = t.wsattr(t.text, readonly=True)
    version = t.wsattr(t.text, readonly=True)
    merge_labels = t.boolean
    labels_overridden = t.wsattr(t.DictType(t.text, t.text), readonly=True)
    labels_added = t.wsattr(t.DictType(t.text, t.text), readonly=True)
    labels_skipped = t.wsattr(t.DictType(t.text, t.text), readonly=True)
    node_labels = t.LabelsType
    node_taints = t.ArrayType(t.DictType(t.text, t.text))
    links = t.wsattr(t.ArrayType(t.DictType(t.text, t.text)), readonly=True)
    created_at = t.wsattr(t.text, readonly=True)
    updated_at = t.wsattr(t.text, readonly=True)


WRITABLE = ("name", "docker_volume_size", "labels", "flavor_id", "image_id", "node_count",
            "role", "min_node_count", "max_node_count", "merge_labels", "node_labels",
            "node_taints")

# PATCH: only these four; every other attribute of the representation is internal
PATCHABLE = ("min_node_count", "max_node_count", "node_labels", "node_taints")
FULL_FIELDS = ("id", "uuid", "name", "cluster_id", "project_id", "docker_volume_size",
               "labels", "links", "flavor_id", "image_id", "node_addresses", "node_count",
               "role", "min_node_count", "max_node_count", "is_default", "stack_id", "status",
               "status_reason", "version", "merge_labels", "labels_overridden",
               "labels_added", "labels_skipped", "node_labels", "node_taints", "created_at",
               "updated_at")
LIST_FIELDS = ("uuid", "name", "flavor_id", "image_id", "node_count", "role",
               "min_node_count", "max_node_count", "is_default", "stack_id", "status",
               "merge_labels")
# the 202 of a create: the nodegroup as built, before the conductor (Appendix A)
CREATED_FIELDS = ("uuid", "name", "cluster_id", "project_id", "docker_volume_size", "labels",
                  "links", "flavor_id", "image_id", "node_count", "role", "min_node_count",
                  "max_node_count", "merge_labels", "labels_overridden", "labels_added",
                  "labels_skipped", "node_labels", "node_taints")
INTERNAL = tuple(f"/{f}" for f in FULL_FIELDS if f not in PATCHABLE)
DICT_ATTRS = ("/node_labels", "/node_taints")


def links(base_url: str, cluster_uuid: str, uuid: str) -> list[dict[str, str]]:
    return lk.links(base_url, f"clusters/{cluster_uuid}/nodegroups", uuid)


def render(row: Any, base_url: str, *, full: bool,
           cluster_labels: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A stored nodegroup; ``full`` adds everything the list items leave out (label
    differences are against the cluster's labels)."""
    out: dict[str, Any] = {}
    for f in FULL_FIELDS if full else LIST_FIELDS:
        if f == "links":
            out[f] = links(base_url, row.cluster_id, row.uuid)
        elif f == "labels":
            out[f] = lk.str_dict(row.labels)
        elif f == "merge_labels":
            out[f] = False
        elif f in ("labels_overridden", "labels_added", "labels_skipped"):
            o, a, s = ctypes.label_diff(row.labels or {}, cluster_labels or {})
            out.update(labels_overridden=o, labels_added=a, labels_skipped=s)
        elif f == "node_labels":
            out[f] = lk.str_dict(row.node_labels)
        elif f == "node_taints":
            out[f] = [dict(x) for x in row.node_taints or []]
        elif f in ("created_at", "updated_at"):
            out[f] = lk.timestamp(getattr(row, f))
        else:
            out[f] = getattr(row, f)
    return out


def render_created(row: Any, base_url: str, *,
                   cluster_labels: Mapping[str, Any] | None) -> dict[str, Any]:
    """The 202 body of a create (``docker_volume_size`` only when one was given)."""
    full = render(row, base_url, full=True, cluster_labels=cluster_labels)
    return {f: full[f] for f in CREATED_FIELDS
            if f != "docker_volume_size" or full[f] is not None}


def new_nodegroup(req: Mapping[str, Any], cluster: Any, template: Any, *,
                  node_labels: dict[str, str], node_taints: list[dict[str, str]]
                  ) -> dict[str, Any]:
    """The row of a new extra nodegroup (reference §5.1 defaults): labels are the cluster's
    unless given (merged over them with ``merge_labels``), the flavor the cluster's, the
    image the template's; CREATE_IN_PROGRESS."""
    cluster_labels = dict(cluster.labels or {})
    labels = req.get("labels")
    if not labels:
        labels = cluster_labels
    elif req.get("merge_labels"):
        labels = {**cluster_labels, **labels}
    return dict(
        uuid=uuidutils.generate_uuid(), name=req["name"], cluster_id=cluster.uuid,
        project_id=cluster.project_id, docker_volume_size=req.get("docker_volume_size"),
        labels={k: str(v) for k, v in labels.items()},
        flavor_id=req.get("flavor_id") or cluster.flavor_id,
        image_id=req.get("image_id") or template.image_id,
        node_count=req.get("node_count", 1), role=req.get("role", "worker"),
        min_node_count=req.get("min_node_count", 0), max_node_count=req.get("max_node_count"),
        is_default=False, status=states.Status.CREATE_IN_PROGRESS.value, status_reason=None,
        node_addresses=[], node_labels=node_labels, node_taints=node_taints, version=None)


def document(row: Any) -> dict[str, Any]:
    """The patchable view of a nodegroup (the full shape without derived fields)."""
    doc = {f: getattr(row, f, None) for f in FULL_FIELDS
           if f not in ("links", "labels_overridden", "labels_added", "labels_skipped")}
    doc.update(labels=dict(row.labels or {}), merge_labels=False,
               node_labels=dict(row.node_labels or {}),
               node_taints=[dict(x) for x in row.node_taints or []])
    return doc


# ---------------------------------------------------------------------------------------------
# input rules: every violation is 409 "<attr> for <ng> is invalid (<explanation>)."

def invalid(attr: str, ng: str, expl: str) -> exc.Conflict:
    return exc.Conflict(f"{attr} for {ng} is invalid ({expl}).")


def check_counts(name: str, node_count: int, min_count: int, max_count: int | None) -> None:
    if max_count is not None:
        if max_count < min_count:
            raise invalid("max_node_count", name, f"min_node_count ({min_count}) should be "
                                                  f"less or equal to max_node_count ({max_count})")
        if node_count > max_count:
            raise invalid("max_node_count", name, f"node_count ({node_count}) should be less "
                                                  f"or equal to max_node_count ({max_count})")
    if min_count > node_count:
        raise invalid("min_node_count", name, f"min_node_count ({min_count}) should be less or "
                                              f"equal to node_count ({node_count})")


TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
# the kubelet may set these itself (--node-labels refuses other kubernetes.io/k8s.io keys)
KUBELET_LABELS = frozenset({
    "beta.kubernetes.io/arch", "beta.kubernetes.io/instance-type", "beta.kubernetes.io/os",
    "failure-domain.beta.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone",
    "kubernetes.io/arch", "kubernetes.io/hostname", "kubernetes.io/os",
    "node.kubernetes.io/instance-type", "node.kubernetes.io/windows-build",
    "topology.kubernetes.io/region", "topology.kubernetes.io/zone"})
_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_DNS = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _restricted(prefix: str) -> bool:
    def under(ns: str) -> bool:
        return prefix == ns or prefix.endswith("." + ns)

    if not (under("kubernetes.io") or under("k8s.io")):
        return False
    return not (under("kubelet.kubernetes.io") or under("node.kubernetes.io"))


def _qualified_name_error(key: str) -> str | None:
    prefix, _, name = key.rpartition("/")
    if "/" in prefix or (key.count("/") == 1 and not prefix):
        return f"key {key!r} must be a qualified name ([prefix/]name)"
    if prefix and (len(prefix) > 253 or not _DNS.match(prefix)):
        return f"key {key!r} has an invalid prefix (a DNS subdomain is expected)"
    if not _NAME.match(name):
        return (f"key {key!r} has an invalid name (at most 63 alphanumeric characters, "
                "'-', '_' or '.', starting and ending with an alphanumeric character)")
    return None


def check_node_labels(name: str, role: str, value: Any) -> dict[str, str]:
    """Kubernetes node labels the kubelet will accept; returned with string values."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid("node_labels", name, "node_labels must be a dictionary")
    if value and role == "master":
        raise invalid("node_labels", name, "node labels are not supported on master "
                                            "nodegroups")
    out: dict[str, str] = {}
    for key, raw in value.items():
        if not isinstance(key, str) or not key:
            raise invalid("node_labels", name, f"key {key!r} must be a non-empty string")
        err = _qualified_name_error(key)
        if err:
            raise invalid("node_labels", name, err)
        prefix = key.rpartition("/")[0]
        if _restricted(prefix) and key not in KUBELET_LABELS:
            raise invalid("node_labels", name,
                          f"key {key!r} is in a namespace reserved by Kubernetes (only "
                          "kubelet.kubernetes.io/, node.kubernetes.io/ and the kubelet's "
                          "well-known labels are allowed)")
        if raw is None or isinstance(raw, (dict, list)):
            raise invalid("node_labels", name, f"value of {key!r} must be a string")
        text = str(raw)
        if text and not _NAME.match(text):
            raise invalid("node_labels", name,
                          f"value of {key!r} is invalid (at most 63 alphanumeric characters, "
                          "'-', '_' or '.', starting and ending with an alphanumeric "
                          "character)")
        out[key] = text
    return out


def check_node_taints(name: str, role: str, value: Any) -> list[dict[str, str]]:
    """Kubernetes taints: ``{key, value?, effect}`` objects."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid("node_taints", name, "node_taints must be a list")
    if value and role == "master":
        raise invalid("node_taints", name, "node taints are not supported on master "
                                            "nodegroups")
    out: list[dict[str, str]] = []
    for i, taint in enumerate(value):
        where = f"node_taints[{i}]"
        if not isinstance(taint, dict):
            raise invalid("node_taints", name, f"{where} must be an object")
        extra = sorted(str(k) for k in taint if k not in ("key", "value", "effect"))
        if extra:
            raise invalid("node_taints", name, f"{where} has unknown keys: {', '.join(extra)}")
        key = taint.get("key")
        if not isinstance(key, str) or not key:
            raise invalid("node_taints", name, f"{where}.key must be a non-empty string")
        err = _qualified_name_error(key)
        if err:
            raise invalid("node_taints", name, f"{where}.{err}")
        item = {"key": key}
        if taint.get("value") is not None:
            v = taint["value"]
            if not isinstance(v, (str, int)) or (isinstance(v, str) and v
                                                 and not _NAME.match(v)):
                raise invalid("node_taints", name, f"{where}.value must be a valid label value")
            item["value"] = str(v)
        effect = taint.get("effect")
        if effect not in TAINT_EFFECTS:
            raise invalid("node_taints", name,
                          f"{where}.effect must be one of {', '.join(TAINT_EFFECTS)}")
        item["effect"] = effect
        out.append(item)
    return out
