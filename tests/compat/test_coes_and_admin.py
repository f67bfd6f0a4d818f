"""With the real `openstack coe` client: one cluster of each COE (swarm and mesos here;
kubernetes in test_openstack_coe.py), swarm `cluster config`, and the admin commands for
quotas, stats and services."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import pytest

from tests.compat.conftest import CLI

COES = [
    # (coe, image, template options)
    ("swarm", "fedora-atomic-latest", ["--network-driver", "docker"]),
    ("mesos", "ubuntu-mesos", []),
]


@pytest.mark.parametrize(("coe", "image", "extra"), COES)
def test_one_cluster_of_each_coe(cli: CLI, coe: str, image: str, extra: list[str]) -> None:
    tname, cname = f"{coe}-tpl", f"{coe}-c"
    tpl = cli.json("coe", "cluster", "template", "create", tname, "--coe", coe,
                   "--image", image, "--external-network", "public", "--flavor", "m1.small",
                   "--master-flavor", "m1.small", *extra)
    assert tpl["coe"] == coe
    cli.run("coe", "cluster", "create", cname, "--cluster-template", tname,
            "--node-count", "1")
    c = cli.wait(("coe", "cluster", "show", cname),
                 lambda c: c["status"] in ("CREATE_COMPLETE", "CREATE_FAILED"))
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    assert c["master_addresses"] and len(c["node_addresses"]) == 1
    expected = {"swarm": ("tcp://", ":2376"), "mesos": ("http://", ":8080")}[coe]
    assert c["api_address"].startswith(expected[0]) and c["api_address"].endswith(expected[1])
    if coe == "swarm":
        _check_swarm_config(cli, cname, c)
    cli.run("coe", "cluster", "delete", cname)
    cli.wait(("coe", "cluster", "list"), lambda rows: all(r["name"] != cname for r in rows))
    cli.run("coe", "cluster", "template", "delete", tname)


def _check_swarm_config(cli: CLI, name: str, cluster: dict[str, Any]) -> None:
    import tempfile

    d = tempfile.mkdtemp(prefix="mc-swarm-cfg-")
    out = cli.run("coe", "cluster", "config", name, "--dir", d, "--force",
                  "--output-certs").stdout
    assert f"export DOCKER_HOST={cluster['api_address']}" in out
    # the client prints DOCKER_TLS_VERIFY=True (its own text, not ours)
    assert f"export DOCKER_CERT_PATH={d}" in out and "export DOCKER_TLS_VERIFY=" in out
    for f in ("ca.pem", "cert.pem", "key.pem"):
        assert os.path.getsize(os.path.join(d, f)) > 0
    v = subprocess.run(["openssl", "verify", "-CAfile", "ca.pem", "cert.pem"], cwd=d,
                       capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stderr


def _table_value(out: str, key: str) -> str:
    """The value of ``key`` in a client-printed two-column table (| key | value |)."""
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] == key:
            return cells[1]
    raise AssertionError(f"{key} not in:\n{out}")


PROJECT = "embedded-project"   # the embedded service's [noauth] project


def _stats(cli: CLI) -> tuple[int, int]:
    out = cli.run("coe", "stats", "list", PROJECT).stdout
    return int(_table_value(out, "clusters")), int(_table_value(out, "nodes"))


def _listed_counts(cli: CLI) -> tuple[int, int]:
    """Clusters and nodes (workers and masters) as `coe cluster list` shows them."""
    rows = cli.json("coe", "cluster", "list")
    return len(rows), sum(int(r["node_count"]) + int(r["master_count"]) for r in rows)


def test_quotas_stats_and_services(cli: CLI) -> None:
    # these client commands print tables only (no -f json)
    out = cli.run("coe", "quotas", "create", "--project-id", "proj-q", "--resource",
                  "Cluster", "--hard-limit", "3").stdout
    assert _table_value(out, "hard_limit") == "3"
    assert _table_value(out, "project_id") == "proj-q"
    listed = cli.run("coe", "quotas", "list", "--all-tenants").stdout
    assert "proj-q" in listed and "Cluster" in listed
    shown = cli.run("coe", "quotas", "show", "--project-id", "proj-q", "--resource",
                    "Cluster").stdout
    assert _table_value(shown, "hard_limit") == "3"
    dup = cli.run("coe", "quotas", "create", "--project-id", "proj-q", "--resource",
                  "Cluster", check=False)
    # this client command prints the API error and exits 0 (client behaviour)
    said = dup.stdout + dup.stderr
    assert "already exists for resource Cluster" in said and "HTTP 409" in said
    cli.run("coe", "quotas", "delete", "--project-id", "proj-q", "--resource", "Cluster")
    assert "proj-q" not in cli.run("coe", "quotas", "list", "--all-tenants").stdout

    # stats are the real counts: what `coe cluster list` shows, and what we create
    before = _stats(cli)
    assert before == _listed_counts(cli)
    limit = before[0] + 1
    cli.run("coe", "quotas", "create", "--project-id", PROJECT, "--resource", "Cluster",
            "--hard-limit", str(limit))
    cli.json("coe", "cluster", "template", "create", "quota-tpl", "--coe", "kubernetes",
             "--image", "fedora-coreos-latest", "--external-network", "public",
             "--flavor", "m1.small", "--master-flavor", "m1.small")
    try:
        cli.run("coe", "cluster", "create", "quota-c1", "--cluster-template", "quota-tpl",
                "--node-count", "2", "--master-count", "1")
        assert _stats(cli) == (before[0] + 1, before[1] + 3)
        assert _stats(cli) == _listed_counts(cli)

        # one cluster over the quota: 403 through the real client, nothing created. The
        # client prints the error's title (the detail up to its first "."); --debug also
        # shows the response body with the whole detail.
        over = cli.run("--debug", "coe", "cluster", "create", "quota-c2",
                       "--cluster-template", "quota-tpl", "--node-count", "1", check=False)
        assert over.returncode != 0, over.stdout
        assert ("Resource limit exceeded: You have reached the maximum clusters per project, "
                f"{limit} (HTTP 403)") in over.stderr, over.stderr[-2000:]
        assert ("Resource limit exceeded: You have reached the maximum clusters per project, "
                f"{limit}. You may delete a cluster to make room for a new one.") in over.stderr
        assert all(r["name"] != "quota-c2" for r in cli.json("coe", "cluster", "list"))
        assert _stats(cli) == (before[0] + 1, before[1] + 3)

        c = cli.wait(("coe", "cluster", "show", "quota-c1"),
                     lambda c: c["status"] in ("CREATE_COMPLETE", "CREATE_FAILED"))
        assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
        assert _stats(cli) == (before[0] + 1, before[1] + 3)   # the stack agrees
        cli.run("coe", "cluster", "delete", "quota-c1")
        cli.wait(("coe", "cluster", "list"),
                 lambda rows: all(r["name"] != "quota-c1" for r in rows))
        assert _stats(cli) == before
    finally:
        cli.run("coe", "quotas", "delete", "--project-id", PROJECT, "--resource", "Cluster",
                check=False)
        cli.run("coe", "cluster", "template", "delete", "quota-tpl", check=False)

    # the one conductor of the embedded service is up (id 1, as tempest expects); a stale
    # heartbeat is "down": tests/unit/api/test_mservices.py
    services = cli.json("coe", "service", "list")
    assert [(s["id"], s["binary"], s["state"]) for s in services] == [
        (1, "magnum-conductor", "up")]
    assert services[0]["disabled"] is False
