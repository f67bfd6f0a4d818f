"""X.509 building blocks: CAs, client and server certificates, CSR signing.

Pure functions over ``cryptography``: no config, no storage, no logging. Callers pass the
``[x509]`` values in (see :class:`magnum_clone.common.certificates.cluster_certs.X509Options`),
which keeps every rule testable without a service around it.

Usage::

    ca = generate_ca("my-cluster", passphrase=b"s3cret")
    admin = generate_client_cert(ca)                       # CN=admin, O=system:masters
    api = generate_server_cert(ca, "kube-apiserver", ["10.0.0.5", "kubernetes.default"])
    user_pem = sign_csr(ca, csr_text)                       # filtered per [x509] rules

Why the choices:

* RSA 2048 and SHA-256 by default: what every Kubernetes component and ``openssl`` accepts.
* ``notBefore`` one day in the past: nodes with a slightly wrong clock still accept a
  certificate minted seconds ago (Magnum does the same).
* CAs get ``pathlen:0``: a cluster CA signs leaf certificates only, so a signed CSR can never
  be turned into a working intermediate even if ``allow_ca`` is switched on by mistake; with
  ``allow_ca`` off (the default) a CSR asking for CA rights is refused outright (HTTP 400).
* Leaf certificates never outlive their CA (``notAfter`` is clamped): after the CA expires they
  would not verify anyway, and a clamped date tells the user the truth.
* Private keys are PKCS#8 PEM, encrypted when a passphrase is given, and :class:`KeyPair` hides
  them from ``repr`` so they cannot leak through a log line or a traceback.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from magnum_clone.common.certificates import exceptions

DEFAULT_KEY_SIZE = 2048
DEFAULT_VALIDITY_DAYS = 1825
MIN_KEY_SIZE = 2048

#: ``[x509] allowed_extensions`` default (OpenSSL short names, as in Magnum's config).
DEFAULT_ALLOWED_EXTENSIONS: frozenset[str] = frozenset({
    "keyUsage", "extendedKeyUsage", "subjectAltName", "basicConstraints",
    "subjectKeyIdentifier"})
#: ``[x509] allowed_key_usage`` default. ``nonRepudiation`` is accepted as an alias.
DEFAULT_ALLOWED_KEY_USAGE: frozenset[str] = frozenset({
    "digitalSignature", "keyEncipherment", "contentCommitment"})

PemInput = str | bytes

# Extension OID -> the name used in [x509] allowed_extensions and in error messages.
_EXTENSION_NAMES: dict[x509.ObjectIdentifier, str] = {
    ExtensionOID.KEY_USAGE: "keyUsage",
    ExtensionOID.EXTENDED_KEY_USAGE: "extendedKeyUsage",
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME: "subjectAltName",
    ExtensionOID.ISSUER_ALTERNATIVE_NAME: "issuerAltName",
    ExtensionOID.BASIC_CONSTRAINTS: "basicConstraints",
    ExtensionOID.SUBJECT_KEY_IDENTIFIER: "subjectKeyIdentifier",
    ExtensionOID.AUTHORITY_KEY_IDENTIFIER: "authorityKeyIdentifier",
    ExtensionOID.NAME_CONSTRAINTS: "nameConstraints",
    ExtensionOID.POLICY_CONSTRAINTS: "policyConstraints",
    ExtensionOID.CERTIFICATE_POLICIES: "certificatePolicies",
    ExtensionOID.CRL_DISTRIBUTION_POINTS: "crlDistributionPoints",
    ExtensionOID.AUTHORITY_INFORMATION_ACCESS: "authorityInfoAccess",
    ExtensionOID.INHIBIT_ANY_POLICY: "inhibitAnyPolicy",
    ExtensionOID.TLS_FEATURE: "tlsfeature",
}

# keyUsage name (RFC 5280 / OpenSSL spelling) -> KeyUsage constructor argument, in order.
_KEY_USAGE_FIELDS: dict[str, str] = {
    "digitalSignature": "digital_signature",
    "contentCommitment": "content_commitment",
    "keyEncipherment": "key_encipherment",
    "dataEncipherment": "data_encipherment",
    "keyAgreement": "key_agreement",
    "keyCertSign": "key_cert_sign",
    "cRLSign": "crl_sign",
    "encipherOnly": "encipher_only",
    "decipherOnly": "decipher_only",
}
_KEY_USAGE_ALIASES = {"nonrepudiation": "contentCommitment"}
_CA_KEY_USAGES = frozenset({"keyCertSign", "cRLSign"})


@dataclass(frozen=True)
class KeyPair:
    """A PEM certificate and its PKCS#8 PEM private key (encrypted if ``passphrase`` is set).

    ``key_pem`` and ``passphrase`` are left out of ``repr`` on purpose: objects end up in
    log lines and tracebacks, private keys must not.
    """

    cert_pem: bytes
    key_pem: bytes = field(repr=False)
    passphrase: bytes | None = field(default=None, repr=False)


# --------------------------------------------------------------------------------------------
# helpers


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _to_bytes(value: PemInput) -> bytes:
    return value.encode("ascii") if isinstance(value, str) else value


def _new_rsa_key(key_size: int) -> rsa.RSAPrivateKey:
    if key_size < MIN_KEY_SIZE:
        raise ValueError(f"RSA keys shorter than {MIN_KEY_SIZE} bits are refused")
    return rsa.generate_private_key(public_exponent=65537, key_size=key_size)


def _hash_for(key: CertificateIssuerPrivateKeyTypes) -> hashes.SHA256 | None:
    # Ed25519/Ed448 sign without a separate digest; everything else uses SHA-256.
    if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return None
    return hashes.SHA256()


def serialize_private_key(key: CertificateIssuerPrivateKeyTypes,
                          passphrase: bytes | None = None) -> bytes:
    """PKCS#8 PEM, encrypted with ``passphrase`` (AES-256 via PBKDF2) when one is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase
        else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             encryption)


def load_private_key(key_pem: PemInput,
                     passphrase: bytes | None = None) -> CertificateIssuerPrivateKeyTypes:
    """Load a PEM private key usable for signing; the error never contains key bytes."""
    try:
        key = serialization.load_pem_private_key(_to_bytes(key_pem), password=passphrase)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise exceptions.CertificateStorageError(
            reason=f"cannot load private key ({type(exc).__name__})") from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
                      | ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        raise exceptions.CertificateStorageError(reason="unsupported private key type")
    return key


def decrypt_private_key(key_pem: PemInput, passphrase: bytes | None) -> bytes:
    """The same key as unencrypted PKCS#8 PEM.

    For the few consumers that need the clear key (a kubeconfig for the conductor's own
    Kubernetes client, the certificate cache); never for an API response.
    """
    return serialize_private_key(load_private_key(key_pem, passphrase), None)


def load_certificate(cert_pem: PemInput) -> x509.Certificate:
    return x509.load_pem_x509_certificate(_to_bytes(cert_pem))


def _load_ca(ca: KeyPair) -> tuple[x509.Certificate, CertificateIssuerPrivateKeyTypes]:
    return load_certificate(ca.cert_pem), load_private_key(ca.key_pem, ca.passphrase)


def _name(common_name: str, organization: str | None = None) -> x509.Name:
    attrs = []
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _validity(validity_days: int,
              ca_cert: x509.Certificate | None) -> tuple[datetime.datetime, datetime.datetime]:
    if validity_days < 1:
        raise ValueError("validity_days must be at least 1")
    now = _now()
    not_before = now - datetime.timedelta(days=1)
    not_after = now + datetime.timedelta(days=validity_days)
    if ca_cert is not None:
        not_after = min(not_after, ca_cert.not_valid_after_utc)
    return not_before, not_after


def _key_usage(**enabled: bool) -> x509.KeyUsage:
    values = {f: False for f in _KEY_USAGE_FIELDS.values()}
    values.update(enabled)
    return x509.KeyUsage(**values)


def _leaf(ca: KeyPair, subject: x509.Name, public_key: CertificatePublicKeyTypes,
          validity_days: int,
          extensions: Iterable[tuple[x509.ExtensionType, bool]]) -> bytes:
    """Sign a leaf: random serial, issuer = CA subject, SKI/AKI, then the given extensions."""
    ca_cert, ca_key = _load_ca(ca)
    not_before, not_after = _validity(validity_days, ca_cert)
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(ca_cert.subject)
               .public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before)
               .not_valid_after(not_after))
    for ext, critical in extensions:
        builder = builder.add_extension(ext, critical=critical)
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                                    critical=False)
    builder = builder.add_extension(_authority_key_id(ca_cert), critical=False)
    cert = builder.sign(ca_key, _hash_for(ca_key))
    return cert.public_bytes(serialization.Encoding.PEM)


def _authority_key_id(ca_cert: x509.Certificate) -> x509.AuthorityKeyIdentifier:
    try:
        ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    except x509.ExtensionNotFound:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca_cert.public_key())  # type: ignore[arg-type]
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


# --------------------------------------------------------------------------------------------
# generation


def generate_ca(common_name: str, key_size: int = DEFAULT_KEY_SIZE,
                validity_days: int = DEFAULT_VALIDITY_DAYS, *,
                passphrase: bytes | None = None) -> KeyPair:
    """A self-signed CA: CA:true pathlen:0 (critical), keyCertSign+cRLSign (critical), SKI/AKI.

    The subject is just ``CN=<common_name>``; Magnum uses the cluster name (or uuid), which is
    also what users see as the issuer of their signed certificates.
    """
    key = _new_rsa_key(key_size)
    name = _name(common_name)
    not_before, not_after = _validity(validity_days, None)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(ski, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return KeyPair(cert.public_bytes(serialization.Encoding.PEM),
                   serialize_private_key(key, passphrase), passphrase)


def generate_client_cert(ca: KeyPair, cn: str = "admin", org: str | None = "system:masters", *,
                         key_size: int = DEFAULT_KEY_SIZE,
                         validity_days: int = DEFAULT_VALIDITY_DAYS,
                         passphrase: bytes | None = None) -> KeyPair:
    """A TLS client certificate signed by ``ca``: clientAuth, digitalSignature+keyEncipherment.

    The defaults (CN=admin, O=system:masters) are what Kubernetes maps to cluster-admin under
    RBAC; the service uses this identity to talk to the clusters it manages.
    """
    key = _new_rsa_key(key_size)
    cert_pem = _leaf(ca, _name(cn, org), key.public_key(), validity_days, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(digital_signature=True, key_encipherment=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False),
    ])
    return KeyPair(cert_pem, serialize_private_key(key, passphrase), passphrase)


def _general_name(value: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(value))
    except ValueError:
        return x509.DNSName(value)


def generate_server_cert(ca: KeyPair, cn: str, sans: Sequence[str], *,
                         key_size: int = DEFAULT_KEY_SIZE,
                         validity_days: int = DEFAULT_VALIDITY_DAYS,
                         passphrase: bytes | None = None) -> KeyPair:
    """A TLS server certificate (serverAuth+clientAuth) for ``sans`` (IPs or DNS names).

    clientAuth is included because API servers and etcd members also dial each other with the
    same certificate. The CN is added as a DNS SAN when it is not in ``sans``, since clients
    ignore the CN once a SAN extension is present.
    """
    names: list[x509.GeneralName] = []
    for value in [*sans, cn]:
        gn = _general_name(value)
        if gn not in names:
            names.append(gn)
    key = _new_rsa_key(key_size)
    cert_pem = _leaf(ca, _name(cn), key.public_key(), validity_days, [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(digital_signature=True, key_encipherment=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                ExtendedKeyUsageOID.CLIENT_AUTH]), False),
        (x509.SubjectAlternativeName(names), False),
    ])
    return KeyPair(cert_pem, serialize_private_key(key, passphrase), passphrase)


# --------------------------------------------------------------------------------------------
# CSR signing


def extension_name(oid: x509.ObjectIdentifier) -> str:
    """The ``[x509] allowed_extensions`` spelling of an extension, else its dotted OID."""
    return _EXTENSION_NAMES.get(oid, oid.dotted_string)


def _canonical_usage(name: str) -> str:
    lowered = name.strip().lower()
    if lowered in _KEY_USAGE_ALIASES:
        return _KEY_USAGE_ALIASES[lowered]
    for known in _KEY_USAGE_FIELDS:
        if known.lower() == lowered:
            return known
    return name.strip()


def load_csr(csr_pem: PemInput) -> x509.CertificateSigningRequest:
    """Parse and check a user CSR; every failure becomes :class:`InvalidCsr` (HTTP 400).

    The self-signature is checked so that nobody can get a certificate for a public key whose
    private key they do not hold.
    """
    try:
        data = _to_bytes(csr_pem)
    except UnicodeEncodeError:
        raise exceptions.InvalidCsr(reason="not ASCII PEM text") from None
    if b"PRIVATE KEY" in data:
        # Somebody pasted a key. Say so without echoing it anywhere.
        raise exceptions.InvalidCsr(reason="a private key was sent instead of a CSR")
    try:
        csr = x509.load_pem_x509_csr(data)
        csr.public_key()
        csr.extensions  # noqa: B018  (parses them: duplicates and bad encodings raise here)
    except (ValueError, TypeError, UnsupportedAlgorithm, x509.DuplicateExtension,
            x509.UnsupportedGeneralNameType):
        raise exceptions.InvalidCsr(
            reason="not a PEM-encoded PKCS#10 certificate signing request") from None
    if not csr.is_signature_valid:
        raise exceptions.InvalidCsr(reason="the CSR signature does not verify")
    return csr


def _filter_key_usage(ku: x509.KeyUsage, critical: bool, allowed: frozenset[str],
                      allow_ca: bool) -> x509.KeyUsage | None:
    requested = {name for name, attr in _KEY_USAGE_FIELDS.items()
                 if name not in ("encipherOnly", "decipherOnly") and getattr(ku, attr)}
    if ku.key_agreement:
        requested |= {n for n in ("encipherOnly", "decipherOnly")
                      if getattr(ku, _KEY_USAGE_FIELDS[n])}
    if not allow_ca:
        ca_usages = requested & _CA_KEY_USAGES
        if ca_usages and critical:
            # The requester says the certificate is useless to them without CA rights:
            # refuse rather than hand out something else than what was asked for.
            raise exceptions.CaRightsNotAllowed(
                request="critical keyUsage " + ",".join(sorted(ca_usages)))
        # Non-critical: a wish, dropped like any other usage outside allowed_key_usage.
        requested -= _CA_KEY_USAGES
    kept = set()
    for name in sorted(requested):
        if name in allowed:
            kept.add(name)
        elif critical:
            raise exceptions.KeyUsageNotAllowed(usage=name)
    if "keyAgreement" not in kept:
        kept -= {"encipherOnly", "decipherOnly"}
    if not kept:
        return None
    return _key_usage(**{_KEY_USAGE_FIELDS[n]: True for n in kept})


def filter_csr_extensions(
        extensions: Iterable[x509.Extension[x509.ExtensionType]], *,
        allowed_extensions: Iterable[str] = DEFAULT_ALLOWED_EXTENSIONS,
        allowed_key_usage: Iterable[str] = DEFAULT_ALLOWED_KEY_USAGE,
        allow_ca: bool = False) -> list[tuple[x509.ExtensionType, bool]]:
    """Apply the ``[x509]`` rules to the extensions a CSR asks for.

    * not in ``allowed_extensions``: dropped, or :class:`ExtensionNotAllowed` if critical;
    * keyUsage bits not in ``allowed_key_usage``: dropped, or :class:`KeyUsageNotAllowed` if
      the extension is critical;
    * unless ``allow_ca``, a request for CA rights is refused with :class:`CaRightsNotAllowed`:
      basicConstraints CA:TRUE (critical or not: nobody asks to be a CA by accident), or a
      *critical* keyUsage with keyCertSign/cRLSign. Those two bits in a non-critical keyUsage
      are only dropped, like any usage outside ``allowed_key_usage``;
    * subjectKeyIdentifier/authorityKeyIdentifier are never copied: the signer computes them.

    The checks run before anything is signed, so a refused CSR leaves no certificate behind.
    Returns ``(extension value, critical)`` pairs ready for a certificate builder.
    """
    allowed_ext = {n.strip().lower() for n in allowed_extensions}
    allowed_ku = frozenset(_canonical_usage(n) for n in allowed_key_usage)
    result: list[tuple[x509.ExtensionType, bool]] = []
    for ext in extensions:
        name = extension_name(ext.oid)
        value = ext.value
        if isinstance(value, x509.BasicConstraints) and value.ca and not allow_ca:
            # Checked before allowed_extensions: dropping it silently would sign a leaf the
            # requester did not ask for.
            raise exceptions.CaRightsNotAllowed(request="basicConstraints CA:TRUE")
        if name.lower() not in allowed_ext:
            if ext.critical:
                raise exceptions.ExtensionNotAllowed(extension=name)
            continue
        if isinstance(value, x509.SubjectKeyIdentifier | x509.AuthorityKeyIdentifier):
            continue
        if isinstance(value, x509.KeyUsage):
            filtered = _filter_key_usage(value, ext.critical, allowed_ku, allow_ca)
            if filtered is None:
                continue
            value = filtered
        result.append((value, ext.critical))
    return result


def sign_csr(ca: KeyPair, csr_pem: PemInput, *,
             allowed_extensions: Iterable[str] = DEFAULT_ALLOWED_EXTENSIONS,
             allowed_key_usage: Iterable[str] = DEFAULT_ALLOWED_KEY_USAGE,
             allow_ca: bool = False,
             validity_days: int = DEFAULT_VALIDITY_DAYS) -> bytes:
    """Sign a user CSR with ``ca`` and return the certificate PEM.

    Subject and public key come from the CSR, the issuer is the CA's subject, the serial is
    random, validity is now-1 day .. now+``validity_days`` (never past the CA), extensions are
    filtered by :func:`filter_csr_extensions`, and a subject key identifier is added.

    :raises InvalidCsr: unparseable CSR or bad self-signature.
    :raises ExtensionNotAllowed: a critical extension outside ``allowed_extensions``.
    :raises KeyUsageNotAllowed: a critical keyUsage asking for a usage that is not allowed.
    :raises CaRightsNotAllowed: the CSR asks for CA rights and ``allow_ca`` is off.
    """
    csr = load_csr(csr_pem)
    extensions = filter_csr_extensions(csr.extensions, allowed_extensions=allowed_extensions,
                                       allowed_key_usage=allowed_key_usage, allow_ca=allow_ca)
    return _leaf(ca, csr.subject, csr.public_key(), validity_days, extensions)


# --------------------------------------------------------------------------------------------
# inspection


def common_name(cert_pem: PemInput) -> str | None:
    """The subject CN of a certificate, if it has one."""
    attrs = load_certificate(cert_pem).subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value) if attrs else None


def is_signed_by(cert_pem: PemInput, ca_cert_pem: PemInput) -> bool:
    """Whether ``ca_cert_pem``'s key signed ``cert_pem`` (signature and issuer name only)."""
    cert, ca_cert = load_certificate(cert_pem), load_certificate(ca_cert_pem)
    try:
        cert.verify_directly_issued_by(ca_cert)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True
