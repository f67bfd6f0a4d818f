"""Event-driven status: a local real Heat emits orchestration.stack.* notifications on RabbitMQ
(127.0.0.1:5672) and the conductor (its periodic pass every 60 s, so only an event can be fast)
brings the cluster to CREATE_COMPLETE within seconds of the stack finishing."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests import dbservers
from tests.fixtures import deployment as deployment_conf
from tests.fixtures import processes
from tests.integration.test_multiprocess import TEMPLATE, call, wait

RABBIT = deployment_conf.RABBIT


def _delete_queues(names: list[str]) -> None:
    """Heat's notifier declares ``<topic>.<priority>`` queues and our listener its pool queue:
    drop them so a shared broker keeps nothing of this run."""
    import kombu

    with kombu.Connection("amqp://guest:guest@127.0.0.1:5672//") as conn:
        for name in names:
            try:
                conn.default_channel.queue_delete(name)
            except Exception:  # noqa: BLE001 - best effort (absent queue)
                conn.close()
                conn.connect()


@pytest.fixture(scope="module")
def deployment() -> Iterator[dict[str, Any]]:
    from magnum_clone.localheat.process import LocalHeat

    run = uuid.uuid4().hex[:8]
    topic, host = f"mc-heat-events-{run}", f"ev-{run}"
    pool = f"magnum_clone.{host}"
    tmp = tempfile.mkdtemp(prefix="mc-ev-")
    heat = LocalHeat(os.path.join(tmp, "heat"), fast=True, notify_url=RABBIT,
                     notify_topic=topic)
    heat.start()
    db_url = dbservers.fresh_database("mysql")
    port = processes.free_port()
    conf = deployment_conf.write_conf(
        os.path.join(tmp, "magnum-clone.conf"), db_url=db_url, port=port,
        topic=f"mc-ev-{run}", heat_endpoint=heat.endpoint,
        default={"host": host, "periodic_interval": 60, "heartbeat_interval": 2,
                 "service_down_time": 6},
        sections={"heat": {"notifications_transport_url": RABBIT,
                           "notifications_topic": topic}})
    try:
        deployment_conf.migrate(conf)
        api_log, cond_log = os.path.join(tmp, "api.log"), os.path.join(tmp, "conductor.log")
        with processes.process([processes.script("magnum-clone-api"), "--config-file", conf],
                               api_log) as api, \
                processes.process([processes.script("magnum-clone-conductor"),
                                   "--config-file", conf], cond_log):
            base = f"http://127.0.0.1:{port}"
            processes.wait_http(base + "/", timeout=60, proc=api, log=api_log)
            yield {"base": base, "heat": heat, "cond_log": cond_log}
    finally:
        heat.kill()
        dbservers.drop_database(db_url)
        _delete_queues([pool] + [f"{topic}.{p}" for p in
                                 ("audit", "debug", "info", "warn", "error", "critical",
                                  "sample")])


def _wait_listening(log: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(log) and "Listening for Heat events" in open(log).read():
            return
        time.sleep(0.2)
    raise AssertionError(f"conductor never listened for Heat events:\n{open(log).read()}")


def test_cluster_follows_the_stack_within_seconds(deployment: dict[str, Any]) -> None:
    base, heat = deployment["base"], deployment["heat"]
    _wait_listening(deployment["cond_log"])
    status, tpl = call(base, "POST", "/v1/clustertemplates", TEMPLATE)
    assert status == 201, tpl
    start = time.monotonic()
    status, body = call(base, "POST", "/v1/clusters",
                        {"name": "ev", "cluster_template_id": tpl["uuid"]})
    assert status == 202, body
    cid = body["uuid"]
    # API 1.13+ names the stack id cluster_id
    _, c = wait(base, f"/v1/clusters/{cid}", lambda r: r[1].get("cluster_id"), timeout=20)
    hc = heat.client(c["project_id"])
    stack_done = cluster_done = None
    stack_ref = c["cluster_id"]
    while time.monotonic() - start < 40:  # the periodic pass would come at ~60 s
        now = time.monotonic()
        if stack_done is None:
            s = hc.stacks.get(stack_ref, resolve_outputs=False)
            if s.stack_status != "CREATE_IN_PROGRESS":
                stack_done = now
                assert s.stack_status == "CREATE_COMPLETE", s.stack_status_reason
        c = call(base, "GET", f"/v1/clusters/{cid}")[1]
        if c["status"] != "CREATE_IN_PROGRESS":
            cluster_done = time.monotonic()
            break
        time.sleep(0.1)
    assert c["status"] == "CREATE_COMPLETE", c
    assert cluster_done is not None
    total = cluster_done - start
    lag = cluster_done - (stack_done if stack_done is not None else cluster_done)
    print(f"\ncluster CREATE_COMPLETE {total:.2f} s after the request, "
          f"{lag:.2f} s after the stack (poll 0.1 s)")
    assert total < 20, total
    assert lag < 5, lag
    assert c["api_address"], c  # outputs came from the re-observation, not the event
