"""oslo.messaging plumbing: one transport per process, RPC servers and clients.

The embedded mode uses ``fake://`` (API and conductor in one process); production uses
``transport_url = rabbit://...``. Contexts travel as dicts and are rebuilt on the server side.
"""

from __future__ import annotations

import threading
from typing import Any

import oslo_messaging as messaging

from magnum_clone.common import context as ctx_mod
from magnum_clone.conf import CONF

_LOCK = threading.Lock()
_TRANSPORT: Any = None
_NOTIFICATION_TRANSPORT: Any = None


class ContextSerializer(messaging.NoOpSerializer):
    def serialize_context(self, context: Any) -> dict[str, Any]:
        return dict(context.to_dict())

    def deserialize_context(self, context: dict[str, Any]) -> Any:
        return ctx_mod.RequestContext.from_dict(context)


def transport() -> Any:
    global _TRANSPORT
    with _LOCK:
        if _TRANSPORT is None:
            _TRANSPORT = messaging.get_rpc_transport(CONF)
        return _TRANSPORT


def notification_transport() -> Any:
    global _NOTIFICATION_TRANSPORT
    with _LOCK:
        if _NOTIFICATION_TRANSPORT is None:
            _NOTIFICATION_TRANSPORT = messaging.get_notification_transport(CONF)
        return _NOTIFICATION_TRANSPORT


def cleanup() -> None:
    global _TRANSPORT, _NOTIFICATION_TRANSPORT
    with _LOCK:
        for t in (_TRANSPORT, _NOTIFICATION_TRANSPORT):
            if t is not None:
                t.cleanup()
        _TRANSPORT = _NOTIFICATION_TRANSPORT = None


def get_client(topic: str, version: str) -> Any:
    target = messaging.Target(topic=topic, version=version)
    return messaging.get_rpc_client(transport(), target, serializer=ContextSerializer())


def get_server(topic: str, host: str, version: str, endpoints: list[Any]) -> Any:
    target = messaging.Target(topic=topic, server=host, version=version)
    access_policy = messaging.rpc.dispatcher.DefaultRPCAccessPolicy
    return messaging.get_rpc_server(transport(), target, endpoints, executor="threading",
                                    serializer=ContextSerializer(),
                                    access_policy=access_policy)
