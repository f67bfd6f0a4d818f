"""/v1/mservices: conductor services and whether they are up (reference §8)."""

from __future__ import annotations

import datetime
from typing import Any

import pecan

from magnum_clone.api.controllers import routing
from magnum_clone.api.controllers.v1 import common
from magnum_clone.api.types import links as lk
from magnum_clone.common import policy
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api


def _state(row: Any, now: datetime.datetime) -> str:
    if row.forced_down:
        return "down"
    seen = row.last_seen_up or row.updated_at or row.created_at
    return "up" if abs((now - seen).total_seconds()) <= CONF.service_down_time else "down"


class MServicesController(routing.Resource):
    collection = {"GET": "get_all"}
    fixed: dict[str, routing.Table] = {}
    member: routing.Table = {}

    @pecan.expose("json")
    def get_all(self, **kwargs: str) -> dict[str, Any]:
        """List conductor services (admin only)."""
        common.no_args(kwargs)
        policy.authorize("magnum-service:get_all", common.context())
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        return {"mservices": [
            {"host": r.host, "binary": r.binary, "state": _state(r, now), "id": r.id,
             "report_count": r.report_count, "disabled": bool(r.disabled),
             "disabled_reason": r.disabled_reason, "created_at": lk.timestamp(r.created_at),
             "updated_at": lk.timestamp(r.updated_at)}
            for r in db_api.get_instance().list_services()]}
