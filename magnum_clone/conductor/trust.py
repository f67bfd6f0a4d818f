"""The per-cluster trustee user and trust (reference §16.3), as the Heat era of upstream did.

At create (``auth_strategy = keystone``): a trustee user ``<cluster uuid>_<project id>`` in the
``[trust]`` trustee domain, then a trust from the caller (with its own token) to it; the four
values are stored on the cluster row (never rendered by the API) and handed to the driver.
Credential rotation (``PATCH /v1/credentials``): a new trustee and trust replace the old ones
(see :func:`rotate_for_cluster`).
At final delete: the trust, then the user (best effort, logged). A failure half-way undoes what
was made, so nothing is left behind in Keystone; the cluster fails with a clear reason.
With ``auth_strategy = noauth`` there is no Keystone: nothing is done (and logged so).
"""

from __future__ import annotations

import logging
import types
from collections.abc import Callable, Iterable
from typing import Any

from magnum_clone.common import exceptions as exc
from magnum_clone.common import states
from magnum_clone.common.clients import keystone
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api

LOG = logging.getLogger(__name__)

FIELDS = ("trustee_username", "trustee_user_id", "trustee_password", "trust_id")
_CLEARED = dict.fromkeys(FIELDS)


class TrustError(exc.DriverError):
    message = "Failed to create trustee or trust for Cluster: %(cluster)s: %(reason)s"


def enabled() -> bool:
    return bool(CONF.auth_strategy == "keystone")


def _reason(e: BaseException) -> str:
    return str(e) or e.__class__.__name__


def _undo(trustee_user_id: str | None, trust_id: str | None, trustee_password: str | None
          ) -> None:
    """Remove what a failed create made (trust first, then the user). Logged, never raised."""
    if trust_id:
        try:
            keystone.delete_trust(trust_id, trustee_user_id=trustee_user_id,
                                  trustee_password=trustee_password)
        except Exception:  # noqa: BLE001 - deleting the user below drops the trust too
            LOG.warning("Could not revoke trust %s; deleting its trustee drops it", trust_id)
    if trustee_user_id:
        try:
            keystone.delete_trustee(trustee_user_id)
        except Exception:  # noqa: BLE001
            LOG.exception("Could not delete trustee user %s: left behind in Keystone",
                          trustee_user_id)


def create_for_cluster(context: Any, cluster: Any) -> Any:
    """Create the cluster's trustee and trust unless it has them (a resumed create); returns
    the refreshed row. Raises :class:`TrustError` (after cleaning up) on failure."""
    if not enabled():
        LOG.info("noauth: no trust for cluster %s", cluster.uuid)
        return cluster
    if cluster.trust_id and cluster.trustee_user_id:
        return cluster
    db = db_api.get_instance()
    if cluster.trustee_user_id:   # a create interrupted half-way: start over
        _undo(cluster.trustee_user_id, None, None)
        cluster = db.update_cluster(uuid=cluster.uuid, values=_CLEARED)
    expect = [states.Status.CREATE_IN_PROGRESS]
    try:
        trustee = keystone.create_trustee(cluster.uuid, cluster.project_id)
    except Exception as e:  # noqa: BLE001
        raise TrustError(cluster=cluster.uuid, reason=f"creating the trustee user failed: "
                                                      f"{_reason(e)}") from e
    values = {"trustee_username": trustee.username, "trustee_user_id": trustee.user_id,
              "trustee_password": trustee.password}
    trust_id = None
    try:
        # recorded at once: if we crash below, the cluster's delete still finds the user
        if db.update_cluster(uuid=cluster.uuid, values=values, expect_status=expect) is None:
            raise TrustError(cluster=cluster.uuid, reason="the cluster left CREATE_IN_PROGRESS")
        try:
            trust_id = keystone.create_trust(context, trustee.user_id,
                                             list(CONF.trust.roles) or None)
        except Exception as e:  # noqa: BLE001
            raise TrustError(cluster=cluster.uuid, reason=f"creating the trust failed: "
                                                          f"{_reason(e)}") from e
        row = db.update_cluster(uuid=cluster.uuid, values={"trust_id": trust_id},
                                expect_status=expect)
        if row is None:
            raise TrustError(cluster=cluster.uuid, reason="the cluster left CREATE_IN_PROGRESS")
    except BaseException:
        _undo(trustee.user_id, trust_id, trustee.password)
        try:
            db.update_cluster(uuid=cluster.uuid, values=_CLEARED)
        except exc.ClusterNotFound:
            pass
        raise
    LOG.info("Cluster %s: trustee %s and trust %s created", cluster.uuid, trustee.user_id,
             trust_id)
    return row


def rotate_for_cluster(context: Any, cluster: Any, expect_status: Iterable[str],
                       push: Callable[[Any], None]) -> Any:
    """A new trustee (``<cluster uuid>_<project id>_<random>``: the old user still holds the
    plain name) and a new trust from the caller, stored on the row (only while its status is
    one of ``expect_status``), then ``push(row)`` hands them to the cluster. Once it returned
    the old trust and user are deleted; if anything fails the new ones are deleted and the
    old values put back. Returns the refreshed row."""
    if not enabled():
        raise exc.Invalid("Credential rotation is not possible with auth_strategy noauth: "
                          "the cluster has no OpenStack credential (trustee) to rotate.")
    db = db_api.get_instance()
    old = {f: getattr(cluster, f) for f in FIELDS}
    username = f"{keystone.trustee_username(cluster.uuid, cluster.project_id)}_" \
               f"{keystone.generate_password(6).lower()}"
    try:
        trustee = keystone.create_trustee(cluster.uuid, cluster.project_id, username=username)
    except Exception as e:  # noqa: BLE001
        raise TrustError(cluster=cluster.uuid, reason=f"creating the trustee user failed: "
                                                      f"{_reason(e)}") from e
    trust_id = None
    stored = False
    try:
        try:
            trust_id = keystone.create_trust(context, trustee.user_id,
                                             list(CONF.trust.roles) or None)
        except Exception as e:  # noqa: BLE001
            raise TrustError(cluster=cluster.uuid, reason=f"creating the trust failed: "
                                                          f"{_reason(e)}") from e
        row = db.update_cluster(uuid=cluster.uuid, expect_status=list(expect_status),
                                values={"trustee_username": trustee.username,
                                        "trustee_user_id": trustee.user_id,
                                        "trustee_password": trustee.password,
                                        "trust_id": trust_id})
        if row is None:
            current = db.get_cluster(ident=cluster.uuid, project_id=None)
            raise exc.InvalidState(status=current.status)
        stored = True
        push(row)
    except BaseException:
        if stored:
            try:
                db.update_cluster(uuid=cluster.uuid, values=old)
            except Exception:  # noqa: BLE001
                LOG.exception("Cluster %s: restoring the previous trustee failed", cluster.uuid)
        _undo(trustee.user_id, trust_id, trustee.password)
        raise
    delete_for_cluster(types.SimpleNamespace(uuid=cluster.uuid, **old))   # the old ones
    LOG.info("Cluster %s: trustee %s and trust %s replace the previous ones", cluster.uuid,
             trustee.user_id, trust_id)
    return row


def delete_for_cluster(cluster: Any) -> None:
    """At final delete: revoke the trust, then delete the trustee user. Best effort: logged,
    never raised (the row is already gone)."""
    user_id, trust_id = cluster.trustee_user_id, cluster.trust_id
    if not (user_id or trust_id):
        return
    if trust_id:
        try:
            keystone.delete_trust(trust_id, trustee_user_id=user_id,
                                  trustee_password=cluster.trustee_password)
        except Exception:  # noqa: BLE001 - deleting the trustee below drops the trust too
            LOG.warning("Cluster %s: could not revoke trust %s as its trustee; deleting the "
                        "trustee drops it", cluster.uuid, trust_id)
    if user_id:
        try:
            keystone.delete_trustee(user_id)
        except Exception:  # noqa: BLE001 - a leftover user must not fail the delete
            LOG.exception("Cluster %s: deleting its trustee user %s failed (left behind)",
                          cluster.uuid, user_id)
            return
    LOG.info("Cluster %s: trust %s and trustee %s deleted", cluster.uuid, trust_id, user_id)

