"""Extra nodegroup stacks of the Heat Kubernetes drivers (drivers/heat/nodegroup.py): pure
rendering of a nodegroup's stack from the cluster template (no Heat, no cloud), which drivers
build them, and the view a nodegroup stack is rendered from."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from magnum_clone.common import exceptions as exc
from magnum_clone_drivers.base import ClusterView
from magnum_clone_drivers.example_docker_v1.driver import Driver as DockerDriver
from magnum_clone_drivers.heat import nodegroup as ng_stack
from magnum_clone_drivers.heat import template_def as td
from magnum_clone_drivers.heat.driver import HeatDriver
from magnum_clone_drivers.k8s_coreos_v1.driver import Driver as CoreOS
from magnum_clone_drivers.k8s_fedora_atomic_v1.driver import Driver as Atomic
from magnum_clone_drivers.k8s_fedora_coreos_v1.driver import Driver as FCOS
from magnum_clone_drivers.k8s_fedora_ironic_v1.driver import Driver as Ironic
from magnum_clone_drivers.mesos_ubuntu_v1.driver import Driver as Mesos
from magnum_clone_drivers.swarm_fedora_atomic_v2.driver import Driver as Swarm

LINKED = {"existing_master_private_ip": "172.24.4.10", "existing_security_group": "sg-1",
          "fixed_network": "net-1", "fixed_subnet": "subnet-1"}
LOOKUPS = {"kube_service_account_key": "PUB", "kube_service_account_private_key": "PRIV",
           "ca_key": "CAKEY", "fixed_network": "given-net", "fixed_subnet": "given-subnet"}


def view() -> ClusterView:
    c = {"uuid": "c-uuid", "name": "a_very_long.cluster-name-x", "project_id": "p1",
         "keypair": "default", "labels": {"kube_tag": "v1.1", "flannel_backend": "vxlan"},
         "master_lb_enabled": False, "floating_ip_enabled": True, "fixed_network": None,
         "fixed_subnet": None, "stack_id": "cluster-stack"}
    tpl = {"coe": "kubernetes", "tls_disabled": False, "network_driver": "flannel",
           "dns_nameserver": "8.8.8.8", "external_network_id": "public"}
    ngs = [{"uuid": "m", "is_default": True, "role": "master", "name": "default-master",
            "node_count": 3, "image_id": "img", "flavor_id": "m1.small",
            "docker_volume_size": None, "labels": c["labels"]},
           {"uuid": "w", "is_default": True, "role": "worker", "name": "default-worker",
            "node_count": 2, "image_id": "img", "flavor_id": "m1.medium",
            "docker_volume_size": 5, "labels": c["labels"]},
           {"uuid": "ng-uuid", "is_default": False, "role": "gpu", "name": "gpu-workers-pool",
            "node_count": 4, "image_id": "gpu-img", "flavor_id": "m1.large",
            "docker_volume_size": 20, "labels": {"kube_tag": "v1.2"}, "stack_id": None,
            "status": "CREATE_IN_PROGRESS"}]
    return ClusterView(cluster=c, template=tpl, nodegroups=ngs)


def hot_parameters(drv: HeatDriver) -> set[str]:
    with open(drv.definition().template_path) as f:
        return set(yaml.safe_load(f)["parameters"])


K8S = [FCOS, Atomic, CoreOS, Ironic]


@pytest.mark.parametrize("cls", K8S)
def test_a_nodegroup_stack_is_the_worker_part_joined_to_the_cluster(cls: Any) -> None:
    drv = cls()
    assert drv.supports_nodegroups()
    ngview = view().for_nodegroup("ng-uuid")
    spec = drv.definition().render(td.RenderInput(ngview, LOOKUPS), name_suffix="abcd1234",
                                   timeout_mins=9)
    linked = {k: v for k, v in LINKED.items()
              if drv.nodegroup_links.security_group_resource or k == "existing_master_private_ip"}
    p = ng_stack.stack_parameters(spec.parameters, ngview, linked)
    assert p["is_cluster_stack"] is False and p["worker_role"] == "gpu"
    assert p["existing_master_private_ip"] == "172.24.4.10"
    # the nodegroup's own count, flavor, image and labels stand in for the worker role's
    assert (p["number_of_minions"], p["minion_flavor"], p["minion_image"]) == (
        4, "m1.large", "gpu-img")
    assert p["worker_nodegroup_name"] == "gpu-workers-pool"
    assert p.get("kube_tag") == "v1.2" and "flannel_backend" not in p
    # only masters use these: never sent to a worker-only stack
    assert not set(ng_stack.MASTER_ONLY_PARAMS) & set(p)
    # Heat refuses parameters a template does not declare
    assert set(p) <= hot_parameters(drv)
    # <cluster[:20]>-<nodegroup[:9]>, "_" and "." -> "-", then the suffix
    assert spec.stack_name == "a-very-long-cluster--gpu-worke-abcd1234"
    assert spec.tags == ["magnum_clone_cluster=c-uuid", "project=p1",
                         "magnum_clone_nodegroup=ng-uuid", "magnum_clone_stack=nodegroup"]
    assert spec.timeout_mins == 9


def test_vm_drivers_take_the_security_group_and_network_of_the_cluster_stack() -> None:
    ngview = view().for_nodegroup("ng-uuid")
    spec = FCOS().definition().render(td.RenderInput(ngview, LOOKUPS), name_suffix="x",
                                      timeout_mins=1)
    p = ng_stack.stack_parameters(spec.parameters, ngview, LINKED)
    assert (p["existing_security_group"], p["fixed_network"], p["fixed_subnet"]) == (
        "sg-1", "net-1", "subnet-1")
    # bare metal has neither: its nodegroups use the network given to the cluster
    assert Ironic.nodegroup_links == ng_stack.NodegroupLinks(security_group_resource=None,
                                                             network_resource=None)


def test_the_cluster_stack_is_unchanged_by_nodegroups() -> None:
    spec = FCOS().definition().render(td.RenderInput(view(), LOOKUPS), name_suffix="x",
                                      timeout_mins=1)
    assert spec.parameters["is_cluster_stack"] is True
    assert spec.parameters["number_of_minions"] == 2 and spec.parameters["kube_tag"] == "v1.1"
    assert spec.tags == ["magnum_clone_cluster=c-uuid", "project=p1"]


@pytest.mark.parametrize("cls", [Swarm, Mesos, DockerDriver])
def test_drivers_without_nodegroup_stacks_refuse(cls: Any) -> None:
    drv = cls()
    assert not drv.supports_nodegroups()
    with pytest.raises(exc.Invalid, match="Creating nodegroups is not supported by this "
                                          "driver yet."):
        drv.create_nodegroup(None, view(), "ng-uuid", 5)
    with pytest.raises(exc.Invalid, match="Deleting nodegroups is not supported by this "
                                          "driver yet."):
        drv.delete_nodegroup(None, view(), "ng-uuid")


def test_the_view_of_a_nodegroup() -> None:
    v = view()
    ngv = v.for_nodegroup("ng-uuid")
    assert ngv.nodegroup("worker")["name"] == "gpu-workers-pool"
    assert ngv.nodegroup("master")["name"] == "default-master"
    assert ngv.labels == {"kube_tag": "v1.2"} and v.labels["kube_tag"] == "v1.1"
    assert [ng["name"] for ng in v.extra_nodegroups] == ["gpu-workers-pool"]
    assert ng_stack.busy(v) == []   # no stack yet: nothing to observe
    with pytest.raises(exc.NodeGroupNotFound):
        v.for_nodegroup("nope")
