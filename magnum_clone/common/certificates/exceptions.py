"""Errors raised by the certificate package.

They sit under the service's :class:`~magnum_clone.common.exceptions.MagnumCloneError`, so the
API's error middleware already renders them with the right status (``code``) and Magnum's error
body; the conductor can let them travel back over synchronous RPC unchanged.

Two families:

* :class:`CertificateValidationError` (400): the user sent something we will not sign.
* everything else (500): our stored material is missing, unreadable or misconfigured.

NOTE: no message ever includes the offending input. A user who pastes a private key into the
``csr`` field must not get it echoed into an API response or a log line, so
:class:`InvalidCsr` carries a short reason instead of the CSR text upstream Magnum echoes.
"""

from __future__ import annotations

from magnum_clone.common.exceptions import MagnumCloneError


class CertificateError(MagnumCloneError):
    """Base class: something went wrong with certificates on our side."""

    code = 500
    message = "Certificate operation failed: %(reason)s"


class CertificateValidationError(CertificateError):
    """Base class for requests we refuse to sign (HTTP 400)."""

    code = 400
    faultcode = "Client"
    message = "Invalid certificate request: %(reason)s"


class InvalidCsr(CertificateValidationError):
    """The CSR is not parseable PEM, or its self-signature does not verify."""

    message = "Received invalid csr: %(reason)s"


class ExtensionNotAllowed(CertificateValidationError):
    """The CSR carries a *critical* extension outside ``[x509] allowed_extensions``."""

    message = "Extension '%(extension)s' not allowed"


class KeyUsageNotAllowed(CertificateValidationError):
    """A *critical* keyUsage asks for a usage outside ``[x509] allowed_key_usage``."""

    message = "Key usage '%(usage)s' not allowed"


class CaRightsNotAllowed(CertificateValidationError):
    """The CSR asks to become a CA (basicConstraints CA:TRUE, or a critical keyUsage with
    keyCertSign/cRLSign) while ``[x509] allow_ca`` is off."""

    message = ("CSR asks for CA rights (%(request)s), which are not granted: only leaf "
               "certificates are signed ([x509] allow_ca is off)")


class CertificateNotFound(CertificateError):
    """A stored reference no longer resolves (deleted, or from another backend)."""

    message = "Certificate %(ref)s could not be found."


class CertificateStorageError(CertificateError):
    """The backend could not store, read or decrypt material (wrong key, I/O error...)."""

    message = "Certificate storage error: %(reason)s"


class CertManagerConfigError(CertificateError):
    """The selected cert manager cannot work with the given configuration."""

    message = "Certificate manager misconfigured: %(reason)s"
