"""cluster_certs.py: the conductor's view — create, select CA, sign, rotate, delete."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography import x509 as cx509

from magnum_clone.common.certificates import cluster_certs, exceptions, x509
from magnum_clone.common.certificates.managers import CertManager, LocalCertManager
from tests.unit.common.certificates.conftest import openssl_verify, requires_openssl

pytestmark = requires_openssl


@pytest.fixture(scope="module")
def manager(tmp_path_factory: pytest.TempPathFactory) -> LocalCertManager:
    return LocalCertManager(tmp_path_factory.mktemp("cluster-certs"))


@pytest.fixture(scope="module")
def refs(manager: LocalCertManager) -> cluster_certs.ClusterCertRefs:
    return cluster_certs.create_cluster_certificates("k8s-prod", manager)


def test_create_makes_three_cas_and_a_client_cert(refs: cluster_certs.ClusterCertRefs,
                                                  manager: LocalCertManager,
                                                  tmp_path: Path) -> None:
    assert len(set(refs.all())) == 4
    cas = [manager.get_cert(r) for r in (refs.ca_cert_ref, refs.etcd_ca_cert_ref,
                                         refs.front_proxy_ca_cert_ref) if r]
    certs = [cx509.load_pem_x509_certificate(p.cert_pem) for p in cas]
    assert all(c.subject.rfc4514_string() == "CN=k8s-prod" for c in certs)
    assert all(c.extensions.get_extension_for_class(cx509.BasicConstraints).value.ca
               for c in certs)
    assert len({c.public_key().public_numbers().n for c in certs}) == 3  # type: ignore[union-attr]
    for pair in [*cas, manager.get_cert(refs.magnum_cert_ref or "")]:
        assert pair.passphrase and pair.key_pem.startswith(b"-----BEGIN ENCRYPTED")
    client = manager.get_cert(refs.magnum_cert_ref or "")
    assert cx509.load_pem_x509_certificate(client.cert_pem).subject.rfc4514_string() == \
        "CN=admin,O=system:masters"
    result = openssl_verify(tmp_path, cas[0].cert_pem, client.cert_pem, "-purpose", "sslclient")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("ca_cert_type,field", [
    (None, "ca_cert_ref"), ("kubernetes", "ca_cert_ref"), ("bogus", "ca_cert_ref"),
    ("etcd", "etcd_ca_cert_ref"), ("front_proxy", "front_proxy_ca_cert_ref"),
    ("front-proxy", "front_proxy_ca_cert_ref"),
])
def test_get_ca_selects_by_type(refs: cluster_certs.ClusterCertRefs, manager: LocalCertManager,
                                ca_cert_type: str | None, field: str) -> None:
    expected = manager.get_cert(getattr(refs, field)).cert_pem
    assert cluster_certs.get_ca(refs, manager, ca_cert_type) == expected
    assert b"PRIVATE" not in cluster_certs.get_ca(refs, manager, ca_cert_type)


def test_sign_uses_the_selected_ca(refs: cluster_certs.ClusterCertRefs,
                                   manager: LocalCertManager, admin_csr: str,
                                   tmp_path: Path) -> None:
    cluster_ca = cluster_certs.get_ca(refs, manager)
    etcd_ca = cluster_certs.get_ca(refs, manager, "etcd")
    user = cluster_certs.sign(refs, manager, admin_csr)
    assert openssl_verify(tmp_path, cluster_ca, user).returncode == 0
    assert openssl_verify(tmp_path, etcd_ca, user).returncode != 0
    etcd_user = cluster_certs.sign(refs, manager, admin_csr, "etcd")
    assert openssl_verify(tmp_path, etcd_ca, etcd_user).returncode == 0
    assert openssl_verify(tmp_path, cluster_ca, etcd_user).returncode != 0


def test_sign_applies_the_options(refs: cluster_certs.ClusterCertRefs,
                                  manager: LocalCertManager, user_key: str,
                                  tmp_path: Path) -> None:
    from tests.unit.common.certificates.conftest import openssl_csr

    csr = openssl_csr(tmp_path, user_key, "/CN=u", ["subjectAltName=DNS:u.example"])
    options = cluster_certs.X509Options(allowed_extensions=frozenset({"keyUsage"}),
                                        term_of_validity=30)
    cert = cx509.load_pem_x509_certificate(cluster_certs.sign(refs, manager, csr, None, options))
    with pytest.raises(cx509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(cx509.SubjectAlternativeName)
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == 31
    with pytest.raises(exceptions.InvalidCsr):
        cluster_certs.sign(refs, manager, "nonsense")


def test_client_cert_comes_with_a_clear_key(refs: cluster_certs.ClusterCertRefs,
                                            manager: LocalCertManager) -> None:
    client = cluster_certs.get_client_cert(refs, manager)
    assert client.passphrase is None
    assert client.key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")


def test_server_certificate_for_the_api(refs: cluster_certs.ClusterCertRefs,
                                        manager: LocalCertManager, tmp_path: Path) -> None:
    server = cluster_certs.issue_server_certificate(
        refs, manager, ["172.24.4.10", "10.254.0.1", "10.254.0.1"])
    ca = cluster_certs.get_ca(refs, manager)
    for check in (("-verify_ip", "172.24.4.10"), ("-verify_ip", "10.254.0.1"),
                  ("-verify_hostname", "kubernetes.default.svc.cluster.local")):
        result = openssl_verify(tmp_path, ca, server.cert_pem, "-purpose", "sslserver", *check)
        assert result.returncode == 0, result.stderr
    etcd = cluster_certs.issue_server_certificate(refs, manager, ["10.0.0.3"], cn="etcd",
                                                  ca_cert_type="etcd", extra_names=())
    assert openssl_verify(tmp_path, cluster_certs.get_ca(refs, manager, "etcd"),
                          etcd.cert_pem, "-verify_ip", "10.0.0.3").returncode == 0


def test_rotate_invalidates_old_user_certs(tmp_path: Path, admin_csr: str) -> None:
    manager = LocalCertManager(tmp_path / "store")
    old = cluster_certs.create_cluster_certificates("rotating", manager)
    old_ca = cluster_certs.get_ca(old, manager)
    old_user = cluster_certs.sign(old, manager, admin_csr)
    old_client = cluster_certs.get_client_cert(old, manager).cert_pem
    assert openssl_verify(tmp_path, old_ca, old_user).returncode == 0

    new = cluster_certs.rotate(old, manager)
    assert not set(new.all()) & set(old.all())
    new_ca = cluster_certs.get_ca(new, manager)
    assert x509.common_name(new_ca) == "rotating"
    for stale in (old_user, old_client):
        result = openssl_verify(tmp_path, new_ca, stale)
        assert result.returncode != 0
    for kind in ("etcd", "front_proxy"):
        assert cluster_certs.get_ca(new, manager, kind) != cluster_certs.get_ca(old, manager, kind)
    assert openssl_verify(tmp_path, new_ca, cluster_certs.sign(new, manager, admin_csr)) \
        .returncode == 0
    assert openssl_verify(tmp_path, new_ca,
                          cluster_certs.get_client_cert(new, manager).cert_pem).returncode == 0

    # the old material stays until the caller drops it
    assert cluster_certs.get_ca(old, manager) == old_ca
    cluster_certs.delete(old, manager)
    with pytest.raises(exceptions.CertificateNotFound):
        cluster_certs.get_ca(old, manager)
    assert cluster_certs.get_ca(new, manager) == new_ca


def test_delete_removes_all_four_and_is_idempotent(tmp_path: Path) -> None:
    manager = LocalCertManager(tmp_path)
    refs = cluster_certs.create_cluster_certificates("gone", manager)
    cluster_certs.delete(refs, manager)
    assert list(tmp_path.iterdir()) == []
    cluster_certs.delete(refs, manager)
    cluster_certs.delete(cluster_certs.ClusterCertRefs(), manager)  # a TLS-disabled cluster


def test_missing_refs_raise_not_found(manager: LocalCertManager) -> None:
    empty = cluster_certs.ClusterCertRefs()
    with pytest.raises(exceptions.CertificateNotFound):
        cluster_certs.get_ca(empty, manager, "etcd")
    with pytest.raises(exceptions.CertificateNotFound):
        cluster_certs.rotate(empty, manager)


class _FlakyManager(LocalCertManager):
    """Fails on the third store, like a backend going away half-way."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.calls = 0

    def store_cert(self, cert_pem: bytes, key_pem: bytes, name: str, *,
                   passphrase: bytes | None = None) -> str:
        self.calls += 1
        if self.calls == 3:
            raise exceptions.CertificateStorageError(reason="backend went away")
        return super().store_cert(cert_pem, key_pem, name, passphrase=passphrase)


def test_create_is_all_or_nothing(tmp_path: Path) -> None:
    manager: CertManager = _FlakyManager(tmp_path)
    with pytest.raises(exceptions.CertificateStorageError):
        cluster_certs.create_cluster_certificates("half", manager)
    assert list(tmp_path.iterdir()) == []


class _StuckManager(_FlakyManager):
    """Fails on the third store, and cannot delete the first pair either."""

    stuck = ""

    def delete_cert(self, ref: str) -> None:
        if ref == self.stuck:
            raise exceptions.CertificateStorageError(reason="read-only backend")
        super().delete_cert(ref)

    def store_cert(self, cert_pem: bytes, key_pem: bytes, name: str, *,
                   passphrase: bytes | None = None) -> str:
        ref = super().store_cert(cert_pem, key_pem, name, passphrase=passphrase)
        if self.calls == 1:
            self.stuck = ref
        return ref


def test_leftovers_are_named_not_silent(tmp_path: Path,
                                        caplog: pytest.LogCaptureFixture) -> None:
    manager = _StuckManager(tmp_path)
    with pytest.raises(exceptions.CertificateStorageError, match="backend went away"):
        cluster_certs.create_cluster_certificates("half", manager)
    # the undo removed what it could and logged the one it could not
    assert [p.name for p in tmp_path.iterdir()] == [manager.stuck]
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert manager.stuck in record.getMessage() and "read-only backend" in record.getMessage()

    # delete tries every ref, then names the ones left behind
    first = manager.stuck
    manager.calls = 10
    refs = cluster_certs.create_cluster_certificates("full", manager)
    assert refs.etcd_ca_cert_ref is not None
    manager.stuck = refs.etcd_ca_cert_ref
    with pytest.raises(exceptions.CertificateStorageError) as info:
        cluster_certs.delete(refs, manager)
    assert str(info.value) == (f"Certificate storage error: could not delete {manager.stuck} "
                               "(Certificate storage error: read-only backend)")
    assert {p.name for p in tmp_path.iterdir()} == {first, manager.stuck}


def test_refs_and_options_from_the_outside_world() -> None:
    row = {"ca_cert_ref": "a", "etcd_ca_cert_ref": "b", "front_proxy_ca_cert_ref": None,
           "magnum_cert_ref": "d", "name": "x"}
    refs = cluster_certs.ClusterCertRefs.from_cluster(row)
    assert refs.as_dict() == {k: v for k, v in row.items() if k.endswith("_ref")}
    assert cluster_certs.ClusterCertRefs.from_cluster(SimpleNamespace(**row)) == refs
    assert refs.all() == ["a", "b", "d"]
    conf = SimpleNamespace(rsa_key_size=4096, term_of_validity=365, allow_ca=True,
                           allowed_extensions=["keyUsage"], allowed_key_usage=["cRLSign"])
    assert cluster_certs.X509Options.from_conf(conf) == cluster_certs.X509Options(
        4096, 365, True, frozenset({"keyUsage"}), frozenset({"cRLSign"}))


def test_nothing_secret_is_logged(tmp_path: Path, admin_csr: str,
                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    manager = LocalCertManager(tmp_path)
    refs = cluster_certs.create_cluster_certificates("quiet", manager)
    cluster_certs.sign(refs, manager, admin_csr)
    cluster_certs.delete(cluster_certs.rotate(refs, manager), manager)
    assert "PRIVATE KEY" not in caplog.text
