"""Template definitions: a flat, declarative mapping from a cluster to Heat parameters.

Rendering is a pure function: :meth:`TemplateDefinition.render` takes a :class:`RenderInput`
(the cluster view plus every value looked up beforehand) and returns a :class:`StackSpec`.
Parameter tables are lists of :class:`Param` rows built with the small helpers below, so a
driver reads like the reference's parameter table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from heatclient.common import template_utils

from magnum_clone_drivers.base import ClusterView

Source = Callable[["RenderInput"], Any]


@dataclass(frozen=True)
class RenderInput:
    """Everything rendering needs; lookups (networks, keys, URLs) are done before."""

    view: ClusterView
    lookups: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Param:
    """One Heat parameter and where its value comes from (None = not sent)."""

    name: str
    source: Source


@dataclass(frozen=True)
class StackSpec:
    stack_name: str
    template: dict[str, Any]
    files: dict[str, str]
    environment: dict[str, Any]
    parameters: dict[str, Any]
    tags: list[str]
    timeout_mins: int


# ---- value sources -------------------------------------------------------------------------

def cluster(attr: str) -> Source:
    return lambda i: i.view.cluster.get(attr)


def template(attr: str) -> Source:
    return lambda i: i.view.template.get(attr)


def nodegroup(role: str, attr: str) -> Source:
    return lambda i: i.view.nodegroup(role).get(attr)


def label(name: str, convert: Callable[[str], Any] = str) -> Source:
    """A cluster label if set (converted), else None so Heat uses the template default."""

    def _get(i: RenderInput) -> Any:
        value = i.view.labels.get(name)
        return None if value is None else convert(value)

    return _get


def lookup(key: str) -> Source:
    return lambda i: i.lookups.get(key)


def const(value: Any) -> Source:
    return lambda _i: value


def first(*sources: Source) -> Source:
    """The first source whose value is not None."""

    def _get(i: RenderInput) -> Any:
        for s in sources:
            v = s(i)
            if v is not None:
                return v
        return None

    return _get


def to_bool(value: str) -> bool:
    return value.strip().lower() in ("1", "t", "true", "on", "y", "yes")


#: the tags of an extra nodegroup's stack (besides the cluster's): which nodegroup, and that
#: it is not a cluster stack (a cluster's lookup by tag skips these)
NODEGROUP_TAG = "magnum_clone_nodegroup="
NODEGROUP_KIND_TAG = "magnum_clone_stack=nodegroup"


def stack_name(cluster_name: str, suffix: str) -> str:
    """Heat stack names: the cluster name cut to 30, `_`/`.` -> `-`, a short suffix."""
    base = re.sub(r"[^A-Za-z0-9-]", "", cluster_name[:30].replace("_", "-").replace(".", "-"))
    return f"{base or 'cluster'}-{suffix}".lower()


@functools.lru_cache(maxsize=32)
def _load(path: str) -> tuple[dict[str, str], dict[str, Any]]:
    files, tpl = template_utils.get_template_contents(template_file=path)
    return dict(files), dict(tpl)


@dataclass(frozen=True)
class TemplateDefinition:
    template_path: str
    params: Sequence[Param]
    environment: Callable[[RenderInput], tuple[dict[str, Any], dict[str, str]]] | None = None

    def parameters(self, inp: RenderInput) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for p in self.params:
            value = p.source(inp)
            if value is not None:
                out[p.name] = value
        return out

    def render(self, inp: RenderInput, *, name_suffix: str, timeout_mins: int) -> StackSpec:
        """The cluster's stack (``is_cluster_stack`` true), or, for the view of one extra
        nodegroup (``inp.view.worker`` set), that nodegroup's own stack: named
        ``<cluster[:20]>-<nodegroup[:9]>-<suffix>``, tagged with the nodegroup too."""
        files, tpl = _load(self.template_path)
        env: dict[str, Any] = {}
        env_files: dict[str, str] = {}
        if self.environment is not None:
            env, env_files = self.environment(inp)
        c = inp.view.cluster
        name = c.get("name") or c["uuid"]
        tags = [f"magnum_clone_cluster={c['uuid']}", f"project={c.get('project_id')}"]
        ng = inp.view.worker
        if ng is not None:
            name = f"{name[:20]}-{ng['name'][:9]}"
            tags += [f"{NODEGROUP_TAG}{ng['uuid']}", NODEGROUP_KIND_TAG]
        return StackSpec(
            stack_name=stack_name(name, name_suffix),
            template=tpl, files={**files, **env_files}, environment=env,
            parameters=self.parameters(inp), tags=tags, timeout_mins=timeout_mins)


def simulated_cloud(inp: RenderInput) -> tuple[dict[str, Any], dict[str, str]]:
    """Environment source for any driver: the SIMULATED cloud under Heat (``drivers/sim``) when
    ``[heat] simulated_cloud`` is on, else nothing (the real cloud's resource types)."""
    from magnum_clone.conf import CONF

    if not CONF.heat.simulated_cloud:
        return {}, {}
    from magnum_clone_drivers import sim

    return sim.simulated_environment(inp.view.labels)
