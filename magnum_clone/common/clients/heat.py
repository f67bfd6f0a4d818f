"""python-heatclient for the conductor.

With ``[heat] endpoint`` set (a noauth Heat, as the embedded local Heat), requests go to
``<endpoint>/<project_id>``; otherwise Heat is found in the Keystone catalog and called with the
service's Keystone session (``[keystone_authtoken]`` credentials).
"""

from __future__ import annotations

import threading
from typing import Any

from heatclient import client as heat_client
from keystoneauth1 import noauth, session

from magnum_clone.conf import CONF

_LOCK = threading.Lock()
_CLIENTS: dict[str, Any] = {}


def client(project_id: str) -> Any:
    """A Heat v1 client acting in ``project_id`` (cached per project)."""
    with _LOCK:
        hc = _CLIENTS.get(project_id)
        if hc is None:
            hc = _make(project_id)
            _CLIENTS[project_id] = hc
        return hc


def _make(project_id: str) -> Any:
    if CONF.heat.endpoint:
        auth = noauth.NoAuth(endpoint=f"{CONF.heat.endpoint.rstrip('/')}/{project_id}")
        sess = session.Session(auth=auth, split_loggers=True)
        return heat_client.Client("1", session=sess)
    from keystoneauth1 import loading

    ks_auth = loading.load_auth_from_conf_options(CONF, "keystone_authtoken")
    sess = session.Session(auth=ks_auth, split_loggers=True)
    return heat_client.Client("1", session=sess, service_type="orchestration",
                              project_id=project_id)


def reset() -> None:
    with _LOCK:
        _CLIENTS.clear()
