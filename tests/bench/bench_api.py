"""API latency benchmark: 1000 templates and 1000 clusters in the DB; median and p95 of list,
show and template create over HTTP (a real server thread, a real client, SQLite file).

Run: ``tox -e bench`` or ``.venv/bin/python -m tests.bench.bench_api [--n 1000] [--runs 30]``.
Not part of the default test run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import time
from collections.abc import Callable

from oslo_utils import uuidutils

from magnum_clone.conf import CONF


def _populate(n: int) -> tuple[str, str]:
    from magnum_clone.db import api as db_api

    db = db_api.get_instance()
    tpl_uuid = ""
    for i in range(n):
        t = db.create_cluster_template(values=dict(
            uuid=uuidutils.generate_uuid(), name=f"t{i}", coe="kubernetes",
            image_id="fedora-coreos-latest", server_type="vm", cluster_distro="fedora-coreos",
            driver="k8s_fedora_coreos_v1", network_driver="flannel", public=False,
            hidden=False, labels={"kube_tag": "v1.23", "n": str(i)},
            project_id=CONF.noauth.project_id, user_id=CONF.noauth.user_id))
        tpl_uuid = tpl_uuid or t.uuid
    cl_uuid = ""
    for i in range(n):
        uuid = uuidutils.generate_uuid()
        ngs = [dict(uuid=uuidutils.generate_uuid(), name=name, role=role, node_count=3,
                    is_default=True, min_node_count=0, status="CREATE_COMPLETE",
                    node_addresses=[f"10.0.{i % 250}.{j}" for j in range(3)],
                    project_id=CONF.noauth.project_id)
               for name, role in (("default-master", "master"), ("default-worker", "worker"))]
        db.create_cluster(values=dict(uuid=uuid, name=f"c{i}", cluster_template_id=tpl_uuid,
                                      project_id=CONF.noauth.project_id,
                                      user_id=CONF.noauth.user_id, status="CREATE_COMPLETE",
                                      labels={"kube_tag": "v1.23"}, create_timeout=60,
                                      stack_id=uuidutils.generate_uuid(),
                                      api_address="https://10.0.0.1:6443"), nodegroups=ngs)
        cl_uuid = cl_uuid or uuid
    return tpl_uuid, cl_uuid


def _timed(fn: Callable[[], None], runs: int) -> tuple[float, float]:
    fn()  # warm up
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="mc-bench-")
    CONF([], project="magnum-clone")
    CONF.set_override("connection", f"sqlite:///{tmp}/bench.sqlite", group="database")
    CONF.set_override("transport_url", "fake://")
    from magnum_clone.api import app
    from magnum_clone.cmd import wsgi
    from magnum_clone.db import migration

    migration.upgrade()
    t0 = time.perf_counter()
    tpl_uuid, cl_uuid = _populate(args.n)
    print(f"populated {args.n} templates + {args.n} clusters in {time.perf_counter() - t0:.1f}s")
    srv, _t = wsgi.serve_in_thread("127.0.0.1", 0, app.setup_app())
    port = srv.server_address[1]
    hdrs = {"Accept": "application/json", "Content-Type": "application/json",
            "OpenStack-API-Version": "container-infra latest"}

    def call(method: str, path: str, body: dict | None = None, expect: int = 200) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request(method, path, body=json.dumps(body) if body else None, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if resp.status != expect:
            raise RuntimeError(f"{method} {path}: {resp.status} {data[:300]!r}")

    counter = iter(range(10**9))
    cases = [
        ("GET /v1/clusters (1000)", lambda: call("GET", "/v1/clusters")),
        ("GET /v1/clusters/detail (1000)", lambda: call("GET", "/v1/clusters/detail")),
        ("GET /v1/clusters/<uuid>", lambda: call("GET", f"/v1/clusters/{cl_uuid}")),
        ("GET /v1/clustertemplates (1000)", lambda: call("GET", "/v1/clustertemplates")),
        ("GET /v1/clustertemplates/<uuid>",
         lambda: call("GET", f"/v1/clustertemplates/{tpl_uuid}")),
        ("POST /v1/clustertemplates", lambda: call("POST", "/v1/clustertemplates", {
            "name": f"bench-{next(counter)}", "coe": "kubernetes",
            "image_id": "fedora-coreos-latest", "external_network_id": "public",
            "flavor_id": "m1.small", "master_flavor_id": "m1.small"}, expect=201)),
    ]
    print(f"{'call':40} {'median ms':>10} {'p95 ms':>10}")
    for name, fn in cases:
        med, p95 = _timed(fn, args.runs)
        print(f"{name:40} {med:10.1f} {p95:10.1f}")
    srv.shutdown()


if __name__ == "__main__":
    main()
