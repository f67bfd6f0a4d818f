"""The conductor's RPC endpoint: one line per method, the work lives in :mod:`operations`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import oslo_messaging as messaging

from magnum_clone.conductor import nodegroups, operations
from magnum_clone.conductor.rpcapi import RPC_API_VERSION


class ConductorManager:
    target = messaging.Target(version=RPC_API_VERSION)

    def cluster_create(self, context: Any, cluster_uuid: str) -> None:
        operations.create(context, cluster_uuid)

    def cluster_update(self, context: Any, cluster_uuid: str, nodegroup_uuid: str,
                       node_count: int, nodes_to_remove: Sequence[str], rollback: bool) -> None:
        operations.scale(context, cluster_uuid, nodegroup_uuid, node_count, nodes_to_remove,
                         rollback)

    def cluster_delete(self, context: Any, cluster_uuid: str) -> None:
        operations.delete(context, cluster_uuid)

    def ca_rotate(self, context: Any, cluster_uuid: str) -> None:
        operations.ca_rotate(context, cluster_uuid)

    def nodegroup_create(self, context: Any, cluster_uuid: str, nodegroup_uuid: str) -> None:
        nodegroups.create(context, cluster_uuid, nodegroup_uuid)

    def nodegroup_delete(self, context: Any, cluster_uuid: str, nodegroup_uuid: str) -> None:
        nodegroups.delete(context, cluster_uuid, nodegroup_uuid)
