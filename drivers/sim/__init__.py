"""The SIMULATED cloud: OpenStack resources stood in for by Heat provider templates.

The embedded mode and the tests run a real Heat, but no Nova, Neutron, Cinder or
Octavia.  ``environment.yaml`` maps each OpenStack resource type our drivers'
templates use to a provider template under ``templates/`` (generated from the
installed Heat by ``gen_providers.py``, which keeps them interface-compatible
with the real types).  The stand-ins are built from Heat-native resources only
(``OS::Heat::Value``, ``OS::Heat::TestResource``, ``OS::Heat::None``) and hand out
plausible addresses: servers and ports ``<prefix>.10+n`` for ``…-master-<n>``
names and ``<prefix>.50+n`` for other ``…-<role>-<n>`` names, floating IPs
``172.24.4.x`` mirroring the fixed address, load-balancer VIPs ``<prefix>.240-253``.
Every stand-in says ``SIMULATED`` in its description and ``show`` attribute.

Cluster labels steer the simulation (they reach Heat only through the
environment built here, never as stack parameters):

``sim_boot_seconds=N``
    every simulated server takes N seconds to "boot" (environment
    ``parameter_defaults.sim_boot_seconds``, declared by the server stand-in).
``sim_fail=<target>[,<target>...]``
    the matching simulated servers fail to boot, so the stack ends
    ``CREATE_FAILED`` (or ``UPDATE_FAILED`` for servers added by a scale-up) with a
    reason naming the resource path and ``SIMULATED_failure_injected_by_label_sim_fail``.
    A target is a role word (``master``; ``minion``/``worker``/``node``), a
    resource name or fnmatch pattern at any nesting depth (``kube_masters``,
    ``kube-minion``), or a ``/``-separated path of them (``kube_minions/1``).
    Implemented with the environment's resource-specific registry: below a
    matching resource, the server stand-in's ``simulated_boot`` resource is mapped
    to ``templates/failed_boot.yaml`` (an ``OS::Heat::TestResource`` with
    ``fail: true``).
``fixed_subnet_cidr``
    (a regular label) also sets the prefix of simulated private addresses
    (``parameter_defaults.sim_private_prefix``).

Use::

    environment, files = simulated_environment(cluster.labels)
    heat.stacks.create(..., environment=merge(driver_env, environment),
                       files={**driver_files, **files})

The environment is a plain dict whose registry values are ``file://`` URLs that
are keys of ``files``; it can also be passed as the last of several
environments (Heat merges ``environment_files`` first, then ``environment``).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import os
from collections.abc import Mapping
from typing import Any

import yaml

SIM_DIR = os.path.dirname(os.path.abspath(__file__))
ENVIRONMENT_FILE = os.path.join(SIM_DIR, "environment.yaml")
TEMPLATES_DIR = os.path.join(SIM_DIR, "templates")
FAILED_BOOT_TEMPLATE = os.path.join(TEMPLATES_DIR, "failed_boot.yaml")

LABEL_FAIL = "sim_fail"
LABEL_BOOT_SECONDS = "sim_boot_seconds"
LABEL_SUBNET_CIDR = "fixed_subnet_cidr"
SIM_LABELS = (LABEL_FAIL, LABEL_BOOT_SECONDS)

# The resource inside templates/nova_server.yaml that failure injection replaces.
BOOT_RESOURCE = "simulated_boot"
BOOT_RESOURCE_TYPE = "OS::Heat::TestResource"
# How deep below the stack a sim_fail target may sit, and how deep below the
# target the failing servers may sit (cluster -> group -> member -> server is 3;
# Heat's own max_nested_stack_depth is 5).
SEARCH_DEPTH = 5
FAIL_DEPTH = 5
MAX_BOOT_SECONDS = 3600

ROLE_PATTERNS: dict[str, tuple[str, ...]] = {
    "master": ("*master*",),
    "masters": ("*master*",),
    "minion": ("*minion*", "*worker*", "*node*", "*slave*"),
    "minions": ("*minion*", "*worker*", "*node*", "*slave*"),
    "worker": ("*minion*", "*worker*", "*node*", "*slave*"),
    "workers": ("*minion*", "*worker*", "*node*", "*slave*"),
    "node": ("*minion*", "*worker*", "*node*", "*slave*"),
    "nodes": ("*minion*", "*worker*", "*node*", "*slave*"),
}


class SimulationLabelError(ValueError):
    """A sim_* label has a value the simulation cannot use."""


def file_url(path: str) -> str:
    """The ``files``/registry key for a file of this package (absolute ``file://`` URL)."""
    return "file://" + os.path.abspath(path)


def simulated_environment(labels: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Heat environment and files that simulate the cloud for a cluster with these labels.

    :returns: ``(environment, files)`` for heatclient's ``environment=`` and
        ``files=``: ``resource_registry`` (OpenStack types -> stand-ins, plus
        the failure-injection ``resources`` section when ``sim_fail`` is set) and
        ``parameter_defaults`` (``sim_private_prefix``, ``sim_boot_seconds``).
    :raises SimulationLabelError: for an unusable ``sim_boot_seconds``,
        ``sim_fail`` or ``fixed_subnet_cidr`` value.
    """
    with open(ENVIRONMENT_FILE) as f:
        base = yaml.safe_load(f)
    registry: dict[str, Any] = {
        rtype: file_url(os.path.join(SIM_DIR, rel))
        for rtype, rel in base["resource_registry"].items()
    }
    files = template_files()
    fail_targets = parse_fail_targets(labels.get(LABEL_FAIL, ""))
    if fail_targets:
        registry["resources"] = failure_registry(fail_targets, file_url(FAILED_BOOT_TEMPLATE))
    parameter_defaults = dict(base.get("parameter_defaults") or {})
    parameter_defaults["sim_private_prefix"] = private_prefix(labels.get(LABEL_SUBNET_CIDR))
    parameter_defaults["sim_boot_seconds"] = boot_seconds(labels.get(LABEL_BOOT_SECONDS))
    environment = {"resource_registry": registry, "parameter_defaults": parameter_defaults}
    return environment, files


def template_files() -> dict[str, str]:
    """Every stand-in template, keyed by its ``file://`` URL."""
    files = {}
    for name in sorted(os.listdir(TEMPLATES_DIR)):
        if name.endswith(".yaml"):
            path = os.path.join(TEMPLATES_DIR, name)
            with open(path) as f:
                files[file_url(path)] = f.read()
    return files


def boot_seconds(value: str | None) -> float:
    if value is None or str(value).strip() == "":
        return 0
    try:
        seconds = float(value)
    except ValueError:
        raise SimulationLabelError(
            f"label {LABEL_BOOT_SECONDS}={value!r} is not a number of seconds") from None
    if not 0 <= seconds <= MAX_BOOT_SECONDS:
        raise SimulationLabelError(
            f"label {LABEL_BOOT_SECONDS}={value!r} must be between 0 and {MAX_BOOT_SECONDS}")
    return int(seconds) if seconds.is_integer() else seconds


def private_prefix(cidr: str | None) -> str:
    """First three octets of the simulated private network (label fixed_subnet_cidr)."""
    if not cidr:
        return "10.0.0"
    try:
        net = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        raise SimulationLabelError(f"label {LABEL_SUBNET_CIDR}={cidr!r} is not a CIDR") from None
    if net.version != 4:
        raise SimulationLabelError(
            f"label {LABEL_SUBNET_CIDR}={cidr!r}: the simulation only models IPv4")
    return ".".join(str(net.network_address).split(".")[:3])


def parse_fail_targets(value: str | None) -> list[list[str]]:
    """``sim_fail`` label -> list of resource-name pattern paths."""
    if not value:
        return []
    targets: list[list[str]] = []
    for raw in str(value).split(","):
        raw = raw.strip()
        if not raw:
            continue
        segments = [s.strip() for s in raw.split("/")]
        if any(not s for s in segments) or len(segments) > SEARCH_DEPTH:
            raise SimulationLabelError(
                f"label {LABEL_FAIL}: bad target {raw!r} (a role, a resource name or "
                "pattern, or a path like kube_minions/1)")
        if len(segments) == 1 and segments[0].lower() in ROLE_PATTERNS:
            targets.extend([p] for p in ROLE_PATTERNS[segments[0].lower()])
        else:
            targets.append(segments)
    return targets


def _fail_tree(fail_url: str, depth: int) -> dict[str, Any]:
    """Registry subtree under a matched resource: every server below fails to boot."""
    node: dict[str, Any] = {BOOT_RESOURCE: {BOOT_RESOURCE_TYPE: fail_url}}
    if depth > 0:
        node["*"] = _fail_tree(fail_url, depth - 1)
    return node


def _path_tree(path: list[str], fail_url: str) -> dict[str, Any]:
    """``a/b/c`` -> ``{a: {b: {c: <fail tree>}}}``."""
    tree = _fail_tree(fail_url, FAIL_DEPTH)
    for pattern in reversed(path):
        tree = {pattern: tree}
    return tree


def failure_registry(targets: list[list[str]], fail_url: str,
                     depth: int = SEARCH_DEPTH) -> dict[str, Any]:
    """The ``resource_registry.resources`` section that makes matching servers fail.

    Heat builds a nested stack's registry from the entries whose key matches
    (fnmatch) the parent resource's name, merging them shallowly in insertion
    order; type mappings themselves are looked up by exact resource name.  So
    the tree below carries a ``*`` branch that keeps searching at every level
    and, after it (so its keys win the merge), a branch per target; below a
    match every level maps ``simulated_boot`` to the failing template.
    """
    node: dict[str, Any] = {}
    if depth > 1:
        node["*"] = failure_registry(targets, fail_url, depth - 1)
    for path in targets:
        if len(path) <= depth:
            node = _merge(node, _path_tree(path, fail_url))
    return node


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Deep merge; ``b`` wins, new keys keep ``b``'s order after ``a``'s."""
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
    return out


def matches_target(resource_path: list[str], targets: list[list[str]]) -> bool:
    """Whether a server at ``resource_path`` (names from the top stack down) fails.

    The pure-Python statement of the rule the registry tree implements; used by
    tests and handy for explaining a label's effect.
    """
    for path in targets:
        n = len(path)
        for start in range(len(resource_path) - n + 1):
            window = resource_path[start:start + n]
            if all(fnmatch.fnmatchcase(name, pat)
                   for name, pat in zip(window, path, strict=True)):
                return True
    return False
