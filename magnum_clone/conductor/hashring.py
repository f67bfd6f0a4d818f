"""Who reconciles which cluster: rendezvous hashing over the live conductors.

Each cluster goes to the live conductor with the highest hash(host, uuid); when a conductor
stops heartbeating its clusters move to the others within one ``service_down_time``, and only
the dead conductor's share moves.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence

from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api

BINARY = "magnum-conductor"


def _weight(host: str, key: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{host}/{key}".encode(), digest_size=8).digest(),
                          "big")


def owner(hosts: Sequence[str], key: str) -> str | None:
    return max(hosts, key=lambda h: _weight(h, key)) if hosts else None


def live_hosts() -> list[str]:
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    limit = datetime.timedelta(seconds=CONF.service_down_time)
    return sorted(s.host for s in db_api.get_instance().list_services()
                  if s.binary == BINARY and not s.disabled and s.last_seen_up is not None
                  and now - s.last_seen_up <= limit)


def mine(uuids: Sequence[str], host: str) -> list[str]:
    hosts = live_hosts()
    if host not in hosts:
        hosts.append(host)
    return [u for u in uuids if owner(hosts, u) == host]
