"""Scale-down of a Heat cluster: which worker nodes go (the seeds: "Magnum will attempt to find
nodes with no containers to remove. If some nodes with containers must be removed, Magnum will
log a warning message").

:func:`removal_choice` reads the members of the worker ResourceGroup and their addresses from
the stack, asks the COE which nodes run containers (a driver's :class:`CoeQuery`, see
:mod:`coe_query`) and returns the members to remove: idle ones first, then by highest index.
When the COE cannot be asked (driver without a query, SIMULATED cloud, no API address yet,
no client certificate, unreachable within :data:`COE_QUERY_TIMEOUT`) it falls back to the
highest indexes and says why. Every choice is logged by the caller with :attr:`Choice.why`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from heatclient import exc as heat_exc

from magnum_clone_drivers.base import ClusterView
from magnum_clone_drivers.heat.coe_query import CoeQuery, CoeUnavailable, TlsMaterial

LOG = logging.getLogger(__name__)

#: seconds each request to the COE may take before the choice falls back to highest index
COE_QUERY_TIMEOUT = 5.0


@dataclass(frozen=True)
class Member:
    """One member of the worker ResourceGroup and the addresses its node is known by."""

    name: str
    addresses: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Choice:
    remove: list[str]
    busy: list[str]          # chosen members that run containers (a warning is due)
    why: str                 # how the choice was made, for the log
    warn: bool = False       # the COE should have been asked but could not be


def index_key(name: str) -> tuple[int, int | str]:
    """Order of ResourceGroup members: numerically ("10" after "9"), other names after."""
    return (0, int(name)) if name.isdigit() else (1, name)


def choose(members: Sequence[Member], node_count: int, busy_hosts: set[str] | None
           ) -> tuple[list[str], list[str]]:
    """(members to remove, those of them that are busy): idle first, then highest index.

    ``busy_hosts`` None means the COE was not asked: every member counts as idle, so the
    result is simply the highest indexes.
    """
    excess = len(members) - node_count
    if excess <= 0:
        return [], []
    ordered = sorted(members, key=lambda m: index_key(m.name), reverse=True)
    busy = {m.name for m in ordered if busy_hosts is not None and m.addresses & busy_hosts}
    ranked = [m for m in ordered if m.name not in busy] + [m for m in ordered if m.name in busy]
    chosen = [m.name for m in ranked[:excess]]
    return chosen, [n for n in chosen if n in busy]


def _as_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def group_members(hc: Any, stack_id: str, group: str, address_outputs: Sequence[str]
                  ) -> list[Member]:
    """Members of ``group`` with their addresses. Heat lists a ResourceGroup's attribute values
    in member order, so the n-th address of each output belongs to the n-th member (by index);
    when the lengths disagree (a member without an address yet) no addresses are attached."""
    nested = hc.resources.get(stack_id, group).physical_resource_id
    names = sorted((r.resource_name for r in hc.resources.list(nested)), key=index_key)
    stack = hc.stacks.get(stack_id)
    outs = {o["output_key"]: o.get("output_value") for o in (stack.outputs or [])}
    per_member: list[set[str]] = [set() for _ in names]
    for key in address_outputs:
        values = _as_list(outs.get(key))
        if values is None or len(values) != len(names):
            continue
        for addrs, value in zip(per_member, values, strict=True):
            if value:
                addrs.add(value)
    return [Member(n, frozenset(a)) for n, a in zip(names, per_member, strict=True)]


def client_tls(view: ClusterView, context: Any = None) -> TlsMaterial | None:
    """None for a cluster with TLS disabled; else the cluster CA and the service's client
    certificate (``magnum_cert_ref``, see conductor/certs.py) as far as the cluster has them.
    :class:`CoeUnavailable` when stored material cannot be read."""
    if view.template.get("tls_disabled"):
        return None
    from magnum_clone.common.certificates import cluster_certs
    from magnum_clone.common.certificates import exceptions as cert_exc
    from magnum_clone.conductor import certs

    refs = cluster_certs.ClusterCertRefs.from_cluster(view.cluster)
    if not refs.ca_cert_ref:
        return TlsMaterial()
    try:
        mgr = certs.manager(context, None)
        ca = cluster_certs.get_ca(refs, mgr)
        if not refs.magnum_cert_ref:
            return TlsMaterial(ca_pem=ca)
        client = cluster_certs.get_client_cert(refs, mgr)
    except cert_exc.CertificateError as e:
        raise CoeUnavailable(f"reading the cluster's certificates failed: {e}") from None
    return TlsMaterial(ca_pem=ca, cert_pem=client.cert_pem, key_pem=client.key_pem)


def removal_choice(hc: Any, view: ClusterView, *, group: str, address_outputs: Sequence[str],
                   node_count: int, query: CoeQuery | None, simulated: bool,
                   timeout: float = COE_QUERY_TIMEOUT, context: Any = None,
                   stack_id: str | None = None) -> Choice:
    """The members of ``group`` to remove to reach ``node_count`` (see the module docstring);
    ``group`` is in ``stack_id`` (default: the cluster's stack; an extra nodegroup's own)."""
    stack_id = stack_id or view.cluster["stack_id"]
    try:
        members = group_members(hc, stack_id, group, address_outputs)
    except heat_exc.HTTPException as e:
        return Choice([], [], f"the members of {group} could not be listed ({e}); Heat "
                              "removes the highest indexes", warn=True)
    if len(members) <= node_count:
        return Choice([], [], f"{group} has {len(members)} members: nothing to remove")
    busy_hosts, why, warn = _ask(view, members, query, simulated, timeout, context)
    remove, busy = choose(members, node_count, busy_hosts)
    return Choice(remove, busy, why, warn)


def _ask(view: ClusterView, members: Sequence[Member], query: CoeQuery | None,
         simulated: bool, timeout: float, context: Any) -> tuple[set[str] | None, str, bool]:
    """(busy hosts or None, why, whether falling back deserves a warning)."""
    fallback = "highest index first"
    if query is None:
        return None, f"{fallback}: this driver cannot ask its COE which nodes are idle", False
    if simulated:
        return None, (f"{fallback}: SIMULATED cloud, its node addresses are not real, so the "
                      f"{query.name} was not contacted"), False
    api = view.cluster.get("api_address")
    if not api:
        return None, (f"{fallback}: the cluster has no API address to ask the {query.name} "
                      "at"), True
    if not any(m.addresses for m in members):
        return None, f"{fallback}: the stack gives no addresses for the worker nodes", True
    try:
        tls = client_tls(view, context) if query.uses_tls else None
        busy = query.busy_hosts(str(api), tls, timeout)
    except CoeUnavailable as e:
        return None, f"{fallback}: the {query.name} at {api} could not be asked ({e})", True
    return busy, (f"nodes without containers first (per the {query.name} at {api}), then "
                  "highest index"), False


def log_choice(view: ClusterView, node_count: int, choice: Choice, param: str) -> None:
    uuid = view.cluster["uuid"]
    LOG.log(logging.WARNING if choice.warn else logging.INFO,
            "Cluster %s: scaling down to %d removes members %s (%s); sent to Heat as %s",
            uuid, node_count, ", ".join(choice.remove) or "(none)", choice.why, param)
    if choice.busy:
        LOG.warning("Cluster %s: the scale-down must remove members running containers: %s",
                    uuid, ", ".join(choice.busy))
