"""CA rotation through the API, the conductor and a real Heat (SIMULATED servers): the
cluster goes UPDATE_IN_PROGRESS -> UPDATE_COMPLETE, the CA changes (a certificate signed before
no longer verifies, checked with the real ``openssl``) and the stack got a new service-account
key pair. Credential rotation in noauth mode is refused (nothing to rotate). No log line the
service would emit (its default log levels) carries a private key."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import pytest

from magnum_clone.common.clients import heat
from magnum_clone.conf import CONF
from magnum_clone.db import api as db_api
from tests.functional.conftest import Service
from tests.functional.test_cluster_lifecycle import TEMPLATE


def _status(want: str) -> Any:
    return lambda r: r.json["status"] == want or r.json["status"].endswith("FAILED")


def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def _stack_params(uuid: str) -> dict[str, Any]:
    row = db_api.get_instance().get_cluster(ident=uuid, project_id=None)
    stack = heat.client(str(row.project_id)).stacks.get(row.stack_id)
    return dict(stack.parameters or {})


def _service_log_levels(caplog: pytest.LogCaptureFixture) -> None:
    """Everything at DEBUG, except what the service's oslo.log setup quiets by default
    (``[DEFAULT] default_log_levels``: keystoneauth=WARN hides its request-body dumps)."""
    for item in CONF.default_log_levels:
        name, _sep, level = item.partition("=")
        caplog.set_level(logging.getLevelName(level), logger=name)
    # last: set_level also sets the capturing handler's level, which must stay at DEBUG
    caplog.set_level(logging.DEBUG)


def test_rotate_ca(service: Service, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _service_log_levels(caplog)
    tpl = service.post("/v1/clustertemplates", {**TEMPLATE, "name": "k8s-rot"},
                       status=201).json
    uuid = service.post("/v1/clusters", {"name": "rot", "cluster_template_id": tpl["uuid"],
                                         "node_count": 1}, status=202).json["uuid"]
    c = service.wait(f"/v1/clusters/{uuid}", _status("CREATE_COMPLETE")).json
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    key_before = _stack_params(uuid)["kube_service_account_key"]
    assert key_before.startswith("-----BEGIN PUBLIC KEY-----")

    old_ca = service.get(f"/v1/certificates/{uuid}", status=200).json["pem"]
    assert _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key",
                    "-out", "csr.pem", "-subj", "/CN=admin/O=system:masters",
                    cwd=tmp_path).returncode == 0
    csr = (tmp_path / "csr.pem").read_text()
    signed = service.post("/v1/certificates", {"cluster_uuid": uuid, "csr": csr},
                          status=201).json["pem"]
    (tmp_path / "cert.pem").write_text(signed)
    (tmp_path / "old-ca.pem").write_text(old_ca)
    assert _openssl("verify", "-CAfile", "old-ca.pem", "cert.pem",
                    cwd=tmp_path).returncode == 0

    r = service.patch(f"/v1/certificates/{uuid}", None, status=202)
    assert r.json == {"uuid": uuid}
    assert service.get(f"/v1/clusters/{uuid}").json["status"] == "UPDATE_IN_PROGRESS"
    # a second rotation while the first runs is refused
    assert service.patch(f"/v1/certificates/{uuid}", None).status_int == 400
    c = service.wait(f"/v1/clusters/{uuid}", _status("UPDATE_COMPLETE")).json
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]

    new_ca = service.get(f"/v1/certificates/{uuid}", status=200).json["pem"]
    assert new_ca != old_ca
    (tmp_path / "new-ca.pem").write_text(new_ca)
    v = _openssl("verify", "-CAfile", "new-ca.pem", "cert.pem", cwd=tmp_path)
    assert v.returncode != 0, v.stdout
    params = _stack_params(uuid)
    assert params["kube_service_account_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert params["kube_service_account_key"] != key_before
    # a certificate signed now verifies against the new CA
    signed = service.post("/v1/certificates", {"cluster_uuid": uuid, "csr": csr},
                          status=201).json["pem"]
    (tmp_path / "cert.pem").write_text(signed)
    assert _openssl("verify", "-CAfile", "new-ca.pem", "cert.pem",
                    cwd=tmp_path).returncode == 0

    # noauth: the cluster has no credential to rotate
    r = service.patch(f"/v1/credentials/{uuid}", None)
    assert r.status_int == 400 and "noauth" in r.json["errors"][0]["detail"]

    # create, sign and rotate (with the real driver's stack update) logged no private key
    assert any(r.name.startswith("magnum_clone") for r in caplog.records)
    leaked = [r.name for r in caplog.records if "PRIVATE KEY" in r.getMessage()]
    assert not leaked, leaked

    service.delete(f"/v1/clusters/{uuid}", status=204)
    service.wait(f"/v1/clusters/{uuid}", lambda r: r.status_int == 404)
    service.delete(f"/v1/clustertemplates/{tpl['uuid']}", status=204)
