"""CADF notifications about cluster operations (reference §15).

:func:`notify` sends one oslo.messaging notification per cluster operation outcome:

* event type ``magnum.cluster.<create|update|delete>``, publisher ``container-infra.<host>``;
* priority INFO for outcomes ``pending``/``success``, ERROR for ``failure``;
* payload: a pycadf *activity* event whose initiator is the caller (``user_id``/``project_id``
  of the request context, or of the cluster itself when the outcome is observed by the
  reconcile loop and no user context exists), whose target is the cluster, with the
  ``cluster_data`` attachment upstream sends (including its ``"docker_volume_size:"`` key).

Configuration is oslo.messaging's own ``[oslo_messaging_notifications]`` section (registered
here, listed by the ``oslo.messaging`` namespace of the sample config generator):
``driver`` (empty by default: nothing is sent; ``messagingv2`` for RabbitMQ consumers such as
Ceilometer), ``topics`` (``notifications``) and ``transport_url`` (falls back to
``[DEFAULT] transport_url``). The embedded mode keeps the default (no driver).

Sending never raises: a broker problem is logged and the cluster operation goes on.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Mapping
from typing import Any

import oslo_messaging as messaging
import oslo_messaging.opts
from oslo_config import cfg
from pycadf import attachment, cadftaxonomy, cadftype, resource
from pycadf import event as cadfevent

from magnum_clone.common import rpc
from magnum_clone.conf import CONF

LOG = logging.getLogger(__name__)

GROUP = "oslo_messaging_notifications"
PUBLISHER = "container-infra"
CLUSTER_TYPE_URI = "service/magnum/cluster"

CREATE = cadftaxonomy.ACTION_CREATE
UPDATE = cadftaxonomy.ACTION_UPDATE
DELETE = cadftaxonomy.ACTION_DELETE
ACTIONS = (CREATE, UPDATE, DELETE)

PENDING = cadftaxonomy.OUTCOME_PENDING
SUCCESS = cadftaxonomy.OUTCOME_SUCCESS
FAILURE = cadftaxonomy.OUTCOME_FAILURE
OUTCOMES = (PENDING, SUCCESS, FAILURE)

# cluster_data content keys, in upstream order (the trailing colon is upstream's)
CONTENT_KEYS = ("status", "status_reason", "project_id", "created_at", "updated_at",
                "cluster_template_id", "keypair", "docker_volume_size:", "labels",
                "master_flavor_id", "flavor_id", "stack_id", "health_status",
                "create_timeout", "api_address", "discovery_url", "node_addresses",
                "master_addresses", "node_count", "master_count")

_LOCK = threading.Lock()
_NOTIFIER: Any = None


def register_opts(conf: cfg.ConfigOpts) -> None:
    """``[oslo_messaging_notifications]`` (driver, transport_url, topics, retry), so they can
    be read or overridden before the first notifier exists."""
    for group, opts in oslo_messaging.opts.list_opts():
        if group == GROUP:
            conf.register_opts(opts, group=GROUP)


register_opts(CONF)


def event_type(action: str) -> str:
    return f"magnum.cluster.{action}"


def priority(outcome: str) -> str:
    return "ERROR" if outcome == FAILURE else "INFO"


def action_for(status: Any) -> str | None:
    """The CADF action a cluster status belongs to: CREATE_* -> create, UPDATE_* and
    ROLLBACK_* -> update, DELETE_* -> delete; None for the others (RESUME_, CHECK_, ...)."""
    value = str(getattr(status, "value", status))
    if value.startswith("CREATE_"):
        return CREATE
    if value.startswith(("UPDATE_", "ROLLBACK_")):
        return UPDATE
    if value.startswith("DELETE_"):
        return DELETE
    return None


def enabled() -> bool:
    """False when no ``[oslo_messaging_notifications] driver`` other than ``noop`` is set
    (the default): nothing is built or sent, and no notification transport is created."""
    return any(d != "noop" for d in CONF.oslo_messaging_notifications.driver or [])


def get_notifier() -> Any:
    """The process-wide notifier (publisher ``container-infra.<host>``; driver and topics
    from ``[oslo_messaging_notifications]``)."""
    global _NOTIFIER
    with _LOCK:
        if _NOTIFIER is None:
            _NOTIFIER = messaging.Notifier(rpc.notification_transport(),
                                           publisher_id=f"{PUBLISHER}.{CONF.host}")
        return _NOTIFIER


def reset() -> None:
    """Forget the notifier (tests change the configuration)."""
    global _NOTIFIER
    with _LOCK:
        _NOTIFIER = None


def _time(value: datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _nodegroups(cluster: Any) -> list[Any]:
    try:
        return list(getattr(cluster, "nodegroups", None) or [])
    except Exception:  # noqa: BLE001 - an ORM row without its nodegroups loaded
        return []


def cluster_data(cluster: Any, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ``cluster_data`` attachment content (counts/addresses summed over nodegroups)."""
    nodes = masters = 0
    node_addresses: list[str] = []
    master_addresses: list[str] = []
    for ng in _nodegroups(cluster):
        if ng.role == "master":
            masters += ng.node_count or 0
            master_addresses.extend(ng.node_addresses or [])
        else:
            nodes += ng.node_count or 0
            node_addresses.extend(ng.node_addresses or [])
    status = getattr(cluster, "status", None)
    content: dict[str, Any] = {
        "status": None if status is None else str(getattr(status, "value", status)),
        "status_reason": getattr(cluster, "status_reason", None),
        "project_id": getattr(cluster, "project_id", None),
        "created_at": _time(getattr(cluster, "created_at", None)),
        "updated_at": _time(getattr(cluster, "updated_at", None)),
        "cluster_template_id": getattr(cluster, "cluster_template_id", None),
        "keypair": getattr(cluster, "keypair", None),
        "docker_volume_size:": getattr(cluster, "docker_volume_size", None),
        "labels": dict(getattr(cluster, "labels", None) or {}),
        "master_flavor_id": getattr(cluster, "master_flavor_id", None),
        "flavor_id": getattr(cluster, "flavor_id", None),
        "stack_id": getattr(cluster, "stack_id", None),
        "health_status": getattr(cluster, "health_status", None),
        "create_timeout": getattr(cluster, "create_timeout", None),
        "api_address": getattr(cluster, "api_address", None),
        "discovery_url": getattr(cluster, "discovery_url", None),
        "node_addresses": node_addresses,
        "master_addresses": master_addresses,
        "node_count": nodes,
        "master_count": masters,
    }
    content.update(overrides or {})
    return content


def _initiator(context: Any, cluster: Any) -> resource.Resource:
    """The caller; the cluster's owner when there is no user in the context (reconcile loop,
    service contexts)."""
    user_id = getattr(context, "user_id", None) if context is not None else None
    if user_id:
        project_id = getattr(context, "project_id", None)
        domain_id = getattr(context, "user_domain_id", None) or getattr(
            context, "domain_id", None)
    else:
        user_id = getattr(cluster, "user_id", None)
        project_id = getattr(cluster, "project_id", None)
        domain_id = None
    initiator = resource.Resource(typeURI=cadftaxonomy.ACCOUNT_USER)
    if user_id:
        initiator.user_id = user_id  # type: ignore[attr-defined]
    if project_id:
        initiator.project_id = project_id  # type: ignore[attr-defined]
    if domain_id:
        initiator.domain_id = domain_id  # type: ignore[attr-defined]
    return initiator


def build_event(context: Any, cluster: Any, action: str, outcome: str,
                overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The CADF event (as a dict) of ``action``/``outcome`` on ``cluster``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown CADF action {action!r}")
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown CADF outcome {outcome!r}")
    target = resource.Resource(id=cluster.uuid, name=getattr(cluster, "name", None),
                               typeURI=CLUSTER_TYPE_URI)
    target.add_attachment(attach_val=attachment.Attachment(
        typeURI=CLUSTER_TYPE_URI, content=cluster_data(cluster, overrides),
        name="cluster_data"))
    event = cadfevent.Event(initiator=_initiator(context, cluster), target=target,
                            observer=resource.Resource(typeURI=CLUSTER_TYPE_URI),
                            eventType=cadftype.EVENTTYPE_ACTIVITY, action=action,
                            outcome=outcome)
    return dict(event.as_dict())


def notify(context: Any, cluster: Any, action: str, outcome: str,
           overrides: Mapping[str, Any] | None = None) -> None:
    """Send ``magnum.cluster.<action>`` with the CADF payload; never raises.

    ``context`` is the request context the conductor received over RPC (None from the
    reconcile loop: the initiator is then the cluster's user/project). ``overrides`` replace
    keys of the ``cluster_data`` content (e.g. the final status of a destroyed cluster).
    """
    if not enabled():
        return
    try:
        notifier = get_notifier()
        payload = build_event(context, cluster, action, outcome, overrides)
        emit = notifier.error if outcome == FAILURE else notifier.info
        # oslo.messaging sends a redacted copy of a RequestContext (no token) as the
        # message context, and none for a plain dict or None
        emit(context, event_type(action), payload)
    except Exception:  # noqa: BLE001 - a notification must never break an operation
        LOG.exception("Could not send the %s/%s notification of cluster %s", action, outcome,
                      getattr(cluster, "uuid", None))
