"""Scale-down of the Heat drivers: which worker-group members go, and that the choice reaches
Heat as the removal list.

The COE is a real local HTTP(S) server standing in for Marathon / the Kubernetes API / the
Docker API (``_coe_stand_in``); Heat is a recording fake (``RecordingHeat``) since only the
parameters handed to ``stacks.update`` are checked here (the functional tests scale on a
real Heat).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from magnum_clone.common.certificates import managers, x509
from magnum_clone.conf import CONF
from magnum_clone_drivers.base import ClusterView
from magnum_clone_drivers.heat import scale
from magnum_clone_drivers.heat.coe_query import TlsMaterial
from magnum_clone_drivers.heat.driver import HeatDriver
from magnum_clone_drivers.k8s_fedora_coreos_v1.driver import Driver as FcosDriver
from magnum_clone_drivers.mesos_ubuntu_v1.driver import Driver as MesosDriver
from magnum_clone_drivers.swarm_fedora_atomic_v2.driver import Driver as SwarmDriver
from tests.unit.drivers import _coe_stand_in as stand_in
from tests.unit.drivers import _render as r

ADDRESSES = ["10.0.0.50", "10.0.0.51", "10.0.0.52"]


class RecordingHeat:
    """A fake heatclient: a worker ResourceGroup with members 0..n-1 whose private addresses
    are the stack output ``<minions_private>``; records every ``stacks.update``."""

    def __init__(self, group: str, private_output: str, addresses: list[str]) -> None:
        self.updates: list[dict[str, Any]] = []
        outputs = [{"output_key": private_output, "output_value": addresses}]
        members = [SimpleNamespace(resource_name=str(n)) for n in range(len(addresses))]
        heat = self

        class Resources:
            def get(self, stack_id: str, name: str) -> Any:
                assert (stack_id, name) == ("stack-1", group)
                return SimpleNamespace(physical_resource_id="nested-1")

            def list(self, stack_id: str) -> list[Any]:
                assert stack_id == "nested-1"
                return list(reversed(members))    # Heat's order is not the index order

        class Stacks:
            def get(self, stack_id: str) -> Any:
                return SimpleNamespace(outputs=outputs)

            def update(self, stack_id: str, **kw: Any) -> None:
                heat.updates.append({"stack_id": stack_id, **kw})

        self.resources = Resources()
        self.stacks = Stacks()


@pytest.fixture()
def real_cloud() -> Iterator[None]:
    CONF.set_override("simulated_cloud", False, group="heat")
    yield
    CONF.clear_override("simulated_cloud", group="heat")


def _scale(monkeypatch: pytest.MonkeyPatch, drv: HeatDriver, view: ClusterView,
           node_count: int, nodes_to_remove: tuple[str, ...] = ()) -> dict[str, Any]:
    from magnum_clone.common.clients import heat

    o = drv.outputs
    hc = RecordingHeat(str(o.worker_group), o.minions_private, ADDRESSES)
    monkeypatch.setattr(heat, "client", lambda project: hc)
    drv.scale_cluster(None, view, nodegroup={}, node_count=node_count,
                      nodes_to_remove=list(nodes_to_remove), rollback=False)
    assert len(hc.updates) == 1 and hc.updates[0]["existing"] is True
    return dict(hc.updates[0]["parameters"])


def _view(api_address: str, **template: Any) -> ClusterView:
    return r.view(stack_id="stack-1", api_address=api_address,
                  template={"tls_disabled": True, **template})


def _marathon(busy: list[str]) -> dict[str, Any]:
    return {"/v2/tasks": {"tasks": [{"id": f"app.{i}", "host": h} for i, h in enumerate(busy)]}}


# ---- the choice itself -----------------------------------------------------------------------

def test_choose_idle_first_then_highest_index() -> None:
    members = [scale.Member(str(i), frozenset({f"10.0.0.{50 + i}"})) for i in (0, 2, 10, 3)]
    assert scale.choose(members, 2, None) == (["10", "3"], [])          # numeric order
    assert scale.choose(members, 2, {"10.0.0.60"}) == (["3", "2"], [])   # 10 is busy
    # both idle ones, then the highest busy one
    assert scale.choose(members, 1, {"10.0.0.60", "10.0.0.53"}) == (["2", "0", "10"], ["10"])
    assert scale.choose(members, 4, set()) == ([], [])


# ---- the removal list handed to stacks.update ----------------------------------------------

def test_mesos_removes_the_agent_marathon_reports_idle(
        monkeypatch: pytest.MonkeyPatch, real_cloud: None, caplog: Any) -> None:
    with stand_in.running(_marathon(["10.0.0.52", "10.0.0.50"])) as marathon:
        caplog.set_level(logging.INFO)
        params = _scale(monkeypatch, MesosDriver(), _view(marathon.url), 2)
    assert params == {"number_of_slaves": 2, "slaves_to_remove": ["1"]}
    assert [q.path for q in marathon.requests] == ["/v2/tasks"]
    assert "removes members 1 (nodes without containers first (per the Marathon" in caplog.text
    assert "running containers" not in caplog.text


def test_busy_nodes_that_must_go_are_warned_about(
        monkeypatch: pytest.MonkeyPatch, real_cloud: None, caplog: Any) -> None:
    with stand_in.running(_marathon(["10.0.0.52", "10.0.0.50"])) as marathon:
        caplog.set_level(logging.INFO)
        params = _scale(monkeypatch, MesosDriver(), _view(marathon.url), 0)
    assert params["slaves_to_remove"] == ["1", "2", "0"]
    warnings = [rec.getMessage() for rec in caplog.records if rec.levelno == logging.WARNING]
    assert warnings == ["Cluster c-uuid: the scale-down must remove members running "
                        "containers: 2, 0"]


def test_kubernetes_removes_the_worker_without_pods(
        monkeypatch: pytest.MonkeyPatch, real_cloud: None) -> None:
    routes = {"/api/v1/nodes": {"items": [
        {"metadata": {"name": f"w{i}"}, "status": {"addresses": [{"address": a}]}}
        for i, a in enumerate(ADDRESSES)]},
        "/api/v1/pods": {"items": [{"spec": {"nodeName": "w2"}, "metadata": {},
                                    "status": {"phase": "Running"}},
                                   {"spec": {"nodeName": "w0"}, "metadata": {},
                                    "status": {"phase": "Running"}}]}}
    with stand_in.running(routes) as api:
        params = _scale(monkeypatch, FcosDriver(), _view(api.url), 2)
    assert params == {"number_of_minions": 2, "minions_to_remove": ["1"]}


def test_swarm_passes_its_removal_list(monkeypatch: pytest.MonkeyPatch,
                                       real_cloud: None) -> None:
    routes = {"/nodes": [{"ID": f"n{i}", "Status": {"Addr": a}}
                         for i, a in enumerate(ADDRESSES)],
              "/tasks": [{"NodeID": "n2"}]}
    with stand_in.running(routes) as docker:
        address = docker.url.replace("http://", "tcp://")
        params = _scale(monkeypatch, SwarmDriver(), _view(address), 2)
    assert params == {"number_of_nodes": 2, "nodes_to_remove": ["1"]}


def test_simulated_cloud_falls_back_without_connecting(monkeypatch: pytest.MonkeyPatch,
                                                       caplog: Any) -> None:
    assert CONF.heat.simulated_cloud
    with stand_in.running(_marathon(["10.0.0.52"])) as marathon:
        caplog.set_level(logging.INFO)
        params = _scale(monkeypatch, MesosDriver(), _view(marathon.url), 2)
    assert params["slaves_to_remove"] == ["2"]
    assert marathon.requests == []
    assert "highest index first: SIMULATED cloud" in caplog.text
    assert "Marathon was not contacted" in caplog.text


def test_unreachable_coe_falls_back_to_highest_index(
        monkeypatch: pytest.MonkeyPatch, real_cloud: None, caplog: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    caplog.set_level(logging.INFO)
    params = _scale(monkeypatch, MesosDriver(), _view(f"http://127.0.0.1:{port}"), 1)
    assert params["slaves_to_remove"] == ["2", "1"]
    warning = [rec.getMessage() for rec in caplog.records if rec.levelno == logging.WARNING]
    assert len(warning) == 1 and "could not be asked" in warning[0] and "refused" in warning[0]


def test_named_nodes_are_sent_as_given_and_the_coe_is_not_asked(
        monkeypatch: pytest.MonkeyPatch, real_cloud: None) -> None:
    with stand_in.running(_marathon([])) as marathon:
        params = _scale(monkeypatch, MesosDriver(), _view(marathon.url), 2,
                        nodes_to_remove=("server-uuid-0",))
    assert params == {"number_of_slaves": 2, "slaves_to_remove": ["server-uuid-0"]}
    assert marathon.requests == []


def test_scale_up_sends_no_removal_list(monkeypatch: pytest.MonkeyPatch, real_cloud: None,
                                        caplog: Any) -> None:
    with stand_in.running(_marathon([])) as marathon:
        caplog.set_level(logging.INFO)
        params = _scale(monkeypatch, MesosDriver(), _view(marathon.url), 5)
    assert params == {"number_of_slaves": 5}
    assert marathon.requests == [] and "scaling down" not in caplog.text


# ---- the service's client certificate, from the cert manager --------------------------------

@pytest.fixture()
def cert_manager(db: object) -> Iterator[Any]:
    from magnum_clone.conductor import certs

    CONF.set_override("x509keypair_encryption_keys", [managers.generate_encryption_key()],
                      group="certificates")
    yield certs.manager(None, None)
    CONF.clear_override("x509keypair_encryption_keys", group="certificates")


def test_kubernetes_over_tls_with_the_stored_client_certificate(
        monkeypatch: pytest.MonkeyPatch, real_cloud: None, cert_manager: Any) -> None:
    from magnum_clone.common.certificates import cluster_certs

    refs = cluster_certs.create_cluster_certificates(
        "scale", cert_manager, cluster_certs.X509Options(rsa_key_size=2048))
    server = cluster_certs.issue_server_certificate(refs, cert_manager, ["127.0.0.1"],
                                                    options=cluster_certs.X509Options(
                                                        rsa_key_size=2048))
    ca = cert_manager.get_cert(refs.ca_cert_ref)
    routes = {"/api/v1/nodes": {"items": [{"metadata": {"name": a}} for a in ADDRESSES]},
              "/api/v1/pods": {"items": [{"spec": {"nodeName": "10.0.0.52"}}]}}
    tls = stand_in.ServerTls(ca=x509.KeyPair(ca.cert_pem, b"", None), server=server)
    with stand_in.running(routes, tls=tls) as api:
        view = r.view(stack_id="stack-1", api_address=api.url, **refs.as_dict())
        params = _scale(monkeypatch, FcosDriver(), view, 2)
    assert params["minions_to_remove"] == ["1"]
    assert {q.client_cn for q in api.requests} == {"admin"}


def test_client_tls_without_stored_material() -> None:
    assert scale.client_tls(r.view(template={"tls_disabled": True})) is None
    assert scale.client_tls(r.view()) == TlsMaterial()   # anonymous, system CAs
