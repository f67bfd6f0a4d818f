"""Cert managers: each backend round-trips a pair and protects the private key its own way."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from magnum_clone.common.certificates import exceptions, x509
from magnum_clone.common.certificates.managers import (
    CertManager,
    KeyPairStorage,
    LocalCertManager,
    X509KeyPairCertManager,
    generate_encryption_key,
    get_manager,
)


@pytest.fixture(scope="module")
def pair() -> x509.KeyPair:
    return x509.generate_ca("managers", passphrase=b"pair-passphrase")


def _roundtrip(manager: CertManager, pair: x509.KeyPair) -> str:
    ref = manager.store(pair, "cluster-1 ca")
    assert len(ref) <= 255
    assert manager.get_cert(ref) == pair
    got = manager.get_cert(ref)
    assert got.passphrase == pair.passphrase and got.key_pem == pair.key_pem
    plain = x509.KeyPair(pair.cert_pem, x509.decrypt_private_key(pair.key_pem, pair.passphrase))
    ref2 = manager.store(plain, "no passphrase")
    assert manager.get_cert(ref2) == plain and manager.get_cert(ref2).passphrase is None
    manager.delete_cert(ref2)
    with pytest.raises(exceptions.CertificateNotFound):
        manager.get_cert(ref2)
    with pytest.raises(exceptions.CertificateNotFound):
        manager.delete_cert(ref2)
    return ref


# --- local ---------------------------------------------------------------------------------------

def test_local_roundtrip_and_file_modes(pair: x509.KeyPair, tmp_path: Path) -> None:
    root = tmp_path / "certs"
    old_umask = os.umask(0)  # even a permissive umask must not widen the modes
    try:
        manager = get_manager("local", storage_path=str(root))
        ref = _roundtrip(manager, pair)
    finally:
        os.umask(old_umask)
    assert isinstance(manager, LocalCertManager)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE((root / ref).stat().st_mode) == 0o700
    files = sorted(p.name for p in (root / ref).iterdir())
    assert files == ["certificate.pem", "passphrase", "private_key.pem"]
    for f in (root / ref).iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    manager.delete_cert(ref)
    assert not (root / ref).exists()


@pytest.mark.parametrize("ref", ["../../etc", "/etc/passwd", "", "x" * 36,
                                 "5A1B9C3E-0D7F-4E2A-9B6C-1F2E3D4C5B6A"])
def test_local_rejects_refs_that_are_not_its_uuids(tmp_path: Path, ref: str) -> None:
    manager = LocalCertManager(tmp_path)
    with pytest.raises(exceptions.CertificateNotFound):
        manager.get_cert(ref)
    with pytest.raises(exceptions.CertificateNotFound):
        manager.delete_cert(ref)


# --- x509keypair ---------------------------------------------------------------------------------

class MemoryKeyPairStorage:
    """The storage double: a dict of rows, as the DB adapter will hold them."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def create(self, values: Mapping[str, str | None]) -> str:
        ref = str(uuid.uuid4())
        self.rows[ref] = {"uuid": ref, **values}
        return ref

    def get(self, uuid: str) -> Mapping[str, Any] | None:
        return self.rows.get(uuid)

    def destroy(self, uuid: str) -> bool:
        return self.rows.pop(uuid, None) is not None


def _x509keypair(storage: MemoryKeyPairStorage, *keys: str) -> X509KeyPairCertManager:
    typed: KeyPairStorage = storage  # the double satisfies the Protocol (checked by mypy)
    manager = get_manager("x509keypair", storage=typed, encryption_keys=list(keys))
    assert isinstance(manager, X509KeyPairCertManager)
    return manager


def test_x509keypair_roundtrip_stores_no_plaintext_key(pair: x509.KeyPair) -> None:
    storage = MemoryKeyPairStorage()
    ref = _roundtrip(_x509keypair(storage, generate_encryption_key()), pair)
    row = storage.rows[ref]
    assert row["certificate"] == pair.cert_pem.decode()   # public, stays readable
    key_body = pair.key_pem.decode().splitlines()[1]
    for column in ("private_key", "private_key_passphrase"):
        stored = row[column]
        assert stored.startswith("fernet:")
        assert "PRIVATE KEY" not in stored and key_body not in stored
        assert "pair-passphrase" not in stored
    assert set(row) == {"uuid", "certificate", "private_key", "private_key_passphrase"}


def test_x509keypair_wrong_key_and_plaintext_rows_are_refused(pair: x509.KeyPair) -> None:
    storage = MemoryKeyPairStorage()
    ref = _x509keypair(storage, generate_encryption_key()).store(pair, "c")
    with pytest.raises(exceptions.CertificateStorageError, match="cannot be decrypted"):
        _x509keypair(storage, generate_encryption_key()).get_cert(ref)
    storage.rows[ref]["private_key"] = pair.key_pem.decode()   # e.g. an unencrypted import
    with pytest.raises(exceptions.CertificateStorageError, match="unencrypted"):
        _x509keypair(storage, generate_encryption_key()).get_cert(ref)


def test_x509keypair_key_rotation(pair: x509.KeyPair) -> None:
    storage = MemoryKeyPairStorage()
    old, new = generate_encryption_key(), generate_encryption_key()
    ref = _x509keypair(storage, old).store(pair, "c")
    rotated = _x509keypair(storage, new, old)   # new key first: encrypts; old still decrypts
    assert rotated.get_cert(ref) == pair
    ref2 = rotated.store(pair, "c")
    token = storage.rows[ref2]["private_key"].removeprefix("fernet:")
    assert Fernet(new).decrypt(token.encode()) == pair.key_pem


def test_x509keypair_needs_a_valid_key() -> None:
    with pytest.raises(exceptions.CertManagerConfigError, match="encryption_keys"):
        get_manager("x509keypair", storage=MemoryKeyPairStorage(), encryption_keys=[])
    with pytest.raises(exceptions.CertManagerConfigError) as info:
        get_manager("x509keypair", storage=MemoryKeyPairStorage(),
                    encryption_keys=["not-a-fernet-key-but-a-secret"])
    assert "not-a-fernet-key-but-a-secret" not in str(info.value)


# --- barbican (castellan's in-memory MockKeyManager) ---------------------------------------------

@pytest.fixture()
def castellan_mock() -> Any:
    """castellan ships MockKeyManager (a dict-backed KeyManager) in its installed package."""
    return pytest.importorskip("castellan.tests.unit.key_manager.mock_key_manager",
                               reason="castellan is not installed")


def test_barbican_roundtrip_through_castellan(pair: x509.KeyPair, castellan_mock: Any) -> None:
    from castellan.common.objects import opaque_data, passphrase, x_509

    km = castellan_mock.MockKeyManager()
    manager = get_manager("barbican", context=object(), key_manager=km)
    ref = _roundtrip(manager, pair)
    assert ref.startswith("castellan:")
    kinds = sorted(type(obj).__name__ for obj in km.keys.values())
    assert kinds == ["OpaqueData", "Passphrase", "X509"]
    assert {type(o) for o in km.keys.values()} == {
        x_509.X509, opaque_data.OpaqueData, passphrase.Passphrase}
    manager.delete_cert(ref)
    assert km.keys == {}
    with pytest.raises(exceptions.CertificateNotFound):
        manager.get_cert(ref)


@pytest.mark.parametrize("ref", ["", "castellan:", "castellan:a;;", "no-prefix;a;b"])
def test_barbican_malformed_refs(ref: str, castellan_mock: Any) -> None:
    manager = get_manager("barbican", context=object(),
                          key_manager=castellan_mock.MockKeyManager())
    with pytest.raises(exceptions.CertificateNotFound):
        manager.get_cert(ref)


def test_barbican_errors_are_mapped_and_partial_stores_cleaned(pair: x509.KeyPair,
                                                               castellan_mock: Any) -> None:
    from castellan.common import exception as castellan_exc

    from magnum_clone.common.certificates.managers.barbican import BarbicanCertManager

    # the factory refuses a missing context; built directly, castellan says Forbidden
    forbidden = BarbicanCertManager(None, key_manager=castellan_mock.MockKeyManager())
    with pytest.raises(exceptions.CertificateStorageError, match="Forbidden"):
        forbidden.store(pair, "c")

    class FailsOnKey(castellan_mock.MockKeyManager):  # type: ignore[name-defined,misc]
        def store(self, context: Any, managed_object: Any, expiration: Any = None) -> str:
            if len(self.keys) == 1:
                raise castellan_exc.KeyManagerError(reason="barbican is down")
            return super().store(context, managed_object, expiration)

    km = FailsOnKey()
    with pytest.raises(exceptions.CertificateStorageError):
        get_manager("barbican", context=object(), key_manager=km).store(pair, "c")
    assert km.keys == {}

    # keystoneauth's own errors (a lost connection, a failed re-auth) are not castellan's:
    # the half-stored pair is cleaned up all the same
    from keystoneauth1 import exceptions as ka_exc

    class ConnectionDropsOnKey(castellan_mock.MockKeyManager):  # type: ignore[name-defined,misc]
        def store(self, context: Any, managed_object: Any, expiration: Any = None) -> str:
            if len(self.keys) == 1:
                raise ka_exc.ConnectFailure("keystone went away")
            return super().store(context, managed_object, expiration)

    km2 = ConnectionDropsOnKey()
    with pytest.raises(exceptions.CertificateStorageError, match="ConnectFailure"):
        get_manager("barbican", context=object(), key_manager=km2).store(pair, "c")
    assert km2.keys == {}


# --- factory -------------------------------------------------------------------------------------

def test_factory_rejects_unknown_kinds_and_missing_options() -> None:
    with pytest.raises(exceptions.CertManagerConfigError, match="unknown cert_manager_type"):
        get_manager("vault")
    with pytest.raises(exceptions.CertManagerConfigError, match="storage_path"):
        get_manager("local")
    with pytest.raises(exceptions.CertManagerConfigError, match="storage"):
        get_manager("x509keypair", encryption_keys=[generate_encryption_key()])
    with pytest.raises(exceptions.CertManagerConfigError, match="context"):
        get_manager("barbican")
