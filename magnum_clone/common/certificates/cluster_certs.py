"""A cluster's certificates: what the conductor creates, signs with, rotates and deletes.

Every TLS-enabled cluster owns three self-signed CAs and one client certificate:

* the **cluster CA** (``ca_cert_ref``) behind the Kubernetes API; users' CSRs are signed by it;
* the **etcd CA** (``etcd_ca_cert_ref``) and the **front-proxy CA**
  (``front_proxy_ca_cert_ref``), kept apart so that a certificate for one purpose is useless
  for the other (an etcd peer certificate must not authenticate to the API server);
* the service's own **client certificate** (``magnum_cert_ref``), CN=admin O=system:masters,
  signed by the cluster CA, which the conductor uses to reach the cluster's API.

All CA subjects are ``CN=<cluster name or uuid>``, so that is the issuer users see. Private keys
are encrypted with a fresh random passphrase that is stored next to them (Magnum does the
same), so a key file copied on its own is useless.

Usage (conductor)::

    opts = X509Options.from_conf(CONF.x509)
    refs = create_cluster_certificates(cluster.name or cluster.uuid, manager, opts)
    cluster.update(refs.as_dict())
    ...
    pem = sign(refs, manager, csr_text, "kubernetes", opts)
    new_refs = rotate(refs, manager, options=opts)   # then push to the cluster, then:
    delete(refs, manager)                              # drop the old material

Nothing here logs or returns a private key (failed clean-ups log refs only) except
:func:`get_client_cert` and :func:`issue_server_certificate`, whose callers (conductor, driver)
need the clear key.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from magnum_clone.common.certificates import exceptions, x509
from magnum_clone.common.certificates.managers.base import CertManager

#: Names the in-cluster clients use for the API server; added to every API server certificate.
KUBERNETES_API_NAMES: tuple[str, ...] = (
    "kubernetes", "kubernetes.default", "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local")

LOG = logging.getLogger(__name__)

ADMIN_CN = "admin"
ADMIN_ORG = "system:masters"


@dataclass(frozen=True)
class X509Options:
    """The ``[x509]`` settings; field names match the option names."""

    rsa_key_size: int = x509.DEFAULT_KEY_SIZE
    term_of_validity: int = x509.DEFAULT_VALIDITY_DAYS
    allow_ca: bool = False
    allowed_extensions: frozenset[str] = x509.DEFAULT_ALLOWED_EXTENSIONS
    allowed_key_usage: frozenset[str] = x509.DEFAULT_ALLOWED_KEY_USAGE

    @classmethod
    def from_conf(cls, group: Any) -> X509Options:
        """Read from an oslo.config group (``CONF.x509``) or any object with those attributes."""
        return cls(rsa_key_size=int(group.rsa_key_size),
                   term_of_validity=int(group.term_of_validity),
                   allow_ca=bool(group.allow_ca),
                   allowed_extensions=frozenset(group.allowed_extensions),
                   allowed_key_usage=frozenset(group.allowed_key_usage))


@dataclass(frozen=True)
class ClusterCertRefs:
    """References into the cert manager; field names match the cluster columns.

    A field is ``None`` when the cluster has no such material (TLS disabled, or a cluster
    created before that CA existed).
    """

    ca_cert_ref: str | None = None
    etcd_ca_cert_ref: str | None = None
    front_proxy_ca_cert_ref: str | None = None
    magnum_cert_ref: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)

    def all(self) -> list[str]:
        return [r for r in asdict(self).values() if r]

    @classmethod
    def from_cluster(cls, cluster: Mapping[str, Any] | Any) -> ClusterCertRefs:
        """From a cluster row, object or dict carrying the four ``*_ref`` fields."""
        def read(name: str) -> str | None:
            if isinstance(cluster, Mapping):
                return cluster.get(name)
            return getattr(cluster, name, None)
        return cls(*(read(name) for name in ("ca_cert_ref", "etcd_ca_cert_ref",
                                             "front_proxy_ca_cert_ref", "magnum_cert_ref")))


def _passphrase() -> bytes:
    return secrets.token_urlsafe(24).encode("ascii")


def _ca_ref(refs: ClusterCertRefs, ca_cert_type: str | None) -> tuple[str, str | None]:
    """Map the API's ``ca_cert_type`` to (label, ref), as ``GET /v1/certificates`` does."""
    if ca_cert_type == "etcd":
        return "etcd CA", refs.etcd_ca_cert_ref
    if ca_cert_type in ("front_proxy", "front-proxy"):
        return "front-proxy CA", refs.front_proxy_ca_cert_ref
    return "cluster CA", refs.ca_cert_ref   # 'kubernetes', None or anything else


def _load(manager: CertManager, label: str, ref: str | None) -> x509.KeyPair:
    if not ref:
        raise exceptions.CertificateNotFound(ref=f"({label})")
    return manager.get_cert(ref)


def _store_all(manager: CertManager, pairs: Iterable[tuple[str, x509.KeyPair]]) -> list[str]:
    """Store pairs in order; on failure remove what was stored, so nothing leaks."""
    stored: list[str] = []
    try:
        for name, pair in pairs:
            stored.append(manager.store(pair, name))
    except BaseException:
        left: list[str] = []
        for ref in stored:
            try:
                manager.delete_cert(ref)
            except exceptions.CertificateNotFound:
                pass
            except exceptions.CertificateError as e:
                left.append(f"{ref} ({e})")
        if left:
            LOG.error("Storing certificates failed, and undoing it failed too: left behind in "
                      "the %s cert manager: %s", manager.kind, "; ".join(left))
        raise
    return stored


def _generate(cluster_name: str, options: X509Options) -> list[tuple[str, x509.KeyPair]]:
    def ca() -> x509.KeyPair:
        return x509.generate_ca(cluster_name, options.rsa_key_size, options.term_of_validity,
                                passphrase=_passphrase())
    cluster_ca = ca()
    client = x509.generate_client_cert(cluster_ca, ADMIN_CN, ADMIN_ORG,
                                       key_size=options.rsa_key_size,
                                       validity_days=options.term_of_validity,
                                       passphrase=_passphrase())
    return [(f"{cluster_name} ca", cluster_ca), (f"{cluster_name} etcd ca", ca()),
            (f"{cluster_name} front-proxy ca", ca()), (f"{cluster_name} client", client)]


def create_cluster_certificates(cluster_name: str, manager: CertManager,
                                options: X509Options = X509Options()) -> ClusterCertRefs:
    """Generate and store the three CAs and the service's client certificate.

    ``cluster_name`` should be the cluster's name, or its uuid when it has none: it becomes
    every CA's CN. All or nothing: if storing fails, what was stored is deleted again.
    """
    refs = _store_all(manager, _generate(cluster_name, options))
    return ClusterCertRefs(*refs)


def get_ca(refs: ClusterCertRefs, manager: CertManager, ca_cert_type: str | None = None) -> bytes:
    """The PEM of the CA selected by ``ca_cert_type`` (``etcd``, ``front_proxy``/``front-proxy``,
    anything else: the cluster CA). Public material only."""
    label, ref = _ca_ref(refs, ca_cert_type)
    return _load(manager, label, ref).cert_pem


def sign(refs: ClusterCertRefs, manager: CertManager, csr_pem: x509.PemInput,
         ca_cert_type: str | None = None, options: X509Options = X509Options()) -> bytes:
    """Sign a user's CSR with the selected CA under the ``[x509]`` rules; returns the PEM.

    :raises CertificateValidationError: (400) bad CSR or a disallowed critical extension/usage.
    """
    label, ref = _ca_ref(refs, ca_cert_type)
    ca = _load(manager, label, ref)
    return x509.sign_csr(ca, csr_pem, allowed_extensions=options.allowed_extensions,
                         allowed_key_usage=options.allowed_key_usage, allow_ca=options.allow_ca,
                         validity_days=options.term_of_validity)


def get_client_cert(refs: ClusterCertRefs, manager: CertManager) -> x509.KeyPair:
    """The service's client certificate with its key *decrypted* (no passphrase).

    For the conductor's own Kubernetes client and its certificate cache; never for an API
    response.
    """
    pair = _load(manager, "client certificate", refs.magnum_cert_ref)
    return x509.KeyPair(pair.cert_pem, x509.decrypt_private_key(pair.key_pem, pair.passphrase))


def issue_server_certificate(refs: ClusterCertRefs, manager: CertManager,
                             addresses: Sequence[str], *, cn: str = "kube-apiserver",
                             ca_cert_type: str | None = None,
                             extra_names: Sequence[str] = KUBERNETES_API_NAMES,
                             options: X509Options = X509Options()) -> x509.KeyPair:
    """A server certificate (clear key) for the driver to hand to master nodes.

    SANs are ``addresses`` (the cluster's API address, master IPs, the first service IP,
    load-balancer names...) plus ``extra_names``. Pass ``ca_cert_type='etcd'`` for etcd
    members. Not stored: the driver decides where the material goes.
    """
    label, ref = _ca_ref(refs, ca_cert_type)
    ca = _load(manager, label, ref)
    sans = list(dict.fromkeys([*addresses, *extra_names]))
    return x509.generate_server_cert(ca, cn, sans, key_size=options.rsa_key_size,
                                     validity_days=options.term_of_validity)


def rotate(refs: ClusterCertRefs, manager: CertManager, *, cluster_name: str | None = None,
           options: X509Options = X509Options()) -> ClusterCertRefs:
    """New CAs (all three) and a new client certificate; returns their refs.

    Certificates signed by the old CAs no longer verify against the new ones. The old material
    is *not* deleted here: the caller pushes the new CAs to the cluster first and calls
    :func:`delete` on the old refs only once that worked, so a failed push can fall back.
    ``cluster_name`` defaults to the CN of the current cluster CA.
    """
    if cluster_name is None:
        current = _load(manager, "cluster CA", refs.ca_cert_ref)
        cluster_name = x509.common_name(current.cert_pem)
        if not cluster_name:
            raise exceptions.CertificateStorageError(reason="the cluster CA has no CN")
    return create_cluster_certificates(cluster_name, manager, options)


def delete(refs: ClusterCertRefs, manager: CertManager) -> None:
    """Delete everything ``refs`` points at; already-missing entries are fine.

    Every ref is tried even if one fails; then :class:`CertificateStorageError` names the refs
    that are left behind (so nothing is left silently).

    Unlike upstream Magnum (which keeps the etcd and front-proxy CAs), all four go: nothing
    refers to them once the cluster row is gone.
    """
    failed: list[str] = []
    for ref in refs.all():
        try:
            manager.delete_cert(ref)
        except exceptions.CertificateNotFound:
            pass
        except exceptions.CertificateError as e:
            failed.append(f"{ref} ({e})")
    if failed:
        raise exceptions.CertificateStorageError(
            reason=f"could not delete {'; '.join(failed)}")
