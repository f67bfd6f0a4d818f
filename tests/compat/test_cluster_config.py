"""TLS with the real client: `openstack coe ca show/sign/rotate` and `coe cluster config`
against a kubernetes cluster of the embedded service, checked with the real `openssl` and the
PyPI `kubernetes` client's kubeconfig loader."""

from __future__ import annotations

import os
import subprocess
from typing import Any

import pytest
import yaml

from tests.compat.conftest import CLI


def openssl(*args: str, cwd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


@pytest.fixture(scope="module")
def k8s_cluster(cli: CLI) -> Any:
    cli.json("coe", "cluster", "template", "create", "k8s-tls", "--coe", "kubernetes",
             "--image", "fedora-coreos-latest", "--external-network", "public",
             "--flavor", "m1.small", "--master-flavor", "m1.small")
    cli.run("coe", "cluster", "create", "tls1", "--cluster-template", "k8s-tls")
    c = cli.wait(("coe", "cluster", "show", "tls1"),
                 lambda c: c["status"] in ("CREATE_COMPLETE", "CREATE_FAILED"))
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    yield c
    cli.run("coe", "cluster", "delete", "tls1")
    cli.wait(("coe", "cluster", "list"), lambda rows: all(r["name"] != "tls1" for r in rows))
    cli.run("coe", "cluster", "template", "delete", "k8s-tls")


def test_cluster_config_writes_verifiable_kubeconfig(cli: CLI, k8s_cluster: Any,
                                                     tmp_path: Any) -> None:
    d = str(tmp_path)
    proc = cli.run("coe", "cluster", "config", "tls1", "--dir", d, "--force",
                   "--output-certs")
    assert f"export KUBECONFIG={d}/config" in proc.stdout
    for name in ("ca.pem", "cert.pem", "key.pem", "config"):
        assert os.path.getsize(os.path.join(d, name)) > 0, name
    v = openssl("verify", "-CAfile", "ca.pem", "cert.pem", cwd=d)
    assert v.returncode == 0 and "cert.pem: OK" in v.stdout, v.stderr
    subj = openssl("x509", "-in", "cert.pem", "-noout", "-subject", cwd=d).stdout
    assert "CN" in subj and "admin" in subj and "system:masters" in subj
    cfg = yaml.safe_load(open(os.path.join(d, "config")))
    assert cfg["clusters"][0]["cluster"]["server"] == k8s_cluster["api_address"]

    from kubernetes import config as k8s_config
    from kubernetes.client import Configuration

    conf = Configuration()
    k8s_config.load_kube_config(config_file=os.path.join(d, "config"),
                                client_configuration=conf)
    assert conf.host == k8s_cluster["api_address"]
    assert conf.ssl_ca_cert and conf.cert_file and conf.key_file


def test_ca_sign_and_rotate_with_openssl_csr(cli: CLI, k8s_cluster: Any,
                                             tmp_path: Any) -> None:
    d = str(tmp_path)
    gen = openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key",
                  "-out", "client.csr", "-subj", "/CN=admin/O=system:masters", cwd=d)
    assert gen.returncode == 0, gen.stderr
    signed = cli.run("coe", "ca", "sign", "tls1", os.path.join(d, "client.csr")).stdout
    with open(os.path.join(d, "client.crt"), "w") as f:
        f.write(signed)
    ca = cli.run("coe", "ca", "show", "tls1").stdout
    with open(os.path.join(d, "ca.crt"), "w") as f:
        f.write(ca)
    ok = openssl("verify", "-CAfile", "ca.crt", "client.crt", cwd=d)
    assert ok.returncode == 0, ok.stderr

    cli.run("coe", "ca", "rotate", "tls1")
    with open(os.path.join(d, "new-ca.crt"), "w") as f:
        f.write(cli.run("coe", "ca", "show", "tls1").stdout)
    stale = openssl("verify", "-CAfile", "new-ca.crt", "client.crt", cwd=d)
    assert stale.returncode != 0


def test_bad_csr_is_refused(cli: CLI, k8s_cluster: Any, tmp_path: Any) -> None:
    bad = tmp_path / "bad.csr"
    bad.write_text("-----BEGIN CERTIFICATE REQUEST-----\nnot a csr\n"
                   "-----END CERTIFICATE REQUEST-----\n")
    proc = cli.run("coe", "ca", "sign", "tls1", str(bad), check=False)
    assert proc.returncode != 0 and "invalid csr" in proc.stderr.lower()
