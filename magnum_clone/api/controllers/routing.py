"""Explicit routing: method tables instead of Pecan's RestController guesswork.

Pecan's ``RestController`` answered a PATCH on a collection with 500, a PUT with 404, a DELETE
on a collection with 406, and did not accept ``/clusters/detail/``. Here every path below a
resource is one of::

    /                      -> Resource.collection   (GET get_all, POST post)
    /<fixed>               -> Resource.fixed[name]  (e.g. detail: GET), for the methods it lists
    /<ident>               -> Resource.member       (GET get_one, PATCH patch, DELETE delete)
    /<ident>/<sub>[/...]   -> Resource.subresource() (404 unless a resource has some)

A trailing slash is ignored. A known path with a method missing from its table is 405 (HEAD
included: nothing supports it); anything else is 404. Both become the routing-layer error body
in :class:`magnum_clone.api.hooks.ErrorHook`.

Handlers must be exposed with ``@pecan.expose("json")`` (also those returning a 204
``webob.Response``): Pecan negotiates the content type from ``Accept`` and refuses a handler
that cannot produce ``application/json`` with 406.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import pecan

Table = Mapping[str, str]
Route = tuple[Any, list[str]]

COLLECTION: Table = {"GET": "get_all", "POST": "post"}
MEMBER: Table = {"GET": "get_one", "PATCH": "patch", "DELETE": "delete"}
DETAIL: Mapping[str, Table] = {"detail": {"GET": "detail"}}


def strip_slash(args: Sequence[str]) -> list[str]:
    """The path segments without the empty ones a trailing (or doubled) slash leaves."""
    return [a for a in args if a]


def abort(status: int) -> NoReturn:
    """404 or 405 with the routing-layer error body."""
    pecan.abort(status)
    raise AssertionError("unreachable")  # pragma: no cover


def dispatch(obj: Any, table: Table, request: Any, remainder: list[str]) -> Route:
    """The handler of ``obj`` for the request method, or 405."""
    name = table.get(request.method)
    if name is None:
        abort(405)
    return getattr(obj, name), remainder


class Resource:
    """Base of the v1 resource controllers (see the module docstring)."""

    collection: Table = COLLECTION
    fixed: Mapping[str, Table] = DETAIL
    member: Table = MEMBER

    def subresource(self, ident: str, name: str, rest: list[str], request: Any) -> Route:
        """``/<ident>/<name>/...``; no sub-resources by default."""
        abort(404)

    @pecan.expose()
    def _route(self, args: Sequence[str], request: Any) -> Route:
        parts = strip_slash(args)
        if not parts:
            return dispatch(self, self.collection, request, [])
        if len(parts) == 1:
            fixed = self.fixed.get(parts[0])
            if fixed is not None and (request.method in fixed
                                      or request.method not in self.member):
                return dispatch(self, fixed, request, [])
            if not self.member:
                abort(404)
            return dispatch(self, self.member, request, parts)
        return self.subresource(parts[0], parts[1], parts[2:], request)


class Actions:
    """``/<ident>/actions/<name>``: POST-only named actions of one resource."""

    actions: tuple[str, ...] = ()

    def route(self, rest: list[str], request: Any) -> Route:
        if len(rest) != 1 or rest[0] not in self.actions:
            abort(404)
        return dispatch(self, {"POST": rest[0]}, request, [])
