"""Microversions of the container-infra API, as data plus small predicates.

History:
  1.1  baseline; legacy bays synchronous
  1.2  legacy bays asynchronous (202 + uuid)
  1.3  ?rollback on cluster PATCH
  1.4  /v1/stats documented
  1.5  CA rotation documented
  1.6  /v1/quotas documented
  1.7  cluster resize action
  1.8  cluster upgrade action
  1.9  nodegroups
  1.10 zero-node clusters; missing template on cluster create is 404
  1.11 bays/baymodels removal documented (we keep them: the seeds use them)
  1.12 credential rotation
  1.13 cluster bodies carry cluster_id instead of stack_id
  1.14 nodegroup node_labels/node_taints documented

Adding a version: bump MAX, add a constant and a predicate, a history line, and a test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SERVICE_NAMES = ("container-infra", "container-infrastructure",
                 "container-infrastructure-management")
RESPONSE_SERVICE = "container-infrastructure-management"
HEADER = "OpenStack-API-Version"
MIN = (1, 1)
MAX = (1, 14)

BAYS_ASYNC = (1, 2)
ROLLBACK = (1, 3)
RESIZE = (1, 7)
UPGRADE = (1, 8)
NODEGROUPS = (1, 9)
ZERO_NODES = (1, 10)
CREDENTIALS = (1, 12)
CLUSTER_ID = (1, 13)


@dataclass(frozen=True)
class Version:
    major: int
    minor: int

    @property
    def pair(self) -> tuple[int, int]:
        return (self.major, self.minor)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def at_least(self, v: tuple[int, int]) -> bool:
        return self.pair >= v


def fmt(v: tuple[int, int]) -> str:
    return f"{v[0]}.{v[1]}"


class VersionParseError(Exception):
    """406 with the routing-style body."""


class VersionRangeError(Exception):
    """406 with the magnum.microversion-unsupported body."""

    def __init__(self, requested: Version) -> None:
        super().__init__(str(requested))
        self.requested = requested


_NUM = re.compile(r"^\d+\.\d+$")


def parse(header: str | None) -> Version:
    """Parse the OpenStack-API-Version header value (absent means 1.1)."""
    if header is None:
        return Version(*MIN)
    parts = header.split()
    if len(parts) != 2:
        raise VersionParseError("Invalid service type for OpenStack-API-Version header")
    service, value = parts
    if value.lower() == "latest":
        return Version(*MAX)
    if service.lower() not in SERVICE_NAMES:
        raise VersionParseError("Invalid service type for OpenStack-API-Version header")
    if not _NUM.match(value):
        raise VersionParseError("Invalid value for OpenStack-API-Version header")
    major, minor = (int(x) for x in value.split("."))
    return Version(major, minor)


def check_range(v: Version) -> None:
    if v.pair < MIN or v.pair > MAX:
        raise VersionRangeError(v)


def allow_rollback(v: Version) -> bool:
    return v.at_least(ROLLBACK)


def allow_zero_nodes(v: Version) -> bool:
    return v.at_least(ZERO_NODES)


def bays_async(v: Version) -> bool:
    return v.at_least(BAYS_ASYNC)


def cluster_id_field(v: Version) -> str:
    return "cluster_id" if v.at_least(CLUSTER_ID) else "stack_id"


def missing_template_status(v: Version) -> int:
    return 404 if v.at_least(ZERO_NODES) else 400
