"""Request and response shapes of /v1/quotas (reference §9)."""

from __future__ import annotations

from typing import Any

from magnum_clone.api.types import base as t
from magnum_clone.api.types import links as lk

RESOURCES = ("Cluster",)
DEFAULT_RESOURCE = "Cluster"
DEFAULT_HARD_LIMIT = 1
FIELDS = ("project_id", "resource", "hard_limit")


class QuotaPOST(t.Base):
    """``{"project_id": "<p>", "resource"?: "Cluster", "hard_limit"?: <int >= 0>}``."""

    project_id = t.wsattr(t.string(1, 255), mandatory=True)
    resource = t.wsattr(t.Enum(str, *RESOURCES))
    hard_limit = t.wsattr(t.IntegerType(minimum=0))


class QuotaPATCH(t.Base):
    """A plain object (not JSON-patch); only ``hard_limit`` is applied."""

    project_id = t.wsattr(t.string(1, 255))
    resource = t.wsattr(t.Enum(str, *RESOURCES))
    hard_limit = t.wsattr(t.IntegerType(minimum=0))


def render(row: Any) -> dict[str, Any]:
    return {"id": row.id, "project_id": row.project_id, "resource": row.resource,
            "hard_limit": row.hard_limit, "created_at": lk.timestamp(row.created_at),
            "updated_at": lk.timestamp(row.updated_at)}


def default(project_id: str, hard_limit: int) -> dict[str, Any]:
    """The answer for a project without a quota row (no id, no timestamps)."""
    return {"hard_limit": hard_limit, "project_id": project_id, "resource": DEFAULT_RESOURCE}
