"""Helpers every v1 controller uses: request context, base URL, pagination, responses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pecan
import webob

from magnum_clone.api import versions
from magnum_clone.api.types import base as t
from magnum_clone.common import exceptions as exc
from magnum_clone.conf import CONF

PAGE_ARGS = ("marker", "limit", "sort_key", "sort_dir")


def context() -> Any:
    return pecan.request.context


def version() -> versions.Version:
    return pecan.request.version  # type: ignore[no-any-return]


def base_url() -> str:
    return str(pecan.request.application_url)


def body() -> bytes:
    return bytes(pecan.request.body or b"")


def content_type() -> str | None:
    return pecan.request.headers.get("Content-Type")


@dataclass(frozen=True)
class Page:
    limit: int
    marker: str | None
    sort_key: str
    sort_dir: str


def query() -> dict[str, str]:
    """The query-string arguments (Pecan also passes JSON body keys as kwargs: not those)."""
    return dict(pecan.request.GET.items())


def page(_kwargs: Mapping[str, str] | None = None, extra: Iterable[str] = ()
         ) -> tuple[Page, dict[str, str]]:
    """Parse and check marker/limit/sort_key/sort_dir (plus ``extra`` arguments)."""
    args = t.query_args(query(), (*PAGE_ARGS, *extra))
    limit = t.query_int("limit", args.get("limit"))
    if limit is not None and limit <= 0:
        raise exc.Invalid("Limit must be positive")
    limit = min(limit or CONF.api.max_limit, CONF.api.max_limit)
    marker = t.query_uuid("marker", args.get("marker"))
    sort_dir = args.get("sort_dir", "asc")
    if sort_dir not in ("asc", "desc"):
        raise exc.Invalid(f"Invalid sort direction: {sort_dir}. "
                          "Acceptable values are 'asc' or 'desc'")
    return Page(limit, marker, args.get("sort_key", "id"), sort_dir), args


def collection(key: str, items: list[dict[str, Any]], page: Page, path: str,
               last_id: str | None) -> dict[str, Any]:
    """``{key: items}`` plus ``next`` when the page is full."""
    out: dict[str, Any] = {key: items}
    if items and len(items) == page.limit and last_id is not None:
        out["next"] = (f"{base_url()}/v1/{path}?sort_key={page.sort_key}&sort_dir="
                       f"{page.sort_dir}&limit={page.limit}&marker={last_id}")
    return out


def set_status(code: int) -> None:
    pecan.response.status = code


def no_content() -> webob.Response:
    return webob.Response(status=204, content_type=None)


def require_version(minimum: tuple[int, int], what: str) -> None:
    """406 (routing-style) when a route does not exist at the requested version."""
    if not version().at_least(minimum):
        raise exc.NotAcceptable(msg=f"Version {version()} was requested but the requested API "
                                    f"{what} is not supported for this version.")


def no_args(_kwargs: Mapping[str, str] | None = None) -> None:
    """Refuse any query argument."""
    t.query_args(query(), ())


def args(allowed: Iterable[str]) -> dict[str, str]:
    return t.query_args(query(), allowed)
