"""The scale-down query of each COE, against a real local HTTP(S) server that stands in for the
COE's API (tests/unit/drivers/_coe_stand_in.py): what is asked, what counts as a busy node,
and every way of not getting an answer."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from magnum_clone.common.certificates import x509
from magnum_clone_drivers.heat import coe_query
from magnum_clone_drivers.heat.coe_query import CoeUnavailable, TlsMaterial
from tests.unit.drivers import _coe_stand_in as stand_in


def _node(name: str, ip: str) -> dict[str, Any]:
    return {"metadata": {"name": name},
            "status": {"addresses": [{"type": "InternalIP", "address": ip},
                                     {"type": "Hostname", "address": name}]}}


def _pod(node: str | None, phase: str = "Running", owner: str | None = "ReplicaSet",
         mirror: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {"ownerReferences": [{"kind": owner}] if owner else []}
    if mirror:
        meta["annotations"] = {"kubernetes.io/config.mirror": "abc"}
    return {"metadata": meta, "spec": {"nodeName": node} if node else {},
            "status": {"phase": phase}}


K8S_ROUTES = {
    "/api/v1/nodes": {"kind": "NodeList", "items": [
        _node("c-minion-0", "10.0.0.50"), _node("c-minion-1", "10.0.0.51"),
        _node("c-minion-2", "10.0.0.52"), _node("c-minion-3", "10.0.0.53"),
        _node("c-master-0", "10.0.0.10")]},
    "/api/v1/pods": {"kind": "PodList", "items": [
        _pod("c-minion-1"),                                   # a workload: busy
        _pod("c-minion-0", owner="DaemonSet"),                # on every node: not a workload
        _pod("c-minion-2", phase="Succeeded"),                # finished
        _pod("c-minion-3", owner=None, mirror=True),          # static pod
        _pod("c-master-0", owner=None),                       # a bare pod on the master
        _pod(None, phase="Pending")]},                        # not scheduled yet
}


@pytest.fixture(scope="module")
def pki() -> dict[str, x509.KeyPair]:
    ca = x509.generate_ca("stand-in-ca", 2048)
    other = x509.generate_ca("another-ca", 2048)
    return {"ca": ca, "client": x509.generate_client_cert(ca, key_size=2048),
            "other": other, "stranger": x509.generate_client_cert(other, key_size=2048)}


def _material(ca: x509.KeyPair, client: x509.KeyPair | None) -> TlsMaterial:
    if client is None:
        return TlsMaterial(ca_pem=ca.cert_pem)
    return TlsMaterial(ca_pem=ca.cert_pem, cert_pem=client.cert_pem,
                       key_pem=x509.decrypt_private_key(client.key_pem, client.passphrase))


def test_kubernetes_pods_per_node_over_tls_with_the_client_certificate(
        pki: dict[str, x509.KeyPair]) -> None:
    with stand_in.running(K8S_ROUTES, tls=stand_in.server_tls(pki["ca"])) as api:
        busy = coe_query.KUBERNETES.busy_hosts(api.url, _material(pki["ca"], pki["client"]), 5)
    # the workload node and the master (by name and address); DaemonSet, finished, mirror
    # and unscheduled pods do not make a node busy
    assert busy == {"c-minion-1", "10.0.0.51", "c-master-0", "10.0.0.10"}
    assert [r.path for r in api.requests] == ["/api/v1/nodes", "/api/v1/pods"]
    assert "fieldSelector=status.phase" in api.requests[1].query
    assert {r.client_cn for r in api.requests} == {"admin"}


def test_kubernetes_refuses_a_client_without_the_right_certificate(
        pki: dict[str, x509.KeyPair]) -> None:
    with stand_in.running(K8S_ROUTES, tls=stand_in.server_tls(pki["ca"])) as api:
        with pytest.raises(CoeUnavailable, match="/api/v1/nodes failed"):
            coe_query.KUBERNETES.busy_hosts(api.url, _material(pki["ca"], None), 5)
        with pytest.raises(CoeUnavailable, match="/api/v1/nodes failed"):
            coe_query.KUBERNETES.busy_hosts(api.url, _material(pki["ca"], pki["stranger"]), 5)
        # a server whose certificate the cluster CA did not sign is not trusted
        with pytest.raises(CoeUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
            coe_query.KUBERNETES.busy_hosts(api.url, _material(pki["other"], pki["client"]), 5)


def test_kubernetes_without_tls() -> None:
    with stand_in.running(K8S_ROUTES) as api:
        assert "10.0.0.51" in coe_query.KUBERNETES.busy_hosts(api.url, None, 5)


def test_marathon_tasks_per_host() -> None:
    routes = {"/v2/tasks": {"tasks": [{"id": "web.1", "host": "10.0.0.51", "state": "running"},
                                      {"id": "web.2", "host": "10.0.0.51"},
                                      {"id": "db.1", "host": "10.0.0.53"}]}}
    with stand_in.running(routes) as marathon:
        busy = coe_query.MARATHON.busy_hosts(marathon.url, None, 5)
    assert busy == {"10.0.0.51", "10.0.0.53"}
    assert [r.path for r in marathon.requests] == ["/v2/tasks"]


def test_swarm_running_tasks_per_node(pki: dict[str, x509.KeyPair]) -> None:
    routes = {"/nodes": [
        {"ID": "n0", "Description": {"Hostname": "s-node-0"}, "Status": {"Addr": "10.0.0.50"}},
        {"ID": "n1", "Description": {"Hostname": "s-node-1"}, "Status": {"Addr": "10.0.0.51"}}],
        "/tasks": [{"ID": "t1", "NodeID": "n1", "Status": {"State": "running"}}]}
    with stand_in.running(routes, tls=stand_in.server_tls(pki["ca"])) as docker:
        address = docker.url.replace("https://", "tcp://")   # the cluster's DOCKER_HOST form
        busy = coe_query.SWARM.busy_hosts(address, _material(pki["ca"], pki["client"]), 5)
    assert busy == {"s-node-1", "10.0.0.51"}
    assert "desired-state" in docker.requests[1].query


@pytest.mark.parametrize("status", [401, 503])
def test_http_errors_are_unavailable(status: int) -> None:
    with stand_in.running({"/v2/tasks": {"message": "no"}}) as marathon:
        marathon.status = status
        with pytest.raises(CoeUnavailable, match=f"HTTP {status}"):
            coe_query.MARATHON.busy_hosts(marathon.url, None, 5)


def test_an_unexpected_document_is_unavailable() -> None:
    with stand_in.running({"/v2/tasks": {"apps": []}}) as marathon:
        with pytest.raises(CoeUnavailable, match="no list of tasks"):
            coe_query.MARATHON.busy_hosts(marathon.url, None, 5)


def test_nothing_listening_is_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(CoeUnavailable, match="refused"):
        coe_query.MARATHON.busy_hosts(f"http://127.0.0.1:{port}", None, 5)


@pytest.fixture()
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) but never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield s.getsockname()[1]


def test_a_silent_coe_times_out_quickly(silent_port: int) -> None:
    start = time.monotonic()
    with pytest.raises(CoeUnavailable, match="timed out"):
        coe_query.MARATHON.busy_hosts(f"http://127.0.0.1:{silent_port}", None, 0.3)
    assert time.monotonic() - start < 3
