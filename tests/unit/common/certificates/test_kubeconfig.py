"""kubeconfig.py: the files `openstack coe cluster config` would write, from issued material."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml

from magnum_clone.common.certificates import kubeconfig, x509
from tests.unit.common.certificates.conftest import openssl, openssl_verify, requires_openssl


@pytest.fixture(scope="module")
def admin(ca: x509.KeyPair) -> x509.KeyPair:
    return x509.generate_client_cert(ca)


def _doc(ca: x509.KeyPair, admin: x509.KeyPair, api_address: str) -> dict:
    text = kubeconfig.build_kubeconfig(cluster_name="k8s", api_address=api_address,
                                       ca_pem=ca.cert_pem, client_cert_pem=admin.cert_pem,
                                       client_key_pem=admin.key_pem)
    return yaml.safe_load(text)


def test_kubeconfig_has_the_fields_kubectl_reads(ca: x509.KeyPair, admin: x509.KeyPair) -> None:
    doc = _doc(ca, admin, "https://172.24.4.10:6443")
    assert doc["apiVersion"] == "v1" and doc["kind"] == "Config"
    assert doc["current-context"] == "default"
    assert doc["contexts"] == [{"name": "default",
                                "context": {"cluster": "k8s", "user": "admin"}}]
    cluster = doc["clusters"][0]
    assert cluster["name"] == "k8s"
    assert cluster["cluster"]["server"] == "https://172.24.4.10:6443"
    assert base64.b64decode(cluster["cluster"]["certificate-authority-data"]) == ca.cert_pem
    user = doc["users"][0]
    assert user["name"] == "admin"
    assert base64.b64decode(user["user"]["client-certificate-data"]) == admin.cert_pem
    assert base64.b64decode(user["user"]["client-key-data"]) == admin.key_pem


def test_bare_api_address_gets_https(ca: x509.KeyPair, admin: x509.KeyPair) -> None:
    doc = _doc(ca, admin, "172.24.4.10:6443")
    assert doc["clusters"][0]["cluster"]["server"] == "https://172.24.4.10:6443"


@requires_openssl
def test_inlined_material_fits_together(ca: x509.KeyPair, admin: x509.KeyPair,
                                        tmp_path: Path) -> None:
    doc = _doc(ca, admin, "https://10.0.0.1:6443")
    ca_pem = base64.b64decode(doc["clusters"][0]["cluster"]["certificate-authority-data"])
    cert_pem = base64.b64decode(doc["users"][0]["user"]["client-certificate-data"])
    key_pem = base64.b64decode(doc["users"][0]["user"]["client-key-data"])
    assert openssl_verify(tmp_path, ca_pem, cert_pem, "-purpose", "sslclient").returncode == 0
    (tmp_path / "key.pem").write_bytes(key_pem)
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    key_mod = openssl("rsa", "-in", str(tmp_path / "key.pem"), "-noout", "-modulus").stdout
    cert_mod = openssl("x509", "-in", str(tmp_path / "cert.pem"), "-noout", "-modulus").stdout
    assert key_mod and key_mod == cert_mod


@pytest.mark.parametrize("api_address,host", [
    ("172.24.4.10", "tcp://172.24.4.10:2376"),
    ("tcp://172.24.4.10:2376", "tcp://172.24.4.10:2376"),
    ("https://swarm.example.com", "tcp://swarm.example.com:2376"),
    ("swarm.example.com:3376", "tcp://swarm.example.com:3376"),
    ("[2001:db8::1]:2376", "tcp://[2001:db8::1]:2376"),
])
def test_docker_env(api_address: str, host: str) -> None:
    assert kubeconfig.docker_env(api_address, "/home/u/.swarm") == {
        "DOCKER_HOST": host, "DOCKER_CERT_PATH": "/home/u/.swarm", "DOCKER_TLS_VERIFY": "1"}
