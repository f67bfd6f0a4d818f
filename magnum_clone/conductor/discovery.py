"""etcd discovery URLs for clusters that give none (the seeds: "generated when absent").

With the SIMULATED cloud (``[heat] simulated_cloud``) no node ever contacts the URL, and the
embedded mode must not call outside services: the URL is generated locally in the reserved
``.invalid`` domain and says it is simulated. Otherwise the public discovery service named by
``[cluster] etcd_discovery_service_endpoint_format`` is asked for a new URL of the cluster's
master count, as upstream does.
"""

from __future__ import annotations

import logging
import secrets
import urllib.request
from typing import Any

from magnum_clone.common import exceptions as exc
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api

LOG = logging.getLogger(__name__)


def master_count(cluster: Any) -> int:
    return sum(ng.node_count for ng in cluster.nodegroups if ng.role == "master") or 1


def generate(size: int) -> str:
    if CONF.heat.simulated_cloud:
        return f"https://discovery.simulated.invalid/{secrets.token_hex(16)}?size={size}"
    url = CONF.cluster.etcd_discovery_service_endpoint_format % {"size": size}
    try:
        with urllib.request.urlopen(url, timeout=15) as resp:  # noqa: S310 - configured URL
            return resp.read().decode().strip()
    except OSError as e:
        raise exc.DriverError(msg=f"Failed to get a discovery URL from {url}: {e}") from e


def ensure(cluster: Any) -> Any:
    """The cluster with a discovery URL stored (generated once, kept on a resumed create)."""
    if cluster.discovery_url:
        return cluster
    url = generate(master_count(cluster))
    LOG.info("Cluster %s: generated discovery URL %s", cluster.uuid, url)
    return db_api.get_instance().update_cluster(uuid=cluster.uuid, values={"discovery_url": url})
