"""Asking a cluster's COE which nodes run containers (the scale-down hook, see :mod:`scale`).

One small query object per COE; each answers :meth:`CoeQuery.busy_hosts`: the addresses (and
names) of the nodes that run at least one container. They speak plain HTTP(S) with the standard
library, with a short timeout, and raise :class:`CoeUnavailable` (with a sentence saying why)
for anything that prevents an answer: connection refused, timeout, TLS failure, HTTP error,
an answer that is not the expected JSON.

* Kubernetes: ``GET /api/v1/nodes`` (name and addresses of every node) and ``GET /api/v1/pods``
  (``spec.nodeName`` of every pod). Pods that do not make a node busy: finished ones
  (``Succeeded``/``Failed``), DaemonSet members (they run on every node and are recreated on
  the others anyway) and mirror pods of static manifests.
* Marathon (Mesos): ``GET /v2/tasks``; every task's ``host``.
* Docker swarm mode: ``GET /nodes`` and ``GET /tasks`` (tasks whose desired state is running);
  a task's ``NodeID`` makes that node busy.
"""

from __future__ import annotations

import json
import os
import ssl
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class CoeUnavailable(Exception):
    """The COE could not be asked; the message says why (it is logged)."""


@dataclass(frozen=True)
class TlsMaterial:
    """What the service uses with a TLS cluster: the cluster CA to verify the server (None: the
    system's CAs) and its own client certificate and clear key (None: anonymous; the key is
    kept out of ``repr``)."""

    ca_pem: bytes | None = None
    cert_pem: bytes | None = None
    key_pem: bytes | None = field(default=None, repr=False)


def _ssl_context(tls: TlsMaterial) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cadata=tls.ca_pem.decode("ascii") if tls.ca_pem else None)
    if tls.cert_pem is None or tls.key_pem is None:
        return ctx
    # load_cert_chain only reads files: a private directory that lives for this call only
    with tempfile.TemporaryDirectory(prefix="mc-coe-") as d:
        path = os.path.join(d, "client.pem")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(tls.cert_pem.rstrip(b"\n") + b"\n" + tls.key_pem)
        ctx.load_cert_chain(path)
    return ctx


def get_json(url: str, *, tls: TlsMaterial | None, timeout: float) -> Any:
    """GET ``url`` and decode its JSON body; :class:`CoeUnavailable` on any failure."""
    context = _ssl_context(tls) if tls is not None and url.startswith("https:") else None
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as resp:
            body = resp.read()
    except urllib.error.HTTPError as e:
        raise CoeUnavailable(f"GET {url} answered HTTP {e.code}") from None
    except urllib.error.URLError as e:
        raise CoeUnavailable(f"GET {url} failed: {e.reason}") from None
    except (OSError, ValueError) as e:   # timeouts, resets, TLS errors, bad URLs
        raise CoeUnavailable(f"GET {url} failed: {e}") from None
    try:
        return json.loads(body)
    except ValueError:
        raise CoeUnavailable(f"GET {url} did not answer JSON") from None


def _items(doc: Any, key: str, url: str) -> list[Mapping[str, Any]]:
    items = doc.get(key) if isinstance(doc, Mapping) else doc
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise CoeUnavailable(f"unexpected answer from {url}: no list of {key}")
    return items


class CoeQuery(Protocol):
    """Which nodes run containers, as the COE behind ``api_address`` says. ``tls`` is None
    for a cluster with TLS disabled (and for COEs that do not use it: ``uses_tls`` False)."""

    name: str
    uses_tls: bool

    def busy_hosts(self, api_address: str, tls: TlsMaterial | None, timeout: float
                   ) -> set[str]: ...


def _base(api_address: str) -> str:
    return api_address.rstrip("/")


class KubernetesQuery:
    name = "Kubernetes API"
    uses_tls = True

    def busy_hosts(self, api_address: str, tls: TlsMaterial | None, timeout: float
                   ) -> set[str]:
        base = _base(api_address)
        nodes_url = f"{base}/api/v1/nodes"
        pods_url = f"{base}/api/v1/pods?" + urllib.parse.urlencode(
            {"fieldSelector": "status.phase!=Succeeded,status.phase!=Failed"})
        names: dict[str, set[str]] = {}
        for node in _items(get_json(nodes_url, tls=tls, timeout=timeout), "items", nodes_url):
            name = str((node.get("metadata") or {}).get("name") or "")
            addrs = {str(a.get("address")) for a in (node.get("status") or {}).get(
                "addresses") or [] if isinstance(a, Mapping) and a.get("address")}
            names[name] = {name, *addrs}
        busy: set[str] = set()
        for pod in _items(get_json(pods_url, tls=tls, timeout=timeout), "items", pods_url):
            node_name = (pod.get("spec") or {}).get("nodeName")
            if node_name and _counts(pod):
                busy |= names.get(str(node_name), {str(node_name)})
        return busy


def _counts(pod: Mapping[str, Any]) -> bool:
    """Whether a pod makes its node busy (see the module docstring)."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    meta = pod.get("metadata") or {}
    if "kubernetes.io/config.mirror" in (meta.get("annotations") or {}):
        return False
    owners: Iterable[Mapping[str, Any]] = meta.get("ownerReferences") or []
    return not any(o.get("kind") == "DaemonSet" for o in owners)


class MarathonQuery:
    name = "Marathon"
    uses_tls = False   # Marathon serves plain HTTP on the masters

    def busy_hosts(self, api_address: str, tls: TlsMaterial | None, timeout: float
                   ) -> set[str]:
        url = f"{_base(api_address)}/v2/tasks"
        tasks = _items(get_json(url, tls=None, timeout=timeout), "tasks", url)
        return {str(t["host"]) for t in tasks if t.get("host")}


class SwarmQuery:
    name = "Docker swarm API"
    uses_tls = True

    def busy_hosts(self, api_address: str, tls: TlsMaterial | None, timeout: float
                   ) -> set[str]:
        # the cluster row holds DOCKER_HOST (tcp://ip:2376 with TLS, :2375 without)
        scheme = "https" if tls is not None else "http"
        base = _base(api_address).replace("tcp://", f"{scheme}://", 1)
        nodes_url = f"{base}/nodes"
        tasks_url = f"{base}/tasks?" + urllib.parse.urlencode(
            {"filters": json.dumps({"desired-state": ["running"]})})
        hosts: dict[str, set[str]] = {}
        for node in _items(get_json(nodes_url, tls=tls, timeout=timeout), "nodes", nodes_url):
            names = {str((node.get("Description") or {}).get("Hostname") or ""),
                     str((node.get("Status") or {}).get("Addr") or "")}
            hosts[str(node.get("ID"))] = {n for n in names if n}
        busy: set[str] = set()
        for task in _items(get_json(tasks_url, tls=tls, timeout=timeout), "tasks", tasks_url):
            busy |= hosts.get(str(task.get("NodeID")), set())
        return busy


KUBERNETES = KubernetesQuery()
MARATHON = MarathonQuery()
SWARM = SwarmQuery()
