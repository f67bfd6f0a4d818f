"""Cluster certificates in the conductor: created before the driver runs, kept on the row,
deleted with the row; the embedded key file; the x509keypair DB adapter."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from oslo_utils import uuidutils

from magnum_clone.common import driver_factory
from magnum_clone.common.certificates import cluster_certs
from magnum_clone.common.certificates.db_storage import DBKeyPairStorage
from magnum_clone.common.certificates.managers import generate_encryption_key
from magnum_clone.conductor import certs, operations, reconcile
from magnum_clone.conf import CONF
from magnum_clone_drivers.base import Observation
from tests.unit.conductor.test_reconcile import NOW, S


@pytest.fixture(autouse=True)
def _state(tmp_path: Path) -> Any:
    CONF.set_override("state_path", str(tmp_path / "state"))
    yield
    CONF.clear_override("state_path")
    CONF.clear_override("x509keypair_encryption_keys", group="certificates")


def _cluster(db: Any, tls_disabled: bool = False, **kw: Any) -> Any:
    tpl = db.create_cluster_template(values={"uuid": uuidutils.generate_uuid(), "name": "t",
                                             "coe": "kubernetes", "project_id": "p",
                                             "tls_disabled": tls_disabled})
    ngs = [dict(uuid=uuidutils.generate_uuid(), name=n, role=r, node_count=1, is_default=True,
                min_node_count=0, status="CREATE_IN_PROGRESS") for n, r in
           (("default-master", "master"), ("default-worker", "worker"))]
    values = dict(uuid=uuidutils.generate_uuid(), name="c", project_id="p", labels={},
                  cluster_template_id=tpl.uuid, status="CREATE_IN_PROGRESS")
    values.update(kw)
    return db.create_cluster(values=values, nodegroups=ngs), tpl


def test_create_stores_refs_and_encrypted_rows(db: Any) -> None:
    c, tpl = _cluster(db)
    row = certs.ensure_cluster_certificates(None, c, tpl)
    refs = cluster_certs.ClusterCertRefs.from_cluster(db.get_cluster(ident=c.uuid,
                                                                      project_id=None))
    assert len(refs.all()) == 4 and refs == cluster_certs.ClusterCertRefs.from_cluster(row)
    stored = db.get_x509keypair(uuid=refs.ca_cert_ref)
    assert stored["certificate"].startswith("-----BEGIN CERTIFICATE-----")
    assert stored["private_key"].startswith("fernet:") and stored["project_id"] == "p"
    # the generated key persisted, private
    path = certs.key_file_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert certs.encryption_keys() == [Path(path).read_text().strip()]
    # a resumed create keeps them
    assert certs.ensure_cluster_certificates(None, row, tpl) is row


def test_tls_disabled_creates_nothing(db: Any) -> None:
    c, tpl = _cluster(db, tls_disabled=True)
    certs.ensure_cluster_certificates(None, c, tpl)
    assert db.get_cluster(ident=c.uuid, project_id=None).ca_cert_ref is None
    assert not os.path.exists(certs.key_file_path())


def test_configured_keys_win(db: Any) -> None:
    key = generate_encryption_key()
    CONF.set_override("x509keypair_encryption_keys", [key], group="certificates")
    assert certs.encryption_keys() == [key]
    assert not os.path.exists(certs.key_file_path())


def test_operations_create_makes_certs_before_the_driver(db: Any, monkeypatch: Any) -> None:
    c, _tpl = _cluster(db)
    seen: dict[str, Any] = {}

    class Driver:
        def find_backend_id(self, context: Any, view: Any) -> None:
            return None

        def create_cluster(self, context: Any, view: Any, timeout: int) -> str:
            seen["ca_cert_ref"] = view.cluster["ca_cert_ref"]
            return "stk"

    monkeypatch.setattr(driver_factory, "for_template", lambda _t: Driver())
    operations.create(None, c.uuid)
    got = db.get_cluster(ident=c.uuid, project_id=None)
    assert got.stack_id == "stk" and got.status == "CREATE_IN_PROGRESS"
    assert seen["ca_cert_ref"] and seen["ca_cert_ref"] == got.ca_cert_ref


def test_final_delete_removes_certificates(db: Any) -> None:
    c, tpl = _cluster(db, status="DELETE_IN_PROGRESS", stack_id="stk")
    row = certs.ensure_cluster_certificates(None, c, tpl)
    refs = cluster_certs.ClusterCertRefs.from_cluster(row)
    assert reconcile.apply(row, Observation(status=S.DELETE_COMPLETE), NOW)
    assert all(db.get_x509keypair(uuid=r) is None for r in refs.all())


def test_delete_is_best_effort(db: Any, monkeypatch: Any) -> None:
    c, tpl = _cluster(db)
    row = certs.ensure_cluster_certificates(None, c, tpl)

    def boom(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("backend down")

    monkeypatch.setattr(certs, "manager", boom)
    certs.delete_cluster_certificates(None, row)   # logged, not raised


def test_db_storage_roundtrip(db: Any) -> None:
    s = DBKeyPairStorage(project_id="p", user_id="u")
    ref = s.create({"certificate": "C", "private_key": "K", "private_key_passphrase": None})
    assert s.get(ref)["certificate"] == "C" and s.get(ref)["user_id"] == "u"
    assert s.destroy(ref) and not s.destroy(ref) and s.get(ref) is None
