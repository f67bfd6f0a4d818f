"""TLS with the real client, as the seeds' TLS guide does it: `openstack coe cluster config`,
`coe ca show/sign/rotate` against kubernetes clusters of the embedded service (one with TLS,
one with ``--tls-disabled``), checked with the real `openssl`, the PyPI `kubernetes` client's
kubeconfig loader and `kubectl` (where the machine has it; it needs no API server for what is
checked here). Swarm's `cluster config` is checked in test_coes_and_admin.py."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.compat.conftest import CLI

# The seeds' client.conf for RBAC-enabled kubernetes clusters, verbatim.
CLIENT_CONF = """\
[req]
distinguished_name = req_distinguished_name
req_extensions = req_ext
prompt = no
[req_distinguished_name]
CN = admin
O = system:masters
OU=OpenStack/Magnum
C=US
ST=TX
L=Austin
[req_ext]
extendedKeyUsage = clientAuth
"""

KUBECTL = shutil.which("kubectl")


def openssl(*args: str, cwd: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _create(cli: CLI, template: str, cluster: str, *extra: str) -> None:
    cli.json("coe", "cluster", "template", "create", template, "--coe", "kubernetes",
             "--image", "fedora-coreos-latest", "--external-network", "public",
             "--flavor", "m1.small", "--master-flavor", "m1.small", *extra)
    cli.run("coe", "cluster", "create", cluster, "--cluster-template", template)


def _created(cli: CLI, cluster: str) -> Any:
    c = cli.wait(("coe", "cluster", "show", cluster),
                 lambda c: c["status"] in ("CREATE_COMPLETE", "CREATE_FAILED"))
    assert c["status"] == "CREATE_COMPLETE", c["status_reason"]
    return c


def _delete(cli: CLI, template: str, cluster: str) -> None:
    cli.run("coe", "cluster", "delete", cluster)
    cli.wait(("coe", "cluster", "list"), lambda rows: all(r["name"] != cluster for r in rows))
    cli.run("coe", "cluster", "template", "delete", template)


@pytest.fixture(scope="module")
def clusters(cli: CLI) -> Iterator[dict[str, Any]]:
    """Both clusters are created at once (each takes ~10 s) and shared by every test here."""
    _create(cli, "k8s-tls", "tls1")
    _create(cli, "k8s-plain", "plain1", "--tls-disabled")
    yield {"tls1": _created(cli, "tls1"), "plain1": _created(cli, "plain1")}
    _delete(cli, "k8s-tls", "tls1")
    _delete(cli, "k8s-plain", "plain1")


@pytest.fixture(scope="module")
def tls_config(cli: CLI, clusters: dict[str, Any],
               tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`openstack coe cluster config tls1 --dir D --force --output-certs`: (D, stdout)."""
    d = tmp_path_factory.mktemp("tls1-config")
    proc = cli.run("coe", "cluster", "config", "tls1", "--dir", str(d), "--force",
                   "--output-certs")
    return d, proc.stdout


def _kubeconfig(d: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((d / "config").read_text())
    return data


def test_cluster_config_files_and_environment(clusters: dict[str, Any],
                                              tls_config: tuple[Path, str]) -> None:
    d, out = tls_config
    assert f"export KUBECONFIG={d}/config" in out
    for name in ("ca.pem", "cert.pem", "key.pem", "config"):
        assert (d / name).stat().st_size > 0, name
    v = openssl("verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "cert.pem", cwd=d)
    assert "cert.pem: OK" in _ok(v)
    subj = _ok(openssl("x509", "-in", "cert.pem", "-noout", "-subject",
                       "-nameopt", "RFC2253", cwd=d))
    assert "CN=admin" in subj and "O=system:masters" in subj
    # cert.pem belongs to key.pem: the same public key
    cert_pub = _ok(openssl("x509", "-in", "cert.pem", "-noout", "-pubkey", cwd=d))
    key_pub = _ok(openssl("pkey", "-in", "key.pem", "-pubout", cwd=d))
    assert cert_pub.startswith("-----BEGIN PUBLIC KEY-----") and cert_pub == key_pub


def test_kubeconfig_inlines_the_same_material(cli: CLI, clusters: dict[str, Any],
                                              tls_config: tuple[Path, str]) -> None:
    d, _out = tls_config
    kc = _kubeconfig(d)
    (cluster,) = kc["clusters"]
    (user,) = kc["users"]
    assert cluster["cluster"]["server"] == clusters["tls1"]["api_address"]
    assert cluster["cluster"]["server"].startswith("https://")
    inline = {"ca.pem": cluster["cluster"]["certificate-authority-data"],
              "cert.pem": user["user"]["client-certificate-data"],
              "key.pem": user["user"]["client-key-data"]}
    for name, data in inline.items():
        decoded = base64.b64decode(data).decode()
        assert decoded == (d / name).read_text(), name
        (d / f"inline-{name}").write_text(decoded)
    v = openssl("verify", "-CAfile", "inline-ca.pem", "inline-cert.pem", cwd=d)
    assert "inline-cert.pem: OK" in _ok(v)
    assert (d / "ca.pem").read_text().strip() == cli.run("coe", "ca", "show", "tls1"
                                                          ).stdout.strip()


def test_kubeconfig_loads_in_the_kubernetes_client(clusters: dict[str, Any],
                                                   tls_config: tuple[Path, str]) -> None:
    from kubernetes import config as k8s_config
    from kubernetes.client import Configuration

    d, _out = tls_config
    conf = Configuration()
    k8s_config.load_kube_config(config_file=str(d / "config"), client_configuration=conf)
    assert conf.host == clusters["tls1"]["api_address"]
    # the loader writes the inline data to files: they are ours
    assert conf.ssl_ca_cert and conf.cert_file and conf.key_file
    assert Path(conf.ssl_ca_cert).read_text() == (d / "ca.pem").read_text()
    assert Path(conf.cert_file).read_text() == (d / "cert.pem").read_text()
    assert Path(conf.key_file).read_text() == (d / "key.pem").read_text()


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed on this machine")
def test_kubeconfig_loads_in_kubectl(clusters: dict[str, Any],
                                     tls_config: tuple[Path, str]) -> None:
    assert KUBECTL is not None
    d, _out = tls_config

    def kubectl(*args: str) -> str:
        proc = subprocess.run([KUBECTL, "--kubeconfig", str(d / "config"), *args],
                              capture_output=True, text=True, timeout=60)
        return _ok(proc)

    view = json.loads(kubectl("config", "view", "--raw", "-o", "json"))
    assert view["current-context"] == "default"
    (cluster,) = view["clusters"]
    (user,) = view["users"]
    assert cluster["cluster"]["server"] == clusters["tls1"]["api_address"]
    assert base64.b64decode(cluster["cluster"]["certificate-authority-data"]).decode() == \
        (d / "ca.pem").read_text()
    assert base64.b64decode(user["user"]["client-certificate-data"]).decode() == \
        (d / "cert.pem").read_text()
    assert kubectl("config", "current-context").strip() == "default"
    assert kubectl("config", "get-contexts", "-o", "name").split() == ["default"]
    # --minify --flatten resolves the current context to exactly our cluster and user
    minified = yaml.safe_load(kubectl("config", "view", "--minify", "--flatten"))
    assert minified["clusters"][0]["name"] == "tls1"
    assert minified["users"][0]["name"] == "admin"
    # kubectl loads the client certificate and key before it dials: with a closed local port
    # instead of the (simulated) API server, a mismatched or unparseable pair would fail with
    # "tls: private key does not match public key" before the connection is refused
    proc = subprocess.run([KUBECTL, "--kubeconfig", str(d / "config"), "--server",
                           "https://127.0.0.1:1", "--request-timeout", "5s", "get", "--raw",
                           "/version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "connection to the server 127.0.0.1:1 was refused" in proc.stderr, proc.stderr


def test_ca_sign_and_rotate_with_the_seeds_client_conf(cli: CLI, clusters: dict[str, Any],
                                                       tmp_path: Path) -> None:
    d = tmp_path
    (d / "client.conf").write_text(CLIENT_CONF)
    _ok(openssl("genrsa", "-out", "key.pem", "4096", cwd=d))
    _ok(openssl("req", "-new", "-days", "365", "-config", "client.conf", "-key", "key.pem",
                "-out", "client.csr", cwd=d))
    (d / "cert.pem").write_text(cli.run("coe", "ca", "sign", "tls1", str(d / "client.csr")
                                        ).stdout)
    (d / "ca.pem").write_text(cli.run("coe", "ca", "show", "tls1").stdout)
    v = openssl("verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "cert.pem", cwd=d)
    assert "cert.pem: OK" in _ok(v)
    subj = _ok(openssl("x509", "-in", "cert.pem", "-noout", "-subject", "-nameopt", "RFC2253",
                       cwd=d)).strip()
    assert subj == "subject=L=Austin,ST=TX,C=US,OU=OpenStack/Magnum,O=system:masters,CN=admin"
    eku = _ok(openssl("x509", "-in", "cert.pem", "-noout", "-ext", "extendedKeyUsage", cwd=d))
    assert eku.split() == ["X509v3", "Extended", "Key", "Usage:", "TLS", "Web", "Client",
                           "Authentication"]
    text = _ok(openssl("x509", "-in", "cert.pem", "-noout", "-text", cwd=d))
    assert "CA:TRUE" not in text and "Certificate Sign" not in text
    assert _ok(openssl("x509", "-in", "cert.pem", "-noout", "-pubkey", cwd=d)) == \
        _ok(openssl("pkey", "-in", "key.pem", "-pubout", cwd=d))

    rotated = cli.run("coe", "ca", "rotate", "tls1")
    assert rotated.returncode == 0
    seen: list[str] = []

    def settled(c: dict[str, Any]) -> bool:
        if not seen or seen[-1] != c["status"]:
            seen.append(c["status"])
        return c["status"] in ("UPDATE_COMPLETE", "UPDATE_FAILED")

    c = cli.wait(("coe", "cluster", "show", "tls1"), settled)
    assert c["status"] == "UPDATE_COMPLETE", c["status_reason"]
    assert seen == ["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE"], seen

    (d / "new-ca.pem").write_text(cli.run("coe", "ca", "show", "tls1").stdout)
    assert (d / "new-ca.pem").read_text() != (d / "ca.pem").read_text()
    stale = openssl("verify", "-CAfile", "new-ca.pem", "cert.pem", cwd=d)
    assert stale.returncode != 0, stale.stdout
    assert "unable to get local issuer certificate" in stale.stdout + stale.stderr
    # the same CSR signed now verifies against the new CA
    (d / "new-cert.pem").write_text(cli.run("coe", "ca", "sign", "tls1",
                                            str(d / "client.csr")).stdout)
    assert "new-cert.pem: OK" in _ok(openssl("verify", "-CAfile", "new-ca.pem",
                                             "new-cert.pem", cwd=d))


def test_bad_csrs_are_refused(cli: CLI, clusters: dict[str, Any], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csr"
    bad.write_text("-----BEGIN CERTIFICATE REQUEST-----\nnot a csr\n"
                   "-----END CERTIFICATE REQUEST-----\n")
    proc = cli.run("coe", "ca", "sign", "tls1", str(bad), check=False)
    assert proc.returncode != 0 and "Received invalid csr" in proc.stderr
    # a CSR asking for CA rights
    _ok(openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
                "ca.csr", "-subj", "/CN=sneaky", "-addext", "basicConstraints=critical,CA:TRUE",
                cwd=tmp_path))
    proc = cli.run("coe", "ca", "sign", "tls1", str(tmp_path / "ca.csr"), check=False)
    assert proc.returncode != 0
    assert "CSR asks for CA rights (basicConstraints CA:TRUE)" in proc.stderr
    assert "(HTTP 400)" in proc.stderr


def test_tls_disabled_cluster(cli: CLI, clusters: dict[str, Any], tmp_path: Path) -> None:
    plain = clusters["plain1"]
    assert plain["api_address"].startswith("http://") and plain["api_address"].endswith(":8080")
    # the client asks for no certificate: a kubeconfig without any, and no files
    proc = cli.run("coe", "cluster", "config", "plain1", "--dir", str(tmp_path),
                   "--output-certs")
    assert f"export KUBECONFIG={tmp_path}/config" in proc.stdout
    assert sorted(os.listdir(tmp_path)) == ["config"]
    kc = _kubeconfig(tmp_path)
    assert kc["clusters"] == [{"cluster": {"server": plain["api_address"]}, "name": "plain1"}]
    assert "certificate-authority-data" not in (tmp_path / "config").read_text()
    # the certificate calls answer 400
    for args, detail in [
            (("ca", "show", "plain1"), f"Cluster {plain['uuid']} has TLS disabled"),
            (("ca", "rotate", "plain1"),
             "Rotating the CA certificate on a non-TLS cluster is not supported")]:
        proc = cli.run("coe", *args, check=False)
        assert proc.returncode != 0 and detail in proc.stderr, proc.stderr
        assert "(HTTP 400)" in proc.stderr


def test_unknown_cluster(cli: CLI, clusters: dict[str, Any], tmp_path: Path) -> None:
    csr = tmp_path / "x.csr"
    _ok(openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "x.key", "-out",
                str(csr), "-subj", "/CN=admin/O=system:masters", cwd=tmp_path))
    # (`ca sign` looks the cluster up first, so the client gets the 404 of GET /clusters, not
    # the 400 that POST /v1/certificates gives for an unknown cluster: tested in unit/api)
    for args in [("cluster", "config", "nope", "--dir", str(tmp_path)), ("ca", "show", "nope"),
                 ("ca", "rotate", "nope"), ("ca", "sign", "nope", str(csr))]:
        proc = cli.run("coe", *args, check=False)
        assert proc.returncode != 0, args
        assert "Cluster nope could not be found (HTTP 404)" in proc.stderr, proc.stderr
    assert not (tmp_path / "config").exists()
