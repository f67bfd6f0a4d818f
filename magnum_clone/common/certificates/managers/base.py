"""The cert manager interface: where certificates and their private keys are kept.

A manager stores a :class:`~magnum_clone.common.certificates.x509.KeyPair` and hands back an
opaque string reference; the cluster row keeps only those references (``ca_cert_ref``,
``magnum_cert_ref``, ...), never key material. Backends differ in where the bytes live and how
they are protected, not in what callers see:

========== ===================================================== ============================
kind        storage                                               protection of private keys
========== ===================================================== ============================
barbican    Barbican secrets through castellan (default upstream) Barbican's own
x509keypair our DB, through :class:`KeyPairStorage`               Fernet, key from config
local       files under a directory (single conductor only)       file mode 0600
========== ===================================================== ============================

References are at most 255 characters (a cluster ``*_cert_ref`` column fits them).
"""

from __future__ import annotations

import abc

from magnum_clone.common.certificates.x509 import KeyPair


class CertManager(abc.ABC):
    """Store, fetch and delete certificate/key pairs by reference."""

    #: the ``[certificates] cert_manager_type`` value that selects this backend
    kind: str = ""

    @abc.abstractmethod
    def store_cert(self, cert_pem: bytes, key_pem: bytes, name: str, *,
                   passphrase: bytes | None = None) -> str:
        """Store a certificate and its (possibly passphrase-encrypted) key; return a ref.

        ``name`` is a human hint (e.g. ``"<cluster uuid> ca"``) for backends that can show one;
        it is not part of the reference and need not be unique.
        """

    @abc.abstractmethod
    def get_cert(self, ref: str) -> KeyPair:
        """The stored pair, exactly as given to :meth:`store_cert`.

        :raises CertificateNotFound: nothing is stored under ``ref``.
        """

    @abc.abstractmethod
    def delete_cert(self, ref: str) -> None:
        """Remove the pair.

        :raises CertificateNotFound: nothing is stored under ``ref``.
        """

    def store(self, pair: KeyPair, name: str) -> str:
        """Convenience: :meth:`store_cert` for a :class:`KeyPair`."""
        return self.store_cert(pair.cert_pem, pair.key_pem, name, passphrase=pair.passphrase)
