"""GET /v1/mservices (mservices.py; reference §8)."""

from __future__ import annotations

import datetime

import pytest

from magnum_clone.db import api as db_api
from magnum_clone.db.sqlalchemy import api as sa_api
from magnum_clone.db.sqlalchemy import models
from tests.unit.api.conftest import MEMBER, assert_error

KEYS = ["host", "binary", "state", "id", "report_count", "disabled", "disabled_reason",
        "created_at", "updated_at"]


def test_list(api):
    db = db_api.get_instance()
    db.heartbeat_service(host="h1", binary="magnum-conductor")
    db.heartbeat_service(host="h1", binary="magnum-conductor")
    db.heartbeat_service(host="h2", binary="magnum-conductor")
    r = api.get("/v1/mservices", version=None)
    assert r.status_int == 200
    rows = r.json["mservices"]
    assert [list(s) for s in rows] == [KEYS, KEYS]
    assert [(s["id"], s["host"], s["report_count"], s["state"], s["disabled"],
             s["disabled_reason"]) for s in rows] == [
        (rows[0]["id"], "h1", 2, "up", False, None), (rows[1]["id"], "h2", 1, "up", False, None)]
    assert rows[0]["id"] < rows[1]["id"]
    assert rows[0]["created_at"].endswith("+00:00")
    assert "next" not in r.json


@pytest.mark.parametrize("seconds_ago,forced,state", [(10, False, "up"), (179, False, "up"),
                                                     (181, False, "down"), (10, True, "down")])
def test_state(api, seconds_ago, forced, state):
    seen = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - \
        datetime.timedelta(seconds=seconds_ago)
    with sa_api.get_engine().begin() as conn:
        conn.execute(models.MagnumService.__table__.insert().values(
            host="h", binary="magnum-conductor", report_count=1, last_seen_up=seen,
            forced_down=forced, disabled=False, created_at=seen))
    assert api.get("/v1/mservices").json["mservices"][0]["state"] == state


def test_members_may_not_list(api):
    assert_error(api.get("/v1/mservices", headers=MEMBER), 403,
                 "Policy doesn't allow magnum-service:get_all to be performed.")


def test_no_query_arguments(api):
    assert_error(api.get("/v1/mservices?limit=5"), 400, 'Unknown argument: "limit"')
