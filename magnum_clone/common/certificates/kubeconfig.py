"""Client configuration for a cluster, as ``openstack coe cluster config`` writes it.

The client fetches the CA (``GET /v1/certificates/<cluster>``), gets a client certificate
signed from its own CSR (``POST /v1/certificates``) and combines both with the cluster's
``api_address``. These pure functions produce the same artefacts, which the conductor can use
for its own access and tests use to check that issued material actually fits together.

Kubernetes: a kubeconfig with one cluster, one user and one context named ``default``; the
certificates are inlined as ``*-data`` (base64 PEM) so the file is self-contained.
Docker/Swarm: ``DOCKER_HOST=tcp://<api>:2376``, ``DOCKER_TLS_VERIFY=1`` and
``DOCKER_CERT_PATH`` pointing at a directory with :data:`CERT_FILES`.
"""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import yaml

DOCKER_TLS_PORT = 2376
#: file names docker (and magnumclient) expect in DOCKER_CERT_PATH / next to the kubeconfig
CERT_FILES = {"ca": "ca.pem", "cert": "cert.pem", "key": "key.pem"}


def _b64(pem: str | bytes) -> str:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    return base64.b64encode(data).decode("ascii")


def _server_url(api_address: str) -> str:
    # Magnum stores "https://host:6443" for Kubernetes; accept a bare host[:port] as well.
    return api_address if "://" in api_address else f"https://{api_address}"


def build_kubeconfig(*, cluster_name: str, api_address: str, ca_pem: str | bytes,
                     client_cert_pem: str | bytes, client_key_pem: str | bytes,
                     user: str = "admin", context: str = "default") -> str:
    """A kubeconfig YAML document with inlined CA, client certificate and client key.

    The key must be unencrypted (kubectl cannot prompt for a passphrase), e.g. from
    :func:`magnum_clone.common.certificates.cluster_certs.get_client_cert`.
    """
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{"name": cluster_name, "cluster": {
            "server": _server_url(api_address),
            "certificate-authority-data": _b64(ca_pem)}}],
        "users": [{"name": user, "user": {
            "client-certificate-data": _b64(client_cert_pem),
            "client-key-data": _b64(client_key_pem)}}],
        "contexts": [{"name": context, "context": {"cluster": cluster_name, "user": user}}],
        "current-context": context,
    }
    return str(yaml.safe_dump(doc, default_flow_style=False, sort_keys=False))


def docker_env(api_address: str, cert_dir: str) -> dict[str, str]:
    """Environment for a docker client talking TLS to a Swarm cluster's API.

    ``api_address`` may be ``tcp://host:port``, ``host:port`` or a bare host/IP (IPv6 in
    brackets when a port is given); a missing port means 2376, docker's TLS port.
    """
    parts = urlsplit(api_address if "://" in api_address else f"tcp://{api_address}")
    host = parts.hostname
    if not host:
        raise ValueError("api_address has no host")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port or DOCKER_TLS_PORT
    return {"DOCKER_HOST": f"tcp://{host}:{port}", "DOCKER_CERT_PATH": cert_dir,
            "DOCKER_TLS_VERIFY": "1"}
