"""``barbican`` cert manager: certificate, key and passphrase as secrets via castellan.

castellan is OpenStack's key-manager abstraction; its default backend is Barbican (Vault is the
other production backend), configured in the ``[key_manager]``/``[barbican]`` sections that
castellan registers itself. Going through castellan instead of python-barbicanclient keeps this
module small and lets tests run against castellan's in-memory ``MockKeyManager``.

Each pair becomes up to three secrets: the certificate (an X.509 object, DER as castellan
expects), the private key and, when the key is encrypted, its passphrase. Castellan has no
certificate containers, so the reference simply lists the secret ids::

    castellan:<cert id>;<key id>;<passphrase id or empty>

NOTE: the private key is stored as *opaque* data holding our PKCS#8 PEM, not as a castellan
``PrivateKey``: castellan's Barbican driver re-encodes ``PrivateKey`` objects by loading them
without a password, which fails for the passphrase-encrypted keys the cluster CAs use.

castellan needs a request context (for Barbican: the user's or a service token); it is bound
when the manager is built, so build one manager per request/operation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import serialization

from magnum_clone.common.certificates import exceptions
from magnum_clone.common.certificates.managers.base import CertManager
from magnum_clone.common.certificates.x509 import KeyPair

if TYPE_CHECKING:
    from castellan.key_manager.key_manager import KeyManager
    from oslo_config import cfg

_PREFIX = "castellan:"


def _castellan_error(exc: Exception, ref: str) -> exceptions.CertificateError:
    from castellan.common import exception as castellan_exc

    if isinstance(exc, castellan_exc.ManagedObjectNotFoundError):
        return exceptions.CertificateNotFound(ref=ref)
    return exceptions.CertificateStorageError(
        reason=f"key manager: {type(exc).__name__}")


def _parse_ref(ref: str) -> tuple[str, str, str | None]:
    if not isinstance(ref, str) or not ref.startswith(_PREFIX):
        raise exceptions.CertificateNotFound(ref=ref)
    parts = ref[len(_PREFIX):].split(";")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise exceptions.CertificateNotFound(ref=ref)
    return parts[0], parts[1], parts[2] or None


class BarbicanCertManager(CertManager):
    """Secrets in a castellan key manager (Barbican by default); see module docstring."""

    kind = "barbican"

    def __init__(self, context: Any, key_manager: KeyManager | None = None,
                 conf: cfg.ConfigOpts | None = None) -> None:
        if key_manager is None:
            try:
                from castellan import key_manager as castellan_km
            except ImportError:
                raise exceptions.CertManagerConfigError(
                    reason="cert_manager_type barbican needs the castellan package") from None
            key_manager = castellan_km.API(conf)
        self.key_manager = key_manager
        self.context = context

    def store_cert(self, cert_pem: bytes, key_pem: bytes, name: str, *,
                   passphrase: bytes | None = None) -> str:
        from castellan.common import exception as castellan_exc
        from castellan.common.objects import opaque_data, x_509
        from castellan.common.objects import passphrase as castellan_passphrase

        der = crypto_x509.load_pem_x509_certificate(cert_pem).public_bytes(
            serialization.Encoding.DER)
        objects: list[Any] = [
            x_509.X509(der, name=f"{name} certificate"),
            opaque_data.OpaqueData(key_pem, name=f"{name} private key"),
        ]
        if passphrase is not None:
            objects.append(castellan_passphrase.Passphrase(
                passphrase, name=f"{name} private key passphrase"))
        stored: list[str] = []
        try:
            for obj in objects:
                stored.append(self.key_manager.store(self.context, obj))
        except castellan_exc.CastellanException as exc:
            for secret_id in stored:  # do not leave half a pair behind
                try:
                    self.key_manager.delete(self.context, secret_id)
                except castellan_exc.CastellanException:
                    pass
            raise _castellan_error(exc, name) from None
        cert_id, key_id, *rest = stored
        return f"{_PREFIX}{cert_id};{key_id};{rest[0] if rest else ''}"

    def _fetch(self, ref: str, secret_id: str) -> bytes:
        from castellan.common import exception as castellan_exc

        try:
            data = self.key_manager.get(self.context, secret_id).get_encoded()
        except castellan_exc.CastellanException as exc:
            raise _castellan_error(exc, ref) from None
        if data is None:
            raise exceptions.CertificateStorageError(reason=f"secret of {ref} has no payload")
        return bytes(data)

    def get_cert(self, ref: str) -> KeyPair:
        cert_id, key_id, pass_id = _parse_ref(ref)
        cert_der = self._fetch(ref, cert_id)
        cert_pem = crypto_x509.load_der_x509_certificate(cert_der).public_bytes(
            serialization.Encoding.PEM)
        return KeyPair(cert_pem, self._fetch(ref, key_id),
                       self._fetch(ref, pass_id) if pass_id else None)

    def delete_cert(self, ref: str) -> None:
        from castellan.common import exception as castellan_exc

        ids = [i for i in _parse_ref(ref) if i]
        missing = 0
        for secret_id in ids:  # delete what is there, even if one secret is already gone
            try:
                self.key_manager.delete(self.context, secret_id)
            except castellan_exc.ManagedObjectNotFoundError:
                missing += 1
            except castellan_exc.CastellanException as exc:
                raise _castellan_error(exc, ref) from None
        if missing == len(ids):
            raise exceptions.CertificateNotFound(ref=ref)
