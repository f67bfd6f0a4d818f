"""``x509keypair`` cert manager: pairs in our own database, private keys encrypted at rest.

The manager does not talk to the DB itself. It receives a small storage object
(:class:`KeyPairStorage`), which the DB layer implements over the ``x509keypair`` table and tests
implement with a dict. The reference is the row's uuid, as in Magnum.

Why encrypt: a DB dump or backup must not be enough to impersonate the service towards every
cluster it manages. The private key and its passphrase are Fernet tokens (AES-128-CBC +
HMAC-SHA256) under keys from ``[certificates] x509keypair_encryption_keys``; the certificate is
public and stays readable. Several keys may be configured: the first encrypts, all decrypt, so
an operator rotates by prepending a new key and re-saving rows later. A row that is not a token
under one of the keys is refused rather than returned as if it were a plaintext key.

Generate a key with ``python -c "from cryptography.fernet import Fernet;
print(Fernet.generate_key().decode())"`` (or :func:`generate_encryption_key`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from magnum_clone.common.certificates import exceptions
from magnum_clone.common.certificates.managers.base import CertManager
from magnum_clone.common.certificates.x509 import KeyPair

_PREFIX = "fernet:"


class KeyPairStorage(Protocol):
    """What the manager needs from the ``x509keypair`` table.

    ``values`` keys are column names: ``certificate``, ``private_key`` and
    ``private_key_passphrase`` (the last may be ``None``); all text.
    """

    def create(self, values: Mapping[str, str | None]) -> str:
        """Insert a row and return its new uuid."""
        ...

    def get(self, uuid: str) -> Mapping[str, Any] | None:
        """The row as a mapping with at least the ``values`` keys, or ``None`` if absent."""
        ...

    def destroy(self, uuid: str) -> bool:
        """Delete the row; ``True`` if one was deleted, ``False`` if it did not exist."""
        ...


def generate_encryption_key() -> str:
    """A fresh value for ``[certificates] x509keypair_encryption_keys``."""
    return Fernet.generate_key().decode("ascii")


class X509KeyPairCertManager(CertManager):
    """Pairs in the DB via :class:`KeyPairStorage`; keys Fernet-encrypted (module docstring)."""

    kind = "x509keypair"

    def __init__(self, storage: KeyPairStorage, encryption_keys: Sequence[str | bytes]) -> None:
        keys = [k for k in encryption_keys if k]
        if not keys:
            raise exceptions.CertManagerConfigError(
                reason="x509keypair needs [certificates] x509keypair_encryption_keys")
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except (ValueError, TypeError):
            # never echo the configured value: it is a secret
            raise exceptions.CertManagerConfigError(
                reason="an x509keypair encryption key is not a valid Fernet key "
                       "(32 url-safe base64-encoded bytes)") from None
        self.storage = storage

    def _encrypt(self, data: bytes | None) -> str | None:
        if data is None:
            return None
        return _PREFIX + self._fernet.encrypt(data).decode("ascii")

    def _decrypt(self, ref: str, value: Any) -> bytes | None:
        if value is None:
            return None
        text = value.decode("ascii") if isinstance(value, bytes) else str(value)
        if not text.startswith(_PREFIX):
            raise exceptions.CertificateStorageError(
                reason=f"x509keypair {ref} holds an unencrypted private key; refusing it")
        try:
            return self._fernet.decrypt(text[len(_PREFIX):].encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            raise exceptions.CertificateStorageError(
                reason=f"x509keypair {ref} cannot be decrypted with the configured keys"
            ) from None

    def store_cert(self, cert_pem: bytes, key_pem: bytes, name: str, *,
                   passphrase: bytes | None = None) -> str:
        # ``name`` has no column in x509keypair; the ref (row uuid) is what callers keep.
        return self.storage.create({
            "certificate": cert_pem.decode("ascii"),
            "private_key": self._encrypt(key_pem),
            "private_key_passphrase": self._encrypt(passphrase),
        })

    def get_cert(self, ref: str) -> KeyPair:
        row = self.storage.get(ref)
        if row is None:
            raise exceptions.CertificateNotFound(ref=ref)
        cert = row["certificate"]
        key = self._decrypt(ref, row["private_key"])
        if cert is None or key is None:
            raise exceptions.CertificateStorageError(reason=f"x509keypair {ref} is incomplete")
        return KeyPair(cert.encode("ascii") if isinstance(cert, str) else bytes(cert), key,
                       self._decrypt(ref, row.get("private_key_passphrase")))

    def delete_cert(self, ref: str) -> None:
        if not self.storage.destroy(ref):
            raise exceptions.CertificateNotFound(ref=ref)
