"""Request and response shapes of /v1/federations (reference §11), and the federation
input rules (host cluster given, ``properties`` with a ``dns-zone``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from magnum_clone.api.types import base as t
from magnum_clone.api.types import links as lk
from magnum_clone.common import exceptions as exc

# the federation status enum: CREATE_/UPDATE_/DELETE_ x IN_PROGRESS/FAILED/COMPLETE
STATUSES = tuple(f"{op}_{state}" for op in ("CREATE", "UPDATE", "DELETE")
                 for state in ("IN_PROGRESS", "FAILED", "COMPLETE"))
CREATE_IN_PROGRESS, CREATE_COMPLETE = "CREATE_IN_PROGRESS", "CREATE_COMPLETE"
UPDATE_IN_PROGRESS, UPDATE_COMPLETE = "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE"


class FederationPOST(t.Base):
    uuid = t.uuid
    name = t.NameType()
    hostcluster_id = t.text
    member_ids = t.ArrayType(t.text)
    status = t.Enum(t.text, *STATUSES)
    status_reason = t.text
    properties = t.LabelsType
    links = t.wsattr(t.ArrayType(t.DictType(t.text, t.text)), readonly=True)
    created_at = t.wsattr(t.text, readonly=True)
    updated_at = t.wsattr(t.text, readonly=True)


WRITABLE = ("name", "hostcluster_id", "member_ids", "properties")

# PATCH rules: status fields are the server's; of the rest only these two may change
INTERNAL = ("/status", "/status_reason")
PATCHABLE = frozenset({"member_ids", "properties"})
DICT_ATTRS = ("/properties",)
MEMBERS = "/member_ids"

FULL_FIELDS = ("uuid", "name", "hostcluster_id", "member_ids", "status", "status_reason",
               "properties", "links", "created_at", "updated_at")
LIST_FIELDS = ("uuid", "name", "hostcluster_id", "member_ids", "status", "properties",
               "links")

DNS_ZONE = "dns-zone"


def check_properties(properties: Any) -> dict[str, str]:
    """``properties`` must be a dict with a ``dns-zone``; returned with string values."""
    if not isinstance(properties, Mapping):
        raise exc.InvalidParameterValue(
            err="Please specify a `properties` dict for the federation.")
    if DNS_ZONE not in properties:
        raise exc.InvalidParameterValue(
            err="No DNS zone specified. Please specify a `dns-zone`.")
    return lk.str_dict(dict(properties))


def document(row: Any) -> dict[str, Any]:
    """The patchable view of a federation."""
    return {"name": row.name, "hostcluster_id": row.hostcluster_id,
            "member_ids": list(row.member_ids or []),
            "properties": dict(row.properties or {})}


def render(row: Any, base_url: str, *, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in FULL_FIELDS if full else LIST_FIELDS:
        if f == "links":
            out[f] = lk.links(base_url, "federations", row.uuid)
        elif f == "member_ids":
            out[f] = list(row.member_ids or [])
        elif f == "properties":
            out[f] = lk.str_dict(row.properties)
        elif f in ("created_at", "updated_at"):
            out[f] = lk.timestamp(getattr(row, f))
        else:
            out[f] = getattr(row, f)
    return out
