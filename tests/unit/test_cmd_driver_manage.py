from __future__ import annotations

from typing import Any

from magnum_clone.cmd import driver_manage

ALL = ("k8s_fedora_coreos_v1", "k8s_fedora_atomic_v1", "k8s_coreos_v1", "k8s_fedora_ironic_v1",
       "swarm_fedora_atomic_v2", "mesos_ubuntu_v1", "example_docker_v1")


def test_list_details_names_every_driver_and_its_tuple(capsys: Any) -> None:
    driver_manage.main(["list", "--details", "--paths"])
    out = capsys.readouterr().out
    for name in ALL:
        assert f"| {name} " in out
    assert "fedora-coreos" in out and "kubecluster.yaml" in out and "(by name)" in out
