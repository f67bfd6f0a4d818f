"""/v1/certificates: a cluster's CA, CSR signing, CA rotation (reference §6, §16.4).

GET and POST are served synchronously in-process through :mod:`magnum_clone.conductor.certs`
(upstream makes a synchronous RPC to the conductor; the result is the same). Rotation (PATCH)
is checked here (TLS, driver support, status compare-and-set to UPDATE_IN_PROGRESS), then cast
to the conductor, which regenerates the CAs and has the driver push them (a stack update); the
reconcile loop brings UPDATE_COMPLETE or UPDATE_FAILED.
"""

from __future__ import annotations

from typing import Any

import pecan

from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import cluster_actions, common
from magnum_clone.api.types import base as t
from magnum_clone.api.types import certificate as ctypes
from magnum_clone.common import driver_factory, policy, states
from magnum_clone.common import exceptions as exc
from magnum_clone.conductor import certs, rpcapi
from magnum_clone.db import api as db_api


def _target(row: Any) -> dict[str, Any]:
    return {"project_id": row.project_id, "user_id": row.user_id}


def _cluster_and_template(ident: str) -> tuple[Any, Any]:
    ctx = common.context()
    db = db_api.get_instance()
    row = db.get_cluster(ident=ident, project_id=None if ctx.is_admin else ctx.project_id)
    template = db.get_cluster_templates(uuids=[row.cluster_template_id])[
        row.cluster_template_id]
    return row, template


class CertificatesController(routing.Resource):
    collection = {"POST": "post"}
    fixed: dict[str, routing.Table] = {}
    member = {"GET": "get_one", "PATCH": "patch"}

    @pecan.expose("json")
    def get_one(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """The CA certificate of a cluster (``?ca_cert_type=etcd|front_proxy|kubernetes``)."""
        args = common.args(("ca_cert_type",))
        row, template = _cluster_and_template(ident)
        ctx = common.context()
        policy.authorize("certificate:get", ctx, _target(row))
        pem = certs.get_ca(ctx, row, template, args.get("ca_cert_type"))
        return ctypes.render(common.base_url(), row.uuid, pem)

    @pecan.expose("json")
    def post(self, **kwargs: str) -> dict[str, Any]:
        """Sign a CSR with the cluster's CA (201)."""
        common.no_args(kwargs)
        obj = t.parse_body(ctypes.CertificatePOST, "certificate", common.body(),
                           common.content_type())
        given = t.given(obj, ("cluster_uuid", "bay_uuid", "csr", "ca_cert_type"))
        ident = given.get("cluster_uuid") or given.get("bay_uuid")
        if not ident:
            raise t.InvalidInput("cluster_uuid", None, "Mandatory field missing.")
        ctx = common.context()
        try:
            row, template = _cluster_and_template(ident)
        except exc.ClusterNotFound as e:
            raise exc.Invalid(str(e)) from None
        policy.authorize("certificate:create", ctx, _target(row))
        ca_cert_type = given.get("ca_cert_type")
        pem = certs.sign_csr(ctx, row, template, given["csr"], ca_cert_type)
        extra: dict[str, Any] = {"csr": given["csr"]}
        if ca_cert_type is not None:
            extra["ca_cert_type"] = ca_cert_type
        common.set_status(201)
        return ctypes.render(common.base_url(), row.uuid, pem, **extra)

    @pecan.expose("json")
    def patch(self, ident: str, **kwargs: str) -> dict[str, Any]:
        """Rotate the cluster's CAs (202): UPDATE_IN_PROGRESS, then the conductor works."""
        common.no_args(kwargs)
        row, template = _cluster_and_template(ident)
        ctx = common.context()
        policy.authorize("certificate:rotate_ca", ctx, _target(row))
        if template.tls_disabled:
            raise exc.Invalid("Rotating the CA certificate on a non-TLS cluster is not "
                              "supported")
        drv = driver_factory.for_template(
            {c: getattr(template, c) for c in ("driver", "server_type", "cluster_distro", "coe")})
        if not drv.supports_ca_rotation:
            raise exc.Invalid("'rotate_ca_certificate' is not supported by this driver.")
        op = states.Op.CA_ROTATE
        # the default master nodegroup shows the cluster's stack is busy (extra nodegroups,
        # with stacks of their own, may start operations meanwhile)
        master = [ng.uuid for ng in row.nodegroups if ng.is_default and ng.role == "master"]
        updated = db_api.get_instance().update_cluster(
            uuid=row.uuid, expect_status=[s.value for s in states.allowed_from(op)],
            values={"status": states.start_status(op), "status_reason": None,
                    "operation_started_at": None},
            nodegroups={uuid: {"status": states.start_status(op)} for uuid in master})
        if updated is None:
            current = db_api.get_instance().get_cluster(ident=row.uuid, project_id=None)
            cluster_actions.notify_refused(current, op)  # reference §15: update/failure
            raise exc.InvalidState(status=current.status)
        rpcapi.get_api().ca_rotate(ctx, cluster_uuid=row.uuid)
        common.set_status(202)
        return {"uuid": row.uuid}
