"""The issue's acceptance run, with the real `openstack coe` client.

The embedded service is shared by all compat tests of a worker, so lists are checked for
this test's own names only."""

from __future__ import annotations

from tests.compat.conftest import CLI


def test_template_cluster_lifecycle_with_openstack_cli(cli: CLI) -> None:
    tpl = cli.json("coe", "cluster", "template", "create", "k8s-cli", "--coe", "kubernetes",
                   "--image", "fedora-coreos-latest", "--external-network", "public",
                   "--flavor", "m1.small", "--master-flavor", "m1.small",
                   "--keypair", "default")
    assert tpl["coe"] == "kubernetes" and tpl["cluster_distro"] == "fedora-coreos"
    listed = cli.json("coe", "cluster", "template", "list")
    assert [t["name"] for t in listed].count("k8s-cli") == 1

    cli.run("coe", "cluster", "create", "c-cli", "--cluster-template", "k8s-cli",
            "--node-count", "1")
    rows = cli.json("coe", "cluster", "list")
    assert [r["name"] for r in rows].count("c-cli") == 1
    c = cli.wait(("coe", "cluster", "show", "c-cli"),
                 lambda c: c["status"] in ("CREATE_COMPLETE", "CREATE_FAILED"))
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    assert c["api_address"] and len(c["node_addresses"]) == 1

    # python-magnumclient 5 spells the seeds' `update <c> replace node_count=3` this way
    cli.run("coe", "cluster", "update", "c-cli", "--node-count", "3")
    c = cli.wait(("coe", "cluster", "show", "c-cli"),
                 lambda c: c["status"] in ("UPDATE_COMPLETE", "UPDATE_FAILED"))
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert c["node_count"] == 3 and len(c["node_addresses"]) == 3

    cli.run("coe", "cluster", "delete", "c-cli")
    cli.wait(("coe", "cluster", "list"), lambda rows: all(r["name"] != "c-cli" for r in rows))
    cli.run("coe", "cluster", "template", "delete", "k8s-cli")
    assert all(t["name"] != "k8s-cli" for t in cli.json("coe", "cluster", "template", "list"))


def test_cli_errors_are_readable(cli: CLI) -> None:
    proc = cli.run("coe", "cluster", "show", "no-such-cluster", check=False)
    assert proc.returncode != 0
    assert "Cluster no-such-cluster could not be found" in proc.stderr
    proc = cli.run("coe", "cluster", "template", "create", "bad", "--coe", "kubernetes",
                   "--image", "no-such-image", "--external-network", "public", check=False)
    assert proc.returncode != 0 and "Image no-such-image could not be found" in proc.stderr
