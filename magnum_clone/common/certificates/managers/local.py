"""``local`` cert manager: one directory per pair under ``[certificates] storage_path``.

For development and tests only. The files live on one conductor's disk, so with more than
one conductor a cluster created on host A has no certificates on host B (signing, rotation and
deletion then fail there). Use ``x509keypair`` or ``barbican`` for anything shared.

Layout, all created with mode 0600 inside 0700 directories::

    <storage_path>/<ref>/certificate.pem
    <storage_path>/<ref>/private_key.pem
    <storage_path>/<ref>/passphrase          (only when the key is encrypted)

The reference is a fresh UUID, and only UUIDs are accepted back, so a tampered ref cannot
point outside ``storage_path``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from magnum_clone.common.certificates import exceptions
from magnum_clone.common.certificates.managers.base import CertManager
from magnum_clone.common.certificates.x509 import KeyPair

_CERT = "certificate.pem"
_KEY = "private_key.pem"
_PASSPHRASE = "passphrase"


def _write_private(path: Path, data: bytes) -> None:
    # O_EXCL: never follow or overwrite something planted at that name.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may only have narrowed it, make it exact
        os.write(fd, data)
    finally:
        os.close(fd)


class LocalCertManager(CertManager):
    """Files under ``storage_path``; single conductor only (see module docstring)."""

    kind = "local"

    def __init__(self, storage_path: str | os.PathLike[str]) -> None:
        if not storage_path:
            raise exceptions.CertManagerConfigError(
                reason="[certificates] storage_path is empty")
        self.root = Path(storage_path)

    def _dir(self, ref: str) -> Path:
        try:
            canonical = str(uuid.UUID(ref))
        except (ValueError, TypeError, AttributeError):
            raise exceptions.CertificateNotFound(ref=ref) from None
        if canonical != ref:
            raise exceptions.CertificateNotFound(ref=ref)
        return self.root / canonical

    def store_cert(self, cert_pem: bytes, key_pem: bytes, name: str, *,
                   passphrase: bytes | None = None) -> str:
        ref = str(uuid.uuid4())
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = self.root / ref
            path.mkdir(mode=0o700)
            _write_private(path / _CERT, cert_pem)
            _write_private(path / _KEY, key_pem)
            if passphrase is not None:
                _write_private(path / _PASSPHRASE, passphrase)
        except OSError as exc:
            shutil.rmtree(self.root / ref, ignore_errors=True)
            raise exceptions.CertificateStorageError(
                reason=f"cannot write under {self.root}: {exc.strerror}") from None
        return ref

    def get_cert(self, ref: str) -> KeyPair:
        path = self._dir(ref)
        try:
            cert = (path / _CERT).read_bytes()
            key = (path / _KEY).read_bytes()
        except FileNotFoundError:
            raise exceptions.CertificateNotFound(ref=ref) from None
        except OSError as exc:
            raise exceptions.CertificateStorageError(
                reason=f"cannot read {path}: {exc.strerror}") from None
        pass_path = path / _PASSPHRASE
        passphrase = pass_path.read_bytes() if pass_path.exists() else None
        return KeyPair(cert, key, passphrase)

    def delete_cert(self, ref: str) -> None:
        path = self._dir(ref)
        if not path.is_dir():
            raise exceptions.CertificateNotFound(ref=ref)
        shutil.rmtree(path)
