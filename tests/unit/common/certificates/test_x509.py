"""x509.py: CA/client/server generation and the CSR signing rules, checked with real openssl."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from magnum_clone.common.certificates import exceptions, x509
from tests.unit.common.certificates.conftest import (
    openssl,
    openssl_csr,
    openssl_verify,
    requires_openssl,
    write,
)

pytestmark = requires_openssl


def _cert(pem: bytes) -> cx509.Certificate:
    return cx509.load_pem_x509_certificate(pem)


def _ext(cert: cx509.Certificate, cls: type) -> cx509.Extension:
    return cert.extensions.get_extension_for_class(cls)


def _csr(key: rsa.RSAPrivateKey, *extensions: tuple[cx509.ExtensionType, bool],
         cn: str = "user") -> bytes:
    """A CSR built with cryptography, for requests openssl's -addext cannot express."""
    builder = cx509.CertificateSigningRequestBuilder().subject_name(
        cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, cn)]))
    for ext, critical in extensions:
        builder = builder.add_extension(ext, critical=critical)
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ku(**on: bool) -> cx509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return cx509.KeyUsage(**{n: on.get(n, False) for n in names})


# --- CA ---------------------------------------------------------------------------------------

def test_ca_has_ca_rights_and_sound_defaults(ca: x509.KeyPair) -> None:
    cert = _cert(ca.cert_pem)
    bc = _ext(cert, cx509.BasicConstraints)
    assert bc.critical and bc.value.ca and bc.value.path_length == 0
    ku = _ext(cert, cx509.KeyUsage)
    assert ku.critical and ku.value.key_cert_sign and ku.value.crl_sign
    assert not ku.value.digital_signature
    ski = _ext(cert, cx509.SubjectKeyIdentifier).value
    aki = _ext(cert, cx509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    assert cert.subject == cert.issuer
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "test-cluster"
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    assert cert.public_key().key_size == 2048  # type: ignore[union-attr]
    now = datetime.datetime.now(datetime.UTC)
    assert abs(cert.not_valid_before_utc - (now - datetime.timedelta(days=1))) < \
        datetime.timedelta(minutes=5)
    assert abs(cert.not_valid_after_utc - (now + datetime.timedelta(days=1825))) < \
        datetime.timedelta(minutes=5)


def test_ca_is_accepted_by_openssl_as_a_ca(ca: x509.KeyPair, tmp_path: Path) -> None:
    result = openssl_verify(tmp_path, ca.cert_pem, ca.cert_pem, "-purpose", "any")
    assert result.returncode == 0, result.stderr


def test_private_key_is_encrypted_pkcs8_readable_by_openssl(ca: x509.KeyPair,
                                                            tmp_path: Path) -> None:
    assert ca.key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(exceptions.CertificateStorageError):
        x509.load_private_key(ca.key_pem, None)
    key = write(tmp_path, "ca.key", ca.key_pem)
    result = openssl("pkey", "-in", key, "-passin", "pass:ca-passphrase", "-noout")
    assert result.returncode == 0, result.stderr
    clear = x509.decrypt_private_key(ca.key_pem, ca.passphrase)
    assert clear.startswith(b"-----BEGIN PRIVATE KEY-----")


def test_keypair_repr_hides_private_material(ca: x509.KeyPair) -> None:
    text = repr(ca)
    assert "PRIVATE KEY" not in text and "ca-passphrase" not in text


def test_short_keys_are_refused() -> None:
    with pytest.raises(ValueError):
        x509.generate_ca("weak", key_size=1024)


# --- client and server certificates -----------------------------------------------------------

def test_client_cert_verifies_against_ca_with_openssl(ca: x509.KeyPair, tmp_path: Path) -> None:
    client = x509.generate_client_cert(ca)
    assert openssl_verify(tmp_path, ca.cert_pem, client.cert_pem,
                          "-purpose", "sslclient").returncode == 0
    # clientAuth only: openssl must refuse it as a TLS server certificate
    assert openssl_verify(tmp_path, ca.cert_pem, client.cert_pem,
                          "-purpose", "sslserver").returncode != 0
    cert = _cert(client.cert_pem)
    assert cert.subject.rfc4514_string() == "CN=admin,O=system:masters"
    assert cert.issuer == _cert(ca.cert_pem).subject
    assert _ext(cert, cx509.BasicConstraints).value.ca is False
    ku = _ext(cert, cx509.KeyUsage).value
    assert ku.digital_signature and ku.key_encipherment and not ku.key_cert_sign
    assert list(_ext(cert, cx509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert client.key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")


def test_server_cert_covers_sans_for_openssl(ca: x509.KeyPair, tmp_path: Path) -> None:
    server = x509.generate_server_cert(ca, "kube-apiserver",
                                       ["10.0.0.5", "2001:db8::1", "kubernetes.default"])
    cert = _cert(server.cert_pem)
    san = _ext(cert, cx509.SubjectAlternativeName).value
    assert [str(ip) for ip in san.get_values_for_type(cx509.IPAddress)] == [
        "10.0.0.5", "2001:db8::1"]
    assert san.get_values_for_type(cx509.DNSName) == ["kubernetes.default", "kube-apiserver"]
    eku = list(_ext(cert, cx509.ExtendedKeyUsage).value)
    assert eku == [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    for check in (("-verify_ip", "10.0.0.5"), ("-verify_hostname", "kubernetes.default")):
        result = openssl_verify(tmp_path, ca.cert_pem, server.cert_pem, "-purpose", "sslserver",
                                *check)
        assert result.returncode == 0, result.stderr
    assert openssl_verify(tmp_path, ca.cert_pem, server.cert_pem,
                          "-verify_ip", "10.0.0.6").returncode != 0


def test_leaf_never_outlives_its_ca() -> None:
    short_ca = x509.generate_ca("short", validity_days=10)
    client = x509.generate_client_cert(short_ca, validity_days=1825)
    assert _cert(client.cert_pem).not_valid_after_utc <= \
        _cert(short_ca.cert_pem).not_valid_after_utc


# --- CSR signing --------------------------------------------------------------------------------

def test_openssl_admin_csr_is_signed_and_verifies(ca: x509.KeyPair, admin_csr: str,
                                                  tmp_path: Path) -> None:
    pem = x509.sign_csr(ca, admin_csr)
    result = openssl_verify(tmp_path, ca.cert_pem, pem, "-purpose", "sslclient")
    assert result.returncode == 0, result.stderr
    cert = _cert(pem)
    csr = cx509.load_pem_x509_csr(admin_csr.encode())
    assert cert.subject == csr.subject
    assert cert.subject.rfc4514_string() == "CN=admin,O=system:masters"
    assert cert.issuer == _cert(ca.cert_pem).subject
    assert cert.public_key() == csr.public_key()
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    assert _ext(cert, cx509.SubjectKeyIdentifier).value == \
        cx509.SubjectKeyIdentifier.from_public_key(csr.public_key())  # type: ignore[arg-type]
    assert x509.sign_csr(ca, admin_csr) != pem  # random serial each time
    assert _cert(x509.sign_csr(ca, admin_csr)).serial_number != cert.serial_number


@pytest.mark.parametrize("bad", [
    "", "garbage", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
    "caf\u00e9", b"\x00\x01\x02",
])
def test_malformed_csr_is_a_400(ca: x509.KeyPair, bad: str | bytes) -> None:
    with pytest.raises(exceptions.InvalidCsr) as info:
        x509.sign_csr(ca, bad)
    assert info.value.code == 400
    assert str(info.value).startswith("Received invalid csr")


def test_certificate_instead_of_csr_is_a_400(ca: x509.KeyPair) -> None:
    with pytest.raises(exceptions.InvalidCsr):
        x509.sign_csr(ca, ca.cert_pem)


def test_pasted_private_key_is_refused_without_echo(ca: x509.KeyPair) -> None:
    clear = x509.decrypt_private_key(ca.key_pem, ca.passphrase).decode()
    with pytest.raises(exceptions.InvalidCsr) as info:
        x509.sign_csr(ca, clear)
    body = clear.splitlines()[1]
    assert body not in str(info.value) and "BEGIN" not in str(info.value)


def test_csr_with_broken_self_signature_is_a_400(ca: x509.KeyPair,
                                                 rsa_key: rsa.RSAPrivateKey) -> None:
    der = bytearray(cx509.load_pem_x509_csr(_csr(rsa_key)).public_bytes(
        serialization.Encoding.DER))
    der[-1] ^= 0xFF  # the last byte belongs to the signature
    tampered = cx509.load_der_x509_csr(bytes(der)).public_bytes(serialization.Encoding.PEM)
    with pytest.raises(exceptions.InvalidCsr, match="signature"):
        x509.sign_csr(ca, tampered)


@pytest.mark.parametrize(("addext", "request_text"), [
    (["basicConstraints=critical,CA:TRUE"], "basicConstraints CA:TRUE"),
    (["basicConstraints=CA:TRUE"], "basicConstraints CA:TRUE"),       # non-critical too
    (["basicConstraints=CA:TRUE,pathlen:0", "keyUsage=keyCertSign"], "basicConstraints CA:TRUE"),
    (["keyUsage=critical,keyCertSign,digitalSignature"], "critical keyUsage keyCertSign"),
    (["basicConstraints=CA:FALSE", "keyUsage=critical,cRLSign,keyCertSign"],
     "critical keyUsage cRLSign,keyCertSign"),
])
def test_csr_asking_for_ca_is_refused(ca: x509.KeyPair, user_key: str, tmp_path: Path,
                                      addext: list[str], request_text: str) -> None:
    csr = openssl_csr(tmp_path, user_key, "/CN=sneaky", addext)
    with pytest.raises(exceptions.CaRightsNotAllowed) as info:
        x509.sign_csr(ca, csr)
    assert info.value.code == 400
    assert str(info.value) == (f"CSR asks for CA rights ({request_text}), which are not "
                               "granted: only leaf certificates are signed ([x509] allow_ca "
                               "is off)")
    # refused even when basicConstraints is not an allowed (copied) extension at all
    if "CA:TRUE" in request_text:
        with pytest.raises(exceptions.CaRightsNotAllowed):
            x509.sign_csr(ca, csr, allowed_extensions=["keyUsage"])


def test_noncritical_ca_key_usage_is_dropped_and_leaf_cannot_sign(
        ca: x509.KeyPair, user_key: str, tmp_path: Path) -> None:
    csr = openssl_csr(tmp_path, user_key, "/CN=modest", [
        "basicConstraints=critical,CA:FALSE", "keyUsage=keyCertSign,cRLSign,digitalSignature"])
    pem = x509.sign_csr(ca, csr)
    cert = _cert(pem)
    bc = _ext(cert, cx509.BasicConstraints)
    assert bc.value.ca is False and bc.critical
    ku = _ext(cert, cx509.KeyUsage)
    assert not ku.critical
    assert ku.value.digital_signature and not ku.value.key_cert_sign and not ku.value.crl_sign
    # and openssl agrees: it is not a CA
    leaf = write(tmp_path, "modest.pem", pem)
    result = openssl("x509", "-in", leaf, "-noout", "-ext", "basicConstraints,keyUsage")
    assert "CA:FALSE" in result.stdout and "Certificate Sign" not in result.stdout
    # a certificate "issued" with it does not chain: openssl rejects the intermediate
    with open(user_key, "rb") as f:
        user_private = serialization.load_pem_private_key(f.read(), password=None)
    victim = x509.KeyPair(pem, x509.serialize_private_key(user_private))  # type: ignore[arg-type]
    forged = x509.generate_client_cert(victim, cn="forged")
    untrusted = write(tmp_path, "untrusted.pem", pem)
    result = openssl_verify(tmp_path, ca.cert_pem, forged.cert_pem, "-untrusted", untrusted)
    assert result.returncode != 0
    assert "invalid CA certificate" in result.stdout + result.stderr


def test_allow_ca_keeps_the_ca_flag_when_usages_are_allowed(
        ca: x509.KeyPair, rsa_key: rsa.RSAPrivateKey) -> None:
    csr = _csr(rsa_key, (cx509.BasicConstraints(ca=True, path_length=None), True),
               (_ku(key_cert_sign=True, crl_sign=True), True))
    pem = x509.sign_csr(ca, csr, allow_ca=True,
                        allowed_key_usage=["keyCertSign", "cRLSign", "digitalSignature"])
    cert = _cert(pem)
    assert _ext(cert, cx509.BasicConstraints).value.ca is True
    assert _ext(cert, cx509.KeyUsage).value.key_cert_sign
    # allow_ca alone does not bypass allowed_key_usage
    with pytest.raises(exceptions.KeyUsageNotAllowed):
        x509.sign_csr(ca, csr, allow_ca=True)


def test_critical_disallowed_extension_is_a_400(ca: x509.KeyPair, user_key: str,
                                                tmp_path: Path) -> None:
    csr = openssl_csr(tmp_path, user_key, "/CN=user",
                      ["nameConstraints=critical,permitted;DNS:example.com"])
    with pytest.raises(exceptions.ExtensionNotAllowed) as info:
        x509.sign_csr(ca, csr)
    assert info.value.code == 400
    assert str(info.value) == "Extension 'nameConstraints' not allowed"


def test_noncritical_disallowed_extension_is_dropped(ca: x509.KeyPair, user_key: str,
                                                     tmp_path: Path) -> None:
    csr = openssl_csr(tmp_path, user_key, "/CN=user", [
        "nameConstraints=permitted;DNS:example.com", "subjectAltName=DNS:user.example.com"])
    cert = _cert(x509.sign_csr(ca, csr))
    with pytest.raises(cx509.ExtensionNotFound):
        _ext(cert, cx509.NameConstraints)
    assert _ext(cert, cx509.SubjectAlternativeName).value.get_values_for_type(
        cx509.DNSName) == ["user.example.com"]
    # shrinking the allowed list drops subjectAltName too
    cert = _cert(x509.sign_csr(ca, csr, allowed_extensions=["keyUsage"]))
    with pytest.raises(cx509.ExtensionNotFound):
        _ext(cert, cx509.SubjectAlternativeName)


def test_key_usage_outside_allowed_set(ca: x509.KeyPair, rsa_key: rsa.RSAPrivateKey) -> None:
    soft = _csr(rsa_key, (_ku(digital_signature=True, data_encipherment=True), False))
    ku = _ext(_cert(x509.sign_csr(ca, soft)), cx509.KeyUsage).value
    assert ku.digital_signature and not ku.data_encipherment
    hard = _csr(rsa_key, (_ku(digital_signature=True, data_encipherment=True), True))
    with pytest.raises(exceptions.KeyUsageNotAllowed) as info:
        x509.sign_csr(ca, hard)
    assert info.value.code == 400 and "dataEncipherment" in str(info.value)


def test_non_repudiation_is_an_alias_of_content_commitment(
        ca: x509.KeyPair, rsa_key: rsa.RSAPrivateKey) -> None:
    csr = _csr(rsa_key, (_ku(content_commitment=True), True))
    cert = _cert(x509.sign_csr(ca, csr, allowed_key_usage=["nonRepudiation"]))
    assert _ext(cert, cx509.KeyUsage).value.content_commitment


def test_csr_subject_key_identifier_is_replaced(ca: x509.KeyPair,
                                                rsa_key: rsa.RSAPrivateKey) -> None:
    csr = _csr(rsa_key, (cx509.SubjectKeyIdentifier(b"\x01" * 20), False))
    cert = _cert(x509.sign_csr(ca, csr))
    assert _ext(cert, cx509.SubjectKeyIdentifier).value == \
        cx509.SubjectKeyIdentifier.from_public_key(rsa_key.public_key())


def test_is_signed_by(ca: x509.KeyPair) -> None:
    other = x509.generate_ca("test-cluster")
    client = x509.generate_client_cert(ca)
    assert x509.is_signed_by(client.cert_pem, ca.cert_pem)
    assert not x509.is_signed_by(client.cert_pem, other.cert_pem)
