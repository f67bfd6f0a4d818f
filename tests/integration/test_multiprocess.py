"""Production shape: magnum-clone-api and magnum-clone-conductor as separate processes on
RabbitMQ (127.0.0.1:5672) and MariaDB (127.0.0.1:3306), with a local real Heat; a conductor
killed mid-flight loses no accepted operation."""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests import dbservers
from tests.fixtures import deployment as deployment_conf
from tests.fixtures import processes

H = {"Accept": "application/json", "Content-Type": "application/json",
     "OpenStack-API-Version": "container-infra latest"}


def call(base: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    req = urllib.request.Request(base + path, method=method, headers=H,
                                 data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            data = r.read()
            return r.status, json.loads(data) if data else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def wait(base: str, path: str, pred: Any, timeout: float = 150) -> Any:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = call(base, "GET", path)
        if pred(last):
            return last
        time.sleep(1)
    raise AssertionError(f"timed out on {path}: {last}")


@pytest.fixture(scope="module")
def deployment(local_heat_endpoint: str) -> Iterator[dict[str, Any]]:
    tmp = tempfile.mkdtemp(prefix="mc-int-")
    db_url = dbservers.fresh_database("mysql")
    port = processes.free_port()
    conf = deployment_conf.write_conf(
        os.path.join(tmp, "magnum-clone.conf"), db_url=db_url, port=port,
        topic=f"mc-int-{uuid.uuid4().hex[:8]}", heat_endpoint=local_heat_endpoint,
        default={"periodic_interval": 1, "heartbeat_interval": 2, "service_down_time": 6},
        sections={"conductor": {"resume_grace": 3}})
    deployment_conf.migrate(conf)
    api_log = os.path.join(tmp, "api.log")
    with processes.process([processes.script("magnum-clone-api"), "--config-file", conf],
                           api_log) as api:
        base = f"http://127.0.0.1:{port}"
        processes.wait_http(base + "/", timeout=60, proc=api, log=api_log)
        try:
            yield {"base": base, "conf": conf, "tmp": tmp}
        finally:
            dbservers.drop_database(db_url)


def start_conductor(dep: dict[str, Any], host: str) -> Any:
    log = os.path.join(dep["tmp"], f"conductor-{host}.log")
    extra = os.path.join(dep["tmp"], f"{host}.conf")
    with open(extra, "w") as f:
        f.write(f"[DEFAULT]\nhost = {host}\n")
    return processes.process([processes.script("magnum-clone-conductor"), "--config-file",
                              dep["conf"], "--config-file", extra], log)


TEMPLATE = {"name": "k8s", "coe": "kubernetes", "image_id": "fedora-coreos-latest",
            "external_network_id": "public", "flavor_id": "m1.small",
            "master_flavor_id": "m1.small"}


def test_api_and_conductor_processes_over_rabbitmq(deployment: dict[str, Any]) -> None:
    base = deployment["base"]
    with start_conductor(deployment, "cond-a"):
        status, tpl = call(base, "POST", "/v1/clustertemplates", TEMPLATE)
        assert status == 201, tpl
        status, body = call(base, "POST", "/v1/clusters",
                            {"name": "mp", "cluster_template_id": tpl["uuid"]})
        assert status == 202, body
        cid = body["uuid"]
        _, c = wait(base, f"/v1/clusters/{cid}",
                    lambda r: r[1]["status"] in ("CREATE_COMPLETE", "CREATE_FAILED"))
        assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
        _, svc = call(base, "GET", "/v1/mservices")
        assert [(s["host"], s["state"]) for s in svc["mservices"]] == [("cond-a", "up")]
        assert call(base, "DELETE", f"/v1/clusters/{cid}")[0] == 204
        wait(base, f"/v1/clusters/{cid}", lambda r: r[0] == 404)


def test_accepted_create_survives_a_dead_conductor(deployment: dict[str, Any]) -> None:
    base = deployment["base"]
    status, tpl = call(base, "POST", "/v1/clustertemplates", {**TEMPLATE, "name": "k8s-2"})
    assert status == 201
    # No conductor is running: the API accepts, stores and casts; the message waits in
    # RabbitMQ or is lost with a crashed conductor. Either way the cluster must complete.
    status, body = call(base, "POST", "/v1/clusters",
                        {"name": "orphan", "cluster_template_id": tpl["uuid"]})
    assert status == 202
    cid = body["uuid"]
    with start_conductor(deployment, "cond-b") as proc:
        time.sleep(0.5)
        processes.stop(proc, grace=0)  # SIGTERM then SIGKILL: dies mid-flight
    with start_conductor(deployment, "cond-c"):
        _, c = wait(base, f"/v1/clusters/{cid}",
                    lambda r: r[1]["status"] in ("CREATE_COMPLETE", "CREATE_FAILED"))
        assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
        assert call(base, "DELETE", f"/v1/clusters/{cid}")[0] == 204
        wait(base, f"/v1/clusters/{cid}", lambda r: r[0] == 404)
