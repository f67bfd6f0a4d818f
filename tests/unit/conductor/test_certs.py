"""Cluster certificates in the conductor: created before the driver runs, kept on the row,
deleted with the row; the embedded key file; the x509keypair DB adapter."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from castellan import key_manager as castellan_km
from castellan.common.objects import opaque_data
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from keystoneauth1 import identity
from keystoneauth1 import loading as ka_loading
from oslo_utils import uuidutils

from magnum_clone.common import context as ctx_mod
from magnum_clone.common import driver_factory
from magnum_clone.common.certificates import cluster_certs, x509
from magnum_clone.common.certificates import exceptions as cert_exc
from magnum_clone.common.certificates.db_storage import DBKeyPairStorage
from magnum_clone.common.certificates.managers import generate_encryption_key
from magnum_clone.conductor import certs, operations, reconcile
from magnum_clone.conf import CONF
from magnum_clone_drivers.base import Observation
from tests.unit.common.certificates.conftest import BarbicanAuthCheckingKeyManager
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
    got = s.get(ref)
    assert got is not None and got["certificate"] == "C" and got["user_id"] == "u"
    assert s.destroy(ref) and not s.destroy(ref) and s.get(ref) is None


# --- barbican, through certs.manager() --------------------------------------------------------

_SECTION = "test_barbican_service_user"
_CHECKING = "tests.unit.common.certificates.conftest.BarbicanAuthCheckingKeyManager"
_MOCK = "castellan.tests.unit.key_manager.mock_key_manager.MockKeyManager"


def _overrides(values: dict[tuple[str, str], Any]) -> Iterator[None]:
    CONF.register_opts(castellan_km.key_manager_opts, group="key_manager")
    ka_loading.register_auth_conf_options(CONF, _SECTION)
    CONF.register_opts(ka_loading.get_auth_plugin_conf_options("password"), group=_SECTION)
    for (group, name), value in values.items():
        CONF.set_override(name, value, group=group)
    certs.reset()
    BarbicanAuthCheckingKeyManager.instances.clear()
    yield
    for group, name in values:
        CONF.clear_override(name, group=group)
    certs.reset()


_BARBICAN = {("certificates", "cert_manager_type"): "barbican",
             ("certificates", "barbican_auth_section"): _SECTION,
             ("key_manager", "backend"): _CHECKING}
_SERVICE_USER = {(_SECTION, "auth_type"): "password",
                 (_SECTION, "auth_url"): "http://keystone.example:5000/v3",
                 (_SECTION, "username"): "magnum", (_SECTION, "password"): "svc-pass",
                 (_SECTION, "user_domain_name"): "Default",
                 (_SECTION, "project_name"): "service",
                 (_SECTION, "project_domain_name"): "Default"}


@pytest.fixture()
def barbican() -> Iterator[None]:
    """cert_manager_type = barbican, a service user in its own section, and castellan's
    MockKeyManager held to the Barbican driver's authentication as [key_manager] backend."""
    yield from _overrides({**_BARBICAN, **_SERVICE_USER})


@pytest.fixture()
def barbican_without_service_user() -> Iterator[None]:
    yield from _overrides(_BARBICAN)


def _user_csr() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = cx509.Name([cx509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:masters"),
                       cx509.NameAttribute(NameOID.COMMON_NAME, "admin")])
    csr = cx509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def test_barbican_lifecycle_as_the_service_user(db: Any, barbican: None) -> None:
    """Create (a resumed create: the conductor's admin context), sign, rotate and the
    periodic delete all go through certs.manager() to castellan as the service user."""
    admin = ctx_mod.admin_context()
    c, tpl = _cluster(db, status="UPDATE_IN_PROGRESS")
    row = certs.ensure_cluster_certificates(admin, c, tpl)
    refs = cluster_certs.ClusterCertRefs.from_cluster(row)
    assert len(refs.all()) == 4 and all(r.startswith("castellan:") for r in refs.all())
    (km,) = BarbicanAuthCheckingKeyManager.instances   # built once, shared by every call
    assert len(km.keys) == 12   # 4 pairs x (certificate, key, passphrase)
    keys = [bytes(o.get_encoded() or b"") for o in km.keys.values()
            if isinstance(o, opaque_data.OpaqueData)]
    assert len(keys) == 4 and all(k.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY") for k in keys)
    assert not os.path.exists(certs.key_file_path())   # no x509keypair key involved

    ca = certs.get_ca(admin, row, tpl)
    signed = certs.sign_csr(None, row, tpl, _user_csr())
    assert x509.is_signed_by(signed, ca)

    pushed: list[Any] = []
    new = certs.rotate_ca(admin, row, tpl, ["UPDATE_IN_PROGRESS"], push=pushed.append)
    assert len(pushed) == 1 and set(new.all()).isdisjoint(refs.all())
    assert len(km.keys) == 12   # the old secrets are gone
    rotated = db.get_cluster(ident=c.uuid, project_id=None)
    assert not x509.is_signed_by(signed, certs.get_ca(admin, rotated, tpl))

    certs.delete_cluster_certificates(admin, rotated)   # the reconcile loop's final delete
    assert km.keys == {}
    # every call authenticated as the configured service user, with one cached plugin
    assert len({id(a) for a in km.auths}) == 1
    (auth,) = {id(a): a for a in km.auths}.values()
    assert isinstance(auth, identity.Password) and auth._username == "magnum"
    assert auth.auth_url == "http://keystone.example:5000/v3"


def test_barbican_with_castellans_own_mock_key_manager(db: Any, barbican: None) -> None:
    """The unmodified castellan MockKeyManager as [key_manager] backend."""
    CONF.set_override("backend", _MOCK, group="key_manager")
    certs.reset()
    c, tpl = _cluster(db)
    row = certs.ensure_cluster_certificates(None, c, tpl)
    assert row.ca_cert_ref.startswith("castellan:")
    assert certs.get_ca(None, row, tpl).startswith("-----BEGIN CERTIFICATE-----")
    mgr = certs.manager()
    assert type(mgr.key_manager).__name__ == "MockKeyManager"   # type: ignore[attr-defined]
    certs.delete_cluster_certificates(None, row)
    assert mgr.key_manager.keys == {}   # type: ignore[attr-defined]


def test_barbican_without_service_user_fails_loudly(db: Any, monkeypatch: Any,
                                                    caplog: pytest.LogCaptureFixture,
                                                    barbican_without_service_user: None
                                                    ) -> None:
    with pytest.raises(cert_exc.CertManagerConfigError) as info:
        certs.check()
    message = str(info.value)
    assert "no service user to authenticate to Barbican with" in message
    assert f"[{_SECTION}]" in message and "[key_manager] auth_type" in message

    # a create fails with that message as its status_reason, before the driver runs
    c, _tpl = _cluster(db)

    class Driver:
        def find_backend_id(self, context: Any, view: Any) -> None:
            raise AssertionError("the driver must not run without certificates")

    monkeypatch.setattr(driver_factory, "for_template", lambda _t: Driver())
    operations.create(ctx_mod.admin_context(), c.uuid)
    got = db.get_cluster(ident=c.uuid, project_id=None)
    assert got.status == "CREATE_FAILED" and got.status_reason == message
    assert got.ca_cert_ref is None

    # the final delete cannot remove them: an ERROR naming every ref left behind
    refs = {"ca_cert_ref": "castellan:a;b;c", "magnum_cert_ref": "castellan:d;e;"}
    gone = db.update_cluster(uuid=c.uuid, values=refs)
    with caplog.at_level(logging.ERROR, logger="magnum_clone.conductor.certs"):
        certs.delete_cluster_certificates(ctx_mod.admin_context(), gone)
    (record,) = [r for r in caplog.records if r.name == "magnum_clone.conductor.certs"]
    assert record.levelno == logging.ERROR
    text = record.getMessage()
    assert "NOT deleted" in text and "castellan:a;b;c" in text and "castellan:d;e;" in text
    assert "no service user" in text
