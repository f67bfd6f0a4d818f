"""Links and timestamps as Magnum renders them."""

from __future__ import annotations

import datetime
from typing import Any


def links(base: str, collection: str, uuid: str) -> list[dict[str, str]]:
    return [{"href": f"{base}/v1/{collection}/{uuid}", "rel": "self"},
            {"href": f"{base}/{collection}/{uuid}", "rel": "bookmark"}]


def timestamp(value: datetime.datetime | None) -> str | None:
    """ISO 8601 with an explicit UTC offset (naive DB values are UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.isoformat()


def str_dict(d: dict[str, Any] | None) -> dict[str, str]:
    """Label-like dicts are always rendered with string values."""
    return {str(k): str(v) for k, v in (d or {}).items()}
