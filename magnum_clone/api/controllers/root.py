"""``/`` (version list), ``/v1`` and the routing of unversioned paths to v1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pecan

from magnum_clone.api import versions
from magnum_clone.api.controllers import routing, v1


class RootController:
    # NOTE: no ``index`` attribute: Pecan would serve it for "/" whatever the method.
    v1 = v1.V1Controller()

    @pecan.expose("json")
    def version_list(self, **kwargs: str) -> dict[str, Any]:
        """The version document (public)."""
        base = str(pecan.request.application_url)
        return {
            "name": "OpenStack Magnum API",
            "description": "Magnum is an OpenStack project which aims to provide container "
                           "cluster management.",
            "versions": [{"id": "v1", "links": [{"href": f"{base}/v1/", "rel": "self"}],
                          "status": "CURRENT", "max_version": versions.fmt(versions.MAX),
                          "min_version": versions.fmt(versions.MIN)}],
        }

    @pecan.expose()
    def _route(self, args: Sequence[str], request: Any) -> routing.Route:
        """``/`` and ``/v1[.json]``; paths without a version prefix are served as /v1
        (bookmark links rely on it)."""
        parts = routing.strip_slash(args)
        if not parts:
            return routing.dispatch(self, {"GET": "version_list"}, request, [])
        if parts == ["v1.json"]:
            parts = ["v1"]
        if parts[0] == "v1":
            return self.v1.route(parts[1:], request)
        return self.v1.route(parts, request)
