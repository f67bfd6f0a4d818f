"""Request and response shapes of /v1/clustertemplates (and /v1/baymodels)."""

from __future__ import annotations

from typing import Any

from magnum_clone.api.types import base as t
from magnum_clone.api.types import links as lk
from magnum_clone.common import driver_factory
from magnum_clone.db.sqlalchemy import models


class CoeType(t.UserType):
    """The COEs the loaded drivers provide (kubernetes, swarm, swarm-mode, mesos with the
    in-tree drivers; upstream 17.0+ kept kubernetes only).

    Checked when the attribute is set, so the error names ``coe``:
    ``Value should be one of: kubernetes``.
    """

    basetype = t.text
    name = "coe"

    def validate(self, value: Any) -> str:
        allowed = supported_coes()
        if value not in allowed:
            raise ValueError("Value should be one of: " + ", ".join(allowed))
        return str(value)


def supported_coes() -> list[str]:
    coes = {p.coe for drv in driver_factory.drivers().values() for p in drv.provides}
    return sorted(coes) or ["kubernetes"]


class ClusterTemplatePOST(t.Base):
    """Body of POST /v1/clustertemplates (and, re-validated, of a patched template)."""

    uuid = t.uuid
    name = t.string(1, 255)
    coe = CoeType()
    image_id = t.wsattr(t.string(1, 255), mandatory=True)
    flavor_id = t.string(1, 255)
    master_flavor_id = t.string(1, 255)
    keypair_id = t.string(1, 255)
    external_network_id = t.string(1, 255)
    fixed_network = t.string(1, 255)
    fixed_subnet = t.string(1, 255)
    dns_nameserver = t.DNSListType()
    network_driver = t.string(1, 255)
    volume_driver = t.string(1, 255)
    apiserver_port = t.IntegerType(minimum=1024, maximum=65535)
    docker_volume_size = t.IntegerType(minimum=1)
    docker_storage_driver = t.string(1, 255)
    cluster_distro = t.string(1, 255)
    http_proxy = t.string(1, 255)
    https_proxy = t.string(1, 255)
    no_proxy = t.string(1, 255)
    registry_enabled = t.boolean
    insecure_registry = t.string(1, 255)
    tls_disabled = t.boolean
    public = t.boolean
    hidden = t.boolean
    server_type = t.Enum(t.text, "vm", "bm")
    master_lb_enabled = t.boolean
    floating_ip_enabled = t.boolean
    labels = t.LabelsType
    tags = t.string(0, 255)
    driver = t.string(1, 255)
    project_id = t.wsattr(t.text, readonly=True)
    user_id = t.wsattr(t.text, readonly=True)
    links = t.wsattr(t.ArrayType(t.DictType(t.text, t.text)), readonly=True)
    created_at = t.wsattr(t.text, readonly=True)
    updated_at = t.wsattr(t.text, readonly=True)


class BayModelPOST(ClusterTemplatePOST):
    """Legacy baymodel: keypair mandatory, single DNS address, string labels only."""

    keypair_id = t.wsattr(t.string(1, 255), mandatory=True)
    dns_nameserver = t.IPv4AddressType()
    labels = t.DictType(t.text, t.text)
    project_id = t.wsattr(t.text, readonly=True)


WRITABLE = ("uuid", "name", "coe", "image_id", "flavor_id", "master_flavor_id", "keypair_id",
            "external_network_id", "fixed_network", "fixed_subnet", "dns_nameserver",
            "network_driver", "volume_driver", "apiserver_port", "docker_volume_size",
            "docker_storage_driver", "cluster_distro", "http_proxy", "https_proxy", "no_proxy",
            "registry_enabled", "insecure_registry", "tls_disabled", "public", "hidden",
            "server_type", "master_lb_enabled", "floating_ip_enabled", "labels", "tags",
            "driver")

DEFAULTS: dict[str, Any] = {"registry_enabled": False, "tls_disabled": False, "public": False,
                            "hidden": False, "server_type": "vm", "master_lb_enabled": False,
                            "floating_ip_enabled": True, "labels": {}}

# PATCH rules
MANDATORY = ("/image_id", "/coe", "/network_driver", "/external_network_id", "/tls_disabled",
             "/public", "/server_type", "/registry_enabled", "/cluster_distro", "/hidden")
DICT_ATTRS = ("/labels",)

_ORDER = ("uuid", "name", "coe", "image_id", "flavor_id", "master_flavor_id", "dns_nameserver",
          "keypair_id", "external_network_id", "fixed_network", "fixed_subnet",
          "network_driver", "apiserver_port", "docker_volume_size", "cluster_distro", "links",
          "http_proxy", "https_proxy", "no_proxy", "volume_driver", "registry_enabled",
          "labels", "tls_disabled", "public", "server_type", "insecure_registry",
          "docker_storage_driver", "master_lb_enabled", "floating_ip_enabled", "project_id",
          "user_id", "hidden", "tags", "driver", "created_at", "updated_at")
_BAYMODEL_OMIT = frozenset({"project_id", "user_id", "driver"})


def document(row: models.ClusterTemplate) -> dict[str, Any]:
    """The patchable document of a template (writable fields, current values)."""
    doc = {f: getattr(row, f) for f in WRITABLE}
    doc["labels"] = dict(row.labels or {})
    return doc


def typed_document(datatype: type, argname: str, doc: dict[str, Any]) -> dict[str, Any]:
    """A patched document re-validated with the create types (``datatype``), as the
    converted values: numeric strings become integers, boolean strings booleans, label
    values strings; labels are never null."""
    obj = t.from_dict(datatype, argname,
                      {k: v for k, v in doc.items() if v is not None and k != "uuid"})
    out: dict[str, Any] = {}
    for k in WRITABLE:
        v = getattr(obj, k, t.Unset)
        out[k] = None if v is t.Unset else v
    out["uuid"] = doc["uuid"]
    out["labels"] = {str(k): str(v) for k, v in (out["labels"] or {}).items()}
    return out


def render(row: models.ClusterTemplate, base_url: str, collection: str = "clustertemplates"
           ) -> dict[str, Any]:
    """Full representation (list items are full too)."""
    out: dict[str, Any] = {}
    for f in _ORDER:
        if collection == "baymodels" and f in _BAYMODEL_OMIT:
            continue
        if f == "links":
            out[f] = lk.links(base_url, collection, row.uuid)
        elif f == "labels":
            out[f] = lk.str_dict(row.labels)
        elif f in ("created_at", "updated_at"):
            out[f] = lk.timestamp(getattr(row, f))
        else:
            out[f] = getattr(row, f)
    return out
