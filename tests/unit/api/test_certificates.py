"""/v1/certificates through the real app: CA download, CSR signing (checked with the openssl
CLI), CA rotation, and the error answers (reference §6). No conductor runs in API tests, so the
cluster's certificates are created, and a rotation is run, by calling the conductor directly."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from magnum_clone.common import exceptions as exc
from magnum_clone.conductor import certs, operations
from magnum_clone.db import api as db_api
from tests.unit.api.conftest import (
    MEMBER,
    OTHER,
    assert_error,
    make_cluster,
    make_template,
    set_status,
)


@pytest.fixture(autouse=True)
def _state(override: Any, tmp_path: Path) -> None:
    override("state_path", str(tmp_path / "state"))
    override("rsa_key_size", 2048, group="x509")


def _with_certs(uuid: str) -> Any:
    db = db_api.get_instance()
    row = db.get_cluster(ident=uuid, project_id=None)
    tpl = db.get_cluster_templates(uuids=[row.cluster_template_id])[row.cluster_template_id]
    return certs.ensure_cluster_certificates(None, row, tpl)


def _cluster(api: Any, headers: dict[str, str] | None = None, **tpl_kw: Any) -> str:
    tpl = make_template(api, headers=headers, **tpl_kw)
    uuid = make_cluster(api, tpl["uuid"], headers=headers)
    set_status(uuid, "CREATE_COMPLETE")
    if not tpl_kw.get("tls_disabled"):
        _with_certs(uuid)
    return uuid


def _csr(tmp_path: Path, cn: str = "admin", addext: Sequence[str] = ()) -> str:
    args = ["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes",
            "-keyout", str(tmp_path / "client.key"), "-out", str(tmp_path / "csr.pem"),
            "-subj", f"/CN={cn}/O=system:masters"]
    for ext in addext:
        args += ["-addext", ext]
    subprocess.run(args, check=True, capture_output=True)
    return (tmp_path / "csr.pem").read_text()


def _verify(tmp_path: Path, ca: str, cert: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "ca.pem").write_text(ca)
    (tmp_path / "cert.pem").write_text(cert)
    return subprocess.run(["openssl", "verify", "-CAfile", str(tmp_path / "ca.pem"),
                           str(tmp_path / "cert.pem")], capture_output=True, text=True)


def test_get_ca_and_links(api: Any) -> None:
    uuid = _cluster(api)
    r = api.get(f"/v1/certificates/{uuid}")
    assert r.status_int == 200, r.text
    assert set(r.json) == {"cluster_uuid", "pem", "links"}
    assert r.json["cluster_uuid"] == uuid
    assert r.json["pem"].startswith("-----BEGIN CERTIFICATE-----")
    assert r.json["links"] == [
        {"href": f"http://localhost/v1/certificates/{uuid}", "rel": "self"},
        {"href": f"http://localhost/certificates/{uuid}", "rel": "bookmark"}]
    # by name too; the three CAs differ
    assert api.get("/v1/certificates/c1").json["pem"] == r.json["pem"]
    etcd = api.get(f"/v1/certificates/{uuid}?ca_cert_type=etcd").json["pem"]
    fp = api.get(f"/v1/certificates/{uuid}?ca_cert_type=front-proxy").json["pem"]
    assert len({r.json["pem"], etcd, fp}) == 3
    assert api.get(f"/v1/certificates/{uuid}?ca_cert_type=front_proxy").json["pem"] == fp


def test_sign_csr_verifies_against_ca(api: Any, tmp_path: Path) -> None:
    uuid = _cluster(api)
    csr = _csr(tmp_path)
    r = api.post("/v1/certificates", {"cluster_uuid": uuid, "csr": csr})
    assert r.status_int == 201, r.text
    assert set(r.json) == {"cluster_uuid", "csr", "pem", "links"}
    assert r.json["csr"] == csr and r.json["cluster_uuid"] == uuid
    ca = api.get(f"/v1/certificates/{uuid}").json["pem"]
    v = _verify(tmp_path, ca, r.json["pem"])
    assert v.returncode == 0, v.stdout + v.stderr
    # signed by the etcd CA when asked, so not valid against the cluster CA
    r = api.post("/v1/certificates", {"cluster_uuid": "c1", "csr": csr,
                                      "ca_cert_type": "etcd"})
    assert r.status_int == 201 and r.json["ca_cert_type"] == "etcd"
    assert _verify(tmp_path, ca, r.json["pem"]).returncode != 0
    etcd = api.get(f"/v1/certificates/{uuid}?ca_cert_type=etcd").json["pem"]
    assert _verify(tmp_path, etcd, r.json["pem"]).returncode == 0


@pytest.fixture()
def pushed(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The Fedora CoreOS driver's CA push (a stack update: no Heat in API tests) recorded."""
    from magnum_clone_drivers.k8s_fedora_coreos_v1 import driver as fcos

    calls: list[dict[str, Any]] = []

    def _push(self: Any, context: Any, view: Any) -> None:
        calls.append(dict(view.cluster))

    monkeypatch.setattr(fcos.Driver, "rotate_ca_certificate", _push)
    return calls


def _status(uuid: str) -> Any:
    return db_api.get_instance().get_cluster(ident=uuid, project_id=None)


def test_rotate_replaces_the_ca(api: Any, tmp_path: Path, pushed: list[dict[str, Any]]
                                ) -> None:
    uuid = _cluster(api)
    old_refs = certs.ClusterCertRefs.from_cluster(_status(uuid))
    old_ca = api.get(f"/v1/certificates/{uuid}").json["pem"]
    signed = api.post("/v1/certificates", {"cluster_uuid": uuid, "csr": _csr(tmp_path)}
                      ).json["pem"]
    r = api.patch(f"/v1/certificates/{uuid}", None)
    assert r.status_int == 202, r.text
    assert r.json == {"uuid": uuid}
    # the API only moved the status; the conductor (called here: none runs in API tests)
    # regenerates the CAs and has the driver push them
    assert _status(uuid).status == "UPDATE_IN_PROGRESS"
    assert api.get(f"/v1/certificates/{uuid}").json["pem"] == old_ca
    operations.ca_rotate(None, uuid)
    assert len(pushed) == 1 and pushed[0]["ca_cert_ref"] != old_refs.ca_cert_ref
    new_ca = api.get(f"/v1/certificates/{uuid}").json["pem"]
    assert new_ca != old_ca
    assert _verify(tmp_path, new_ca, signed).returncode != 0
    assert _verify(tmp_path, old_ca, signed).returncode == 0
    # old material gone; the status waits for the stack (reconcile brings UPDATE_COMPLETE)
    db = db_api.get_instance()
    assert all(db.get_x509keypair(uuid=ref) is None for ref in old_refs.all())
    assert _status(uuid).status == "UPDATE_IN_PROGRESS"
    # a second delivery of the cast does nothing (already claimed)
    operations.ca_rotate(None, uuid)
    assert len(pushed) == 1


def test_rotate_push_failure_keeps_the_old_ca(api: Any, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    from magnum_clone_drivers.k8s_fedora_coreos_v1 import driver as fcos

    seen: list[str] = []

    def _fail(self: Any, context: Any, view: Any) -> None:
        seen.extend(certs.ClusterCertRefs.from_cluster(view.cluster).all())
        raise exc.Conflict("stack is busy")

    monkeypatch.setattr(fcos.Driver, "rotate_ca_certificate", _fail)
    uuid = _cluster(api)
    refs = certs.ClusterCertRefs.from_cluster(_status(uuid))
    old_ca = api.get(f"/v1/certificates/{uuid}").json["pem"]
    assert api.patch(f"/v1/certificates/{uuid}", None).status_int == 202
    operations.ca_rotate(None, uuid)
    row = _status(uuid)
    assert row.status == "UPDATE_FAILED" and row.status_reason == "stack is busy"
    assert certs.ClusterCertRefs.from_cluster(row) == refs
    assert api.get(f"/v1/certificates/{uuid}").json["pem"] == old_ca
    # the new material was deleted, the old is still there
    db = db_api.get_instance()
    assert len(seen) == 4 and not set(seen) & set(refs.all())
    assert all(db.get_x509keypair(uuid=ref) is None for ref in seen)
    assert all(db.get_x509keypair(uuid=ref) is not None for ref in refs.all())


def test_rotate_without_driver_support(api: Any) -> None:
    uuid = _cluster(api, image_id="fedora-atomic-latest")
    assert_error(api.patch(f"/v1/certificates/{uuid}", None), 400,
                 "'rotate_ca_certificate' is not supported by this driver.")
    assert _status(uuid).status == "CREATE_COMPLETE"


def test_rotate_policy(api: Any, pushed: list[dict[str, Any]]) -> None:
    uuid = _cluster(api, headers=MEMBER)
    assert api.patch(f"/v1/certificates/{uuid}", None, headers=OTHER).status_int == 404
    assert api.patch(f"/v1/certificates/{uuid}", None, headers=MEMBER).status_int == 202


@pytest.mark.parametrize("status", ["UPDATE_IN_PROGRESS", "UPDATE_FAILED", "CREATE_FAILED",
                                    "DELETE_IN_PROGRESS"])
def test_rotate_needs_a_complete_cluster(api: Any, status: str) -> None:
    uuid = _cluster(api)
    set_status(uuid, status)
    assert_error(api.patch(f"/v1/certificates/{uuid}", None), 400,
                 f'Updating a cluster when status is "{status}" is not supported.')
    assert _status(uuid).status == status


def test_bad_csr_is_400(api: Any) -> None:
    uuid = _cluster(api)
    r = api.post("/v1/certificates", {"cluster_uuid": uuid, "csr": "not a csr"})
    assert r.status_int == 400, r.text
    assert r.json["errors"][0]["detail"].startswith("Received invalid csr")
    assert "not a csr" not in r.text


@pytest.mark.parametrize(("addext", "request_text"), [
    (["basicConstraints=critical,CA:TRUE"], "basicConstraints CA:TRUE"),
    (["basicConstraints=CA:TRUE"], "basicConstraints CA:TRUE"),
    (["keyUsage=critical,keyCertSign,cRLSign"], "critical keyUsage cRLSign,keyCertSign"),
])
def test_csr_asking_for_ca_rights_is_400(api: Any, tmp_path: Path, addext: list[str],
                                         request_text: str) -> None:
    uuid = _cluster(api)
    r = api.post("/v1/certificates", {"cluster_uuid": uuid, "csr": _csr(tmp_path, "ca",
                                                                         addext)})
    assert_error(r, 400, f"CSR asks for CA rights ({request_text}), which are not granted: "
                         "only leaf certificates are signed ([x509] allow_ca is off)")


def test_noncritical_ca_key_usage_is_dropped(api: Any, tmp_path: Path) -> None:
    uuid = _cluster(api)
    r = api.post("/v1/certificates", {"cluster_uuid": uuid, "csr": _csr(
        tmp_path, addext=["keyUsage=keyCertSign,digitalSignature"])})
    assert r.status_int == 201, r.text
    (tmp_path / "signed.pem").write_text(r.json["pem"])
    text = subprocess.run(["openssl", "x509", "-in", str(tmp_path / "signed.pem"), "-noout",
                           "-ext", "keyUsage"], capture_output=True, text=True, check=True
                          ).stdout
    assert "Digital Signature" in text and "Certificate Sign" not in text


def test_no_private_key_in_any_response_or_log(api: Any, tmp_path: Path,
                                               pushed: list[dict[str, Any]],
                                               caplog: pytest.LogCaptureFixture) -> None:
    """Create (certificates made by the conductor code), show, sign, rotate: no response body
    and no log line (everything at DEBUG) carries a private key."""
    bodies: list[str] = []

    def keep(r: Any, status: int) -> Any:
        assert r.status_int == status, r.text
        bodies.append(r.text)
        return r

    with caplog.at_level(logging.DEBUG):
        uuid = _cluster(api)
        keep(api.get(f"/v1/clusters/{uuid}"), 200)
        keep(api.get("/v1/clusters/detail"), 200)
        for kind in ("", "?ca_cert_type=etcd", "?ca_cert_type=front_proxy"):
            keep(api.get(f"/v1/certificates/{uuid}{kind}"), 200)
        csr = _csr(tmp_path)
        keep(api.post("/v1/certificates", {"cluster_uuid": uuid, "csr": csr}), 201)
        # a user pasting their key instead of the CSR does not get it echoed
        key = (tmp_path / "client.key").read_text()
        assert "PRIVATE KEY" in key
        keep(api.post("/v1/certificates", {"cluster_uuid": uuid, "csr": key}), 400)
        keep(api.patch(f"/v1/certificates/{uuid}", None), 202)
        operations.ca_rotate(None, uuid)
        assert len(pushed) == 1
        keep(api.get(f"/v1/clusters/{uuid}"), 200)
        keep(api.get(f"/v1/certificates/{uuid}"), 200)
    assert len(bodies) == 10
    for body in bodies:
        assert "PRIVATE KEY" not in body and key.splitlines()[1] not in body
    assert caplog.records   # the capture saw the service's own lines
    assert any(r.name.startswith("magnum_clone") for r in caplog.records)
    assert "PRIVATE KEY" not in caplog.text
    for record in caplog.records:   # including arguments a formatter might drop
        assert "PRIVATE KEY" not in repr(record.args) + str(record.msg)


@pytest.mark.parametrize("body", [{"cluster_uuid": "c1"}, {"csr": "x"},
                                  {"cluster_uuid": "c1", "csr": None}])
def test_missing_fields_are_400(api: Any, body: dict[str, Any]) -> None:
    _cluster(api)
    r = api.post("/v1/certificates", body)
    assert r.status_int == 400, r.text
    assert r.json["errors"][0]["code"] == "client"


def test_unknown_cluster(api: Any, tmp_path: Path) -> None:
    assert_error(api.post("/v1/certificates", {"cluster_uuid": "nope", "csr": _csr(tmp_path)}),
                 400, "Cluster nope could not be found.")
    assert_error(api.get("/v1/certificates/nope"), 404, "Cluster nope could not be found.")
    assert_error(api.patch("/v1/certificates/nope", None), 404,
                 "Cluster nope could not be found.")


def test_tls_disabled_is_400(api: Any, tmp_path: Path) -> None:
    uuid = _cluster(api, tls_disabled=True)
    r = api.get(f"/v1/certificates/{uuid}")
    assert r.status_int == 400 and "TLS disabled" in r.json["errors"][0]["detail"]
    r = api.post("/v1/certificates", {"cluster_uuid": uuid, "csr": _csr(tmp_path)})
    assert r.status_int == 400 and "TLS disabled" in r.json["errors"][0]["detail"]
    assert_error(api.patch(f"/v1/certificates/{uuid}", None), 400,
                 "Rotating the CA certificate on a non-TLS cluster is not supported")


def test_other_project_cannot_see_the_ca(api: Any) -> None:
    uuid = _cluster(api, headers=MEMBER)
    assert api.get(f"/v1/certificates/{uuid}", headers=MEMBER).status_int == 200
    assert api.get(f"/v1/certificates/{uuid}", headers=OTHER).status_int == 404


def test_routing(api: Any) -> None:
    assert api.get("/v1/certificates").status_int == 405
    assert api.delete("/v1/certificates/x").status_int == 405
