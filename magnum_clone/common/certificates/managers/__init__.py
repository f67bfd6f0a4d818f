"""Cert managers, selected by ``[certificates] cert_manager_type``.

Usage::

    manager = get_manager(CONF.certificates.cert_manager_type,
                          storage_path=CONF.certificates.storage_path,           # local
                          storage=db_adapter,                                    # x509keypair
                          encryption_keys=CONF.certificates.x509keypair_encryption_keys,
                          context=service_ctx)                                   # barbican

Each backend takes only the options it needs and ignores the others, so the caller can pass
the same keyword set whatever the configured kind.
"""

from __future__ import annotations

from typing import Any

from magnum_clone.common.certificates import exceptions
from magnum_clone.common.certificates.managers.base import CertManager
from magnum_clone.common.certificates.managers.local import LocalCertManager
from magnum_clone.common.certificates.managers.x509keypair import (
    KeyPairStorage,
    X509KeyPairCertManager,
    generate_encryption_key,
)

KINDS = ("barbican", "x509keypair", "local")

__all__ = ["CertManager", "KINDS", "KeyPairStorage", "LocalCertManager",
           "X509KeyPairCertManager", "generate_encryption_key", "get_manager"]


def _require(kind: str, options: dict[str, Any], name: str) -> Any:
    if options.get(name) is None:
        raise exceptions.CertManagerConfigError(reason=f"{kind} needs the '{name}' option")
    return options[name]


def get_manager(kind: str, **options: Any) -> CertManager:
    """Build the cert manager named by ``kind``.

    Options per kind: ``local``: ``storage_path``; ``x509keypair``: ``storage`` (a
    :class:`KeyPairStorage`) and ``encryption_keys``; ``barbican``: ``context`` (what castellan
    authenticates with; the service passes :func:`.barbican.service_context`, never a request
    context) plus optional ``key_manager`` (a castellan KeyManager; default
    :func:`.barbican.load_key_manager` of ``conf``) and ``conf``.

    :raises CertManagerConfigError: unknown kind or a missing option.
    """
    if kind == "local":
        return LocalCertManager(_require(kind, options, "storage_path"))
    if kind == "x509keypair":
        return X509KeyPairCertManager(_require(kind, options, "storage"),
                                      options.get("encryption_keys") or [])
    if kind == "barbican":
        from magnum_clone.common.certificates.managers.barbican import BarbicanCertManager

        return BarbicanCertManager(_require(kind, options, "context"),
                                   key_manager=options.get("key_manager"),
                                   conf=options.get("conf"))
    raise exceptions.CertManagerConfigError(
        reason=f"unknown cert_manager_type '{kind}' (choose from {', '.join(KINDS)})")
