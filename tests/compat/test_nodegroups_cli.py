"""Extra nodegroups with the real `openstack coe nodegroup` commands (Terraform's nodegroup
resource makes the same calls): create, list, show, resize, delete."""

from __future__ import annotations

from tests.compat.conftest import CLI

DONE = ("CREATE_COMPLETE", "CREATE_FAILED", "UPDATE_COMPLETE", "UPDATE_FAILED")


def test_nodegroup_lifecycle_with_openstack_cli(cli: CLI) -> None:
    cli.run("coe", "cluster", "template", "create", "k8s-ng-cli", "--coe", "kubernetes",
            "--image", "fedora-coreos-latest", "--external-network", "public",
            "--flavor", "m1.small", "--master-flavor", "m1.small", "--keypair", "default")
    cli.run("coe", "cluster", "create", "c-ng-cli", "--cluster-template", "k8s-ng-cli",
            "--node-count", "1")
    c = cli.wait(("coe", "cluster", "show", "c-ng-cli"), lambda c: c["status"] in DONE)
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]

    cli.run("coe", "nodegroup", "create", "c-ng-cli", "ng-extra", "--node-count", "2",
            "--flavor", "m1.medium", "--labels", "team=blue")
    ng = cli.wait(("coe", "nodegroup", "show", "c-ng-cli", "ng-extra"),
                  lambda n: n["status"] in DONE)
    assert ng["status"] == "CREATE_COMPLETE", ng["status_reason"]
    assert (ng["node_count"], ng["flavor_id"], ng["role"]) == (2, "m1.medium", "worker")
    assert len(ng["node_addresses"]) == 2 and ng["labels"]["team"] == "blue"
    names = {n["name"] for n in cli.json("coe", "nodegroup", "list", "c-ng-cli")}
    assert names == {"default-master", "default-worker", "ng-extra"}
    c = cli.wait(("coe", "cluster", "show", "c-ng-cli"), lambda c: c["status"] in DONE)
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]

    cli.run("coe", "cluster", "resize", "c-ng-cli", "1", "--nodegroup", "ng-extra")
    ng = cli.wait(("coe", "nodegroup", "show", "c-ng-cli", "ng-extra"),
                  lambda n: n["status"] in DONE and n["node_count"] == 1
                  and len(n["node_addresses"]) == 1)
    assert ng["status"] == "UPDATE_COMPLETE", ng["status_reason"]

    proc = cli.run("coe", "nodegroup", "delete", "c-ng-cli", "default-worker", check=False)
    assert proc.returncode != 0 and "Deleting a default nodegroup is not supported" in \
        proc.stderr
    cli.run("coe", "nodegroup", "delete", "c-ng-cli", "ng-extra")
    cli.wait(("coe", "nodegroup", "list", "c-ng-cli"),
             lambda rows: {n["name"] for n in rows} == {"default-master", "default-worker"})

    cli.run("coe", "cluster", "delete", "c-ng-cli")
    cli.wait(("coe", "cluster", "list"),
             lambda rows: all(r["name"] != "c-ng-cli" for r in rows))
    cli.run("coe", "cluster", "template", "delete", "k8s-ng-cli")
