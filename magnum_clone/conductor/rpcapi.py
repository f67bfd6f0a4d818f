"""Client side of the conductor RPC API.

RPC_API_VERSION history:
  1.0  cluster_create, cluster_update (scale one nodegroup: PATCH and resize), cluster_delete
       (casts; ids only)
  1.1  ca_rotate (cast: rotate the cluster's CAs and push them through the driver)
  1.2  nodegroup_create, nodegroup_delete (casts: an extra nodegroup's own stack; its resize
       is cluster_update with that nodegroup)

Every method carries ids, never objects: the conductor reads the current row itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from magnum_clone.common import rpc
from magnum_clone.conf import CONF

RPC_API_VERSION = "1.2"


class ConductorAPI:
    def __init__(self) -> None:
        self.client = rpc.get_client(CONF.conductor.topic, RPC_API_VERSION)

    def cluster_create(self, context: Any, *, cluster_uuid: str) -> None:
        self.client.prepare(version="1.0").cast(context, "cluster_create",
                                                 cluster_uuid=cluster_uuid)

    def cluster_update(self, context: Any, *, cluster_uuid: str, nodegroup_uuid: str,
                       node_count: int, nodes_to_remove: Sequence[str], rollback: bool) -> None:
        self.client.prepare(version="1.0").cast(
            context, "cluster_update", cluster_uuid=cluster_uuid, nodegroup_uuid=nodegroup_uuid,
            node_count=node_count, nodes_to_remove=list(nodes_to_remove), rollback=rollback)

    def cluster_delete(self, context: Any, *, cluster_uuid: str) -> None:
        self.client.prepare(version="1.0").cast(context, "cluster_delete",
                                                 cluster_uuid=cluster_uuid)

    def ca_rotate(self, context: Any, *, cluster_uuid: str) -> None:
        self.client.prepare(version="1.1").cast(context, "ca_rotate", cluster_uuid=cluster_uuid)

    def nodegroup_create(self, context: Any, *, cluster_uuid: str, nodegroup_uuid: str) -> None:
        self.client.prepare(version="1.2").cast(context, "nodegroup_create",
                                                 cluster_uuid=cluster_uuid,
                                                 nodegroup_uuid=nodegroup_uuid)

    def nodegroup_delete(self, context: Any, *, cluster_uuid: str, nodegroup_uuid: str) -> None:
        self.client.prepare(version="1.2").cast(context, "nodegroup_delete",
                                                 cluster_uuid=cluster_uuid,
                                                 nodegroup_uuid=nodegroup_uuid)


_API: ConductorAPI | None = None


def get_api() -> ConductorAPI:
    global _API
    if _API is None:
        _API = ConductorAPI()
    return _API


def reset() -> None:
    global _API
    _API = None
