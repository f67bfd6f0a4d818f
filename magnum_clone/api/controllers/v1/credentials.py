"""/v1/credentials: rotate the OpenStack credential of a cluster (reference §7, ≥1.12).

``PATCH /v1/credentials/{cluster_ident}``, no body, 202 ``{"uuid"}``. Served synchronously
in-process through :func:`magnum_clone.conductor.operations.rotate_credential` (upstream makes
a synchronous RPC to the conductor; errors reach the caller the same way): with Keystone a new
trustee and trust replace the cluster's, pushed to its stack by the driver (the k8s drivers);
with ``auth_strategy = noauth`` the cluster has no credential, so the answer is 400.
"""

from __future__ import annotations

from typing import Any

import pecan

from magnum_clone.api import versions
from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import common
from magnum_clone.common import policy
from magnum_clone.conductor import operations
from magnum_clone.db import api as db_api


class CredentialsController(routing.Resource):
    collection: routing.Table = {}
    fixed: dict[str, routing.Table] = {}
    member = {"PATCH": "patch"}

    @pecan.expose("json")
    def patch(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Rotate the cluster's credential (202)."""
        common.require_version(versions.CREDENTIALS, "patch")
        common.no_args(kwargs)
        ctx = common.context()
        row = db_api.get_instance().get_cluster(
            ident=ident, project_id=None if ctx.is_admin else ctx.project_id)
        policy.authorize("credential:rotate", ctx,
                         {"project_id": row.project_id, "user_id": row.user_id})
        operations.rotate_credential(ctx, row.uuid)
        common.set_status(202)
        return {"uuid": row.uuid}
