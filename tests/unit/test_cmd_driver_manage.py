from __future__ import annotations

import subprocess
from typing import Any

import pytest

from tests.fixtures import processes

ALL = ("k8s_fedora_coreos_v1", "k8s_fedora_atomic_v1", "k8s_coreos_v1", "k8s_fedora_ironic_v1",
       "swarm_fedora_atomic_v2", "mesos_ubuntu_v1", "example_docker_v1")


def _table(capsys: Any, *argv: str) -> tuple[list[str], list[list[str]]]:
    """Run the real console script (a process of its own: it parses the global config and
    sets up logging, which must not leak into the other tests of this process)."""
    out = subprocess.run([processes.script("magnum-clone-driver-manage"), "list", *argv],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    lines = [ln for ln in out.splitlines() if ln.startswith("|")]
    cells = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]
    return cells[0], cells[1:]


def test_list_details_shows_tuple_and_template_path(capsys: Any) -> None:
    header, rows = _table(capsys, "--details")
    assert header == ["Name", "Server_Type", "OS", "COE", "Template Path"]
    assert {r[0] for r in rows} == set(ALL)
    by = {(r[0], r[3]): r for r in rows}
    fcos = by[("k8s_fedora_coreos_v1", "kubernetes")]
    assert fcos[1:3] == ["vm", "fedora-coreos"]
    assert fcos[4].endswith("k8s_fedora_coreos_v1/templates/kubecluster.yaml")
    assert by[("k8s_fedora_ironic_v1", "kubernetes")][1] == "bm"
    # swarm mode answers both COE names, one row each
    assert by[("swarm_fedora_atomic_v2", "swarm-mode")][4].endswith("swarmcluster.yaml")
    assert ("swarm_fedora_atomic_v2", "swarm") in by
    example = [r for r in rows if r[0] == "example_docker_v1"]
    assert example == [["example_docker_v1", "(by name)", "-", "-", example[0][4]]]
    assert example[0][4].endswith("server.yaml")


@pytest.mark.parametrize("argv", [["--paths"], ["-p"], ["-d", "-p"]])
def test_paths_flag_still_works(capsys: Any, argv: list[str]) -> None:
    header, rows = _table(capsys, *argv)
    assert header[-1] == "Template Path" and header.count("Template Path") == 1
    assert all(r[-1].endswith(".yaml") for r in rows)


def test_plain_list_is_names_only(capsys: Any) -> None:
    header, rows = _table(capsys)
    assert header == ["Name"]
    assert sorted(r[0] for r in rows) == sorted(ALL)
