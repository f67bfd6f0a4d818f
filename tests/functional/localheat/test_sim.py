"""The simulated cloud: its provider templates, its label handling, its servers.

* the provider templates still match the installed Heat's resource interfaces
  (``gen_providers.py --check``, run with the Heat virtualenv's Python);
* every OpenStack resource type any driver template uses is simulated;
* ``sim_fail`` targets reach exactly the servers the documented rule names,
  checked against a model of how Heat hands the registry down to nested stacks;
* a simulated server boots in ``sim_boot_seconds`` and says it is simulated.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import subprocess
import time
from typing import Any

import pytest
import yaml

from magnum_clone.localheat.process import find_heat_python
from magnum_clone_drivers import sim

from .conftest import REPO, outputs, wait_stack

# Heat-native types that need no other OpenStack service (and no Keystone).
HEAT_NATIVE = {"OS::Heat::Value", "OS::Heat::ResourceGroup", "OS::Heat::SoftwareConfig",
               "OS::Heat::MultipartMime", "OS::Heat::CloudConfig", "OS::Heat::RandomString",
               "OS::Heat::None", "OS::Heat::TestResource"}


def test_provider_templates_match_installed_heat() -> None:
    script = os.path.join(REPO, "drivers", "sim", "gen_providers.py")
    proc = subprocess.run([find_heat_python(), script, "--check"], capture_output=True,
                          text=True, timeout=180, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _resource_types(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        rtype = node.get("type")
        if isinstance(rtype, str) and rtype.startswith("OS::"):
            found.add(rtype)
        for value in node.values():
            found |= _resource_types(value)
    elif isinstance(node, list):
        for value in node:
            found |= _resource_types(value)
    return found


def test_every_openstack_type_of_the_drivers_is_simulated() -> None:
    used: set[str] = set()
    for path in glob.glob(os.path.join(REPO, "drivers", "*", "templates", "*.yaml")):
        if os.sep + "sim" + os.sep in path:
            continue
        with open(path) as f:
            used |= _resource_types(yaml.safe_load(f).get("resources", {}))
    environment, files = sim.simulated_environment({})
    mapped = {t for t in environment["resource_registry"] if t != "resources"}
    assert used - HEAT_NATIVE <= mapped, sorted(used - HEAT_NATIVE - mapped)
    for url in environment["resource_registry"].values():
        assert url in files


def _child_registry(resources: dict[str, Any], child: str) -> dict[str, Any]:
    """Heat's rule (environment.get_child_environment / remove_resources_except)."""
    new: dict[str, Any] = {}
    for pattern, sub in resources.items():
        if isinstance(sub, dict) and fnmatch.fnmatchcase(child, pattern):
            new.update(sub)
    if isinstance(resources.get(child), dict):
        new.update(resources[child])
    return new


def _server_fails(registry: dict[str, Any], server_path: list[str]) -> bool:
    for name in server_path:
        registry = _child_registry(registry, name)
    return sim.BOOT_RESOURCE_TYPE in registry.get(sim.BOOT_RESOURCE, {})


SERVERS = [
    ["kube_masters", "0", "kube-master"],
    ["kube_masters", "2", "kube-master"],
    ["kube_minions", "0", "kube-minion"],
    ["kube_minions", "1", "kube-minion"],
    ["swarm_primary_master", "0", "swarm-master"],
    ["example_server"],
]


@pytest.mark.parametrize("label", [
    "master", "minion", "worker", "kube_masters", "kube-minion", "kube_minions/1",
    "kube_*/0", "example_server", "kube_masters,kube_minions/0", "nothing-matches",
])
def test_fail_label_reaches_exactly_the_named_servers(label: str) -> None:
    environment, _ = sim.simulated_environment({"sim_fail": label})
    registry = environment["resource_registry"]["resources"]
    targets = sim.parse_fail_targets(label)
    for path in SERVERS:
        assert _server_fails(registry, path) == sim.matches_target(path, targets), (label, path)
    assert any(_server_fails(registry, p) for p in SERVERS) == (label != "nothing-matches")


def test_labels_are_checked() -> None:
    with pytest.raises(sim.SimulationLabelError):
        sim.simulated_environment({"sim_boot_seconds": "soon"})
    with pytest.raises(sim.SimulationLabelError):
        sim.simulated_environment({"fixed_subnet_cidr": "fd00::/64"})
    with pytest.raises(sim.SimulationLabelError):
        sim.simulated_environment({"sim_fail": "a//b"})
    environment, _ = sim.simulated_environment({"sim_boot_seconds": "3",
                                                "fixed_subnet_cidr": "192.168.5.0/24"})
    assert environment["parameter_defaults"] == {"sim_private_prefix": "192.168.5",
                                                 "sim_boot_seconds": 3}
    assert "resources" not in environment["resource_registry"]


SERVER_TEMPLATE = {
    "heat_template_version": "2021-04-16",
    "resources": {
        "server": {"type": "OS::Nova::Server",
                   "properties": {"name": "demo-master-3", "flavor": "m1.small",
                                  "image": "fedora-coreos-latest"}},
    },
    "outputs": {
        "address": {"value": {"get_attr": ["server", "first_address"]}},
        "show": {"value": {"get_attr": ["server", "show"]}},
    },
}


@pytest.mark.heat
def test_simulated_server_boot_time_and_address(hc: Any) -> None:
    environment, files = sim.simulated_environment({"sim_boot_seconds": "2"})
    started = time.monotonic()
    created = hc.stacks.create(stack_name="sim-server", template=SERVER_TEMPLATE,
                               environment=environment, files=files)
    stack = wait_stack(hc, created["stack"]["id"])
    elapsed = time.monotonic() - started
    assert stack.stack_status == "CREATE_COMPLETE", stack.stack_status_reason
    assert elapsed >= 2.0
    out = outputs(stack)
    assert out["address"] == "10.0.0.13"  # "-master-3" -> .10 + 3
    assert out["show"]["simulated"] is True
    assert "SIMULATED" in out["show"]["description"]
    hc.stacks.delete(stack.id)
