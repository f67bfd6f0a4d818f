"""``barbican`` cert manager: certificate, key and passphrase as secrets via castellan.

castellan is OpenStack's key-manager abstraction; its default backend is Barbican (Vault is the
other production backend), configured in the ``[key_manager]``/``[barbican]`` sections that
castellan registers itself. Going through castellan instead of python-barbicanclient keeps this
module small and lets tests run against castellan's in-memory ``MockKeyManager``.

Each pair becomes up to three secrets: the certificate (an X.509 object, DER as castellan
expects), the private key and, when the key is encrypted, its passphrase. Castellan has no
certificate containers, so the reference simply lists the secret ids::

    castellan:<cert id>;<key id>;<passphrase id or empty>

NOTE: the private key is stored as *opaque* data holding our PKCS#8 PEM, not as a castellan
``PrivateKey``: castellan's Barbican driver re-encodes ``PrivateKey`` objects by loading them
without a password, which fails for the passphrase-encrypted keys the cluster CAs use.

Who talks to Barbican
---------------------
Always the **service user**, never the requesting user: the secrets of a cluster are created
when the conductor creates it, read by API requests of any user allowed to see the cluster,
and deleted by the conductor's periodic work (or a resumed create/rotate after a restart),
which has no user token at all. One owner for every secret is what makes all of these work
without per-secret ACLs, and it is what castellan needs: its Barbican driver refuses an
oslo.context without ``auth_token`` (``Forbidden``, logging ``missing auth_token``), which
is what the service's own ``admin_context()`` is. The credential is built once per process
(:mod:`magnum_clone.conductor.certs` caches it) by :func:`service_context` from configuration:

1. castellan's own credential, when ``[key_manager] auth_type`` is ``keystone_password`` (or
   ``keystone_token``) with ``[key_manager] auth_url``, ``username``/``user_id``,
   ``password``, ``user_domain_name``, ``project_name``, ``project_domain_name`` ...;
2. otherwise a keystoneauth plugin loaded from the section named by ``[certificates]
   barbican_auth_section`` (default ``keystone_authtoken``: the service user keystonemiddleware
   already uses), wrapped in :class:`magnum_clone.common.context.ServiceContext`, whose
   ``get_auth_plugin()`` castellan calls.

Neither configured: :class:`CertManagerConfigError` naming the options, raised when the manager
is built, so every certificate operation fails with that message instead of leaving secrets
behind or failing later with a bare ``Forbidden``.

What a production Barbican needs
--------------------------------
* castellan: ``[key_manager] backend = barbican`` (the default); ``[barbican]
  barbican_endpoint`` (or the ``key-manager`` entry of the Keystone catalog, chosen by
  ``barbican_endpoint_type``/``barbican_region_name``), ``verify_ssl``/``verify_ssl_path``
  (``auth_endpoint`` is not used: the service credential carries its own auth URL).
* the service user (above) with a role in its project that may create, read *and delete*
  secrets: ``member`` under Barbican's secure-RBAC defaults (a member reads the project's
  secrets and deletes those it created), ``creator`` or ``admin`` under the legacy policy
  (older releases let only ``admin`` delete: check ``secret:delete`` in Barbican's policy, a
  refused delete leaves every deleted cluster's secrets behind and is logged as an error).
* one identity for API and conductor hosts (``[keystone_authtoken]`` usually is): secrets
  belong to their creator. Another user of the *same* project can read them (Barbican
  secrets are project-readable unless made private) but not delete them without a project
  ``admin`` role; a user of another project needs Barbican secret ACLs (``openstack acl user
  add --user <user id> --operation-type read <secret href>``), which this manager does not
  set. Pick one service user and there is nothing to configure.
* the secrets live in the service project, not the user's: users never see them in Barbican
  and cannot delete them behind the service's back; Barbican quotas of the service project
  must allow three secrets per pair, i.e. twelve per cluster (twice that during a rotation).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import serialization

from magnum_clone.common.certificates import exceptions
from magnum_clone.common.certificates.managers.base import CertManager
from magnum_clone.common.certificates.x509 import KeyPair

if TYPE_CHECKING:
    from castellan.key_manager.key_manager import KeyManager
    from oslo_config import cfg

LOG = logging.getLogger(__name__)

_PREFIX = "castellan:"
_MAX_REASON = 200
#: castellan credential kinds its Barbican driver accepts (``token``/``password`` it refuses)
_CASTELLAN_AUTH_TYPES = ("keystone_password", "keystone_token")


def _castellan_error(exc: Exception, ref: str) -> exceptions.CertificateError:
    from castellan.common import exception as castellan_exc

    if isinstance(exc, castellan_exc.ManagedObjectNotFoundError):
        return exceptions.CertificateNotFound(ref=ref)
    detail = str(exc).replace("\n", " ")
    if "PRIVATE KEY" in detail:   # never let key material through, whatever echoed it
        detail = ""
    detail = detail[:_MAX_REASON]
    return exceptions.CertificateStorageError(
        reason=f"key manager: {type(exc).__name__}" + (f": {detail}" if detail else ""))


def _parse_ref(ref: str) -> tuple[str, str, str | None]:
    if not isinstance(ref, str) or not ref.startswith(_PREFIX):
        raise exceptions.CertificateNotFound(ref=ref)
    parts = ref[len(_PREFIX):].split(";")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise exceptions.CertificateNotFound(ref=ref)
    return parts[0], parts[1], parts[2] or None


def _config_error(reason: str) -> exceptions.CertManagerConfigError:
    return exceptions.CertManagerConfigError(reason=f"cert_manager_type barbican: {reason}")


def load_key_manager(conf: cfg.ConfigOpts) -> KeyManager:
    """castellan's key manager for ``[key_manager] backend`` (Barbican by default).

    Build it once per process: it holds no per-request state.
    """
    try:
        from castellan import key_manager as castellan_km
    except ImportError:
        raise _config_error("needs the castellan package") from None
    try:
        return castellan_km.API(conf)
    except Exception as exc:  # noqa: BLE001 - stevedore/import errors of a bad backend name
        raise _config_error(f"cannot load [key_manager] backend "
                            f"({type(exc).__name__}: {exc})") from None


def service_context(conf: cfg.ConfigOpts, auth_section: str = "keystone_authtoken") -> Any:
    """The credential castellan uses for everything this manager does (module docstring).

    Returns castellan's ``KeystonePassword``/``KeystoneToken`` when ``[key_manager]
    auth_type`` selects one, else a :class:`~magnum_clone.common.context.ServiceContext`
    around the keystoneauth plugin configured in ``[auth_section]``. Nothing is sent to
    Keystone here; the plugin authenticates (and caches its token) on first use.

    :raises CertManagerConfigError: no usable service credential is configured.
    """
    from castellan.common import utils as castellan_utils
    from keystoneauth1 import exceptions as ka_exc
    from keystoneauth1 import loading

    from magnum_clone.common import context as ctx_mod

    conf.register_opts(castellan_utils.credential_opts, group=castellan_utils.OPT_GROUP)
    kind = conf.key_manager.auth_type
    if kind:
        if kind not in _CASTELLAN_AUTH_TYPES:
            raise _config_error(f"[key_manager] auth_type {kind} cannot authenticate to "
                                f"Barbican; use one of {', '.join(_CASTELLAN_AUTH_TYPES)}")
        if not conf.key_manager.auth_url:
            raise _config_error(f"[key_manager] auth_type {kind} needs [key_manager] auth_url")
        try:
            return castellan_utils.credential_factory(conf)
        except Exception as exc:  # noqa: BLE001 - castellan's InsufficientCredentialDataError
            raise _config_error(f"[key_manager] credential: {type(exc).__name__}") from None
    try:
        loading.register_auth_conf_options(conf, auth_section)
        plugin = loading.load_auth_from_conf_options(conf, auth_section)
    except (ka_exc.ClientException, ValueError) as exc:
        # never echo option values: the section holds a password
        raise _config_error(f"cannot load the service user from [{auth_section}] "
                            f"({type(exc).__name__})") from None
    if plugin is None:
        raise _config_error(
            f"no service user to authenticate to Barbican with: set auth_type = password "
            f"with auth_url, username, password, user_domain_name, project_name and "
            f"project_domain_name in [{auth_section}] (the section named by [certificates] "
            f"barbican_auth_section), or castellan's [key_manager] auth_type = "
            f"keystone_password with the same credentials in [key_manager]")
    return ctx_mod.ServiceContext(plugin)


class BarbicanCertManager(CertManager):
    """Secrets in a castellan key manager (Barbican by default); see module docstring.

    ``context`` is what every castellan call authenticates with: in the service, the
    :func:`service_context`; tests may pass anything their key manager accepts.
    """

    kind = "barbican"

    def __init__(self, context: Any, key_manager: KeyManager | None = None,
                 conf: cfg.ConfigOpts | None = None) -> None:
        if key_manager is None:
            if conf is None:
                from oslo_config import cfg as oslo_cfg

                conf = oslo_cfg.CONF
            key_manager = load_key_manager(conf)
        self.key_manager = key_manager
        self.context = context

    def store_cert(self, cert_pem: bytes, key_pem: bytes, name: str, *,
                   passphrase: bytes | None = None) -> str:
        from castellan.common.objects import opaque_data, x_509
        from castellan.common.objects import passphrase as castellan_passphrase

        der = crypto_x509.load_pem_x509_certificate(cert_pem).public_bytes(
            serialization.Encoding.DER)
        objects: list[Any] = [
            x_509.X509(der, name=f"{name} certificate"),
            opaque_data.OpaqueData(key_pem, name=f"{name} private key"),
        ]
        if passphrase is not None:
            objects.append(castellan_passphrase.Passphrase(
                passphrase, name=f"{name} private key passphrase"))
        stored: list[str] = []
        try:
            for obj in objects:
                stored.append(self.key_manager.store(self.context, obj))
        except Exception as exc:  # noqa: BLE001 - castellan's or keystoneauth's (not wrapped)
            self._discard(stored, name)
            raise _castellan_error(exc, name) from None
        cert_id, key_id, *rest = stored
        return f"{_PREFIX}{cert_id};{key_id};{rest[0] if rest else ''}"

    def _discard(self, secret_ids: list[str], name: str) -> None:
        """Delete the secrets of a half-stored pair; say loudly which ones stay behind."""
        from castellan.common import exception as castellan_exc

        left: list[str] = []
        for secret_id in secret_ids:
            try:
                self.key_manager.delete(self.context, secret_id)
            except castellan_exc.ManagedObjectNotFoundError:
                pass
            except Exception as exc:  # noqa: BLE001 - listed as left behind, below
                left.append(f"{secret_id} ({type(exc).__name__})")
        if left:
            LOG.error("Storing %s failed and its already stored secrets could not be deleted; "
                      "delete them in the key manager: %s", name, ", ".join(left))

    def _fetch(self, ref: str, secret_id: str) -> bytes:
        from castellan.common import exception as castellan_exc

        try:
            data = self.key_manager.get(self.context, secret_id).get_encoded()
        except castellan_exc.CastellanException as exc:
            raise _castellan_error(exc, ref) from None
        if data is None:
            raise exceptions.CertificateStorageError(reason=f"secret of {ref} has no payload")
        return bytes(data)

    def get_cert(self, ref: str) -> KeyPair:
        cert_id, key_id, pass_id = _parse_ref(ref)
        cert_der = self._fetch(ref, cert_id)
        cert_pem = crypto_x509.load_der_x509_certificate(cert_der).public_bytes(
            serialization.Encoding.PEM)
        return KeyPair(cert_pem, self._fetch(ref, key_id),
                       self._fetch(ref, pass_id) if pass_id else None)

    def delete_cert(self, ref: str) -> None:
        from castellan.common import exception as castellan_exc

        ids = [i for i in _parse_ref(ref) if i]
        missing = 0
        for secret_id in ids:  # delete what is there, even if one secret is already gone
            try:
                self.key_manager.delete(self.context, secret_id)
            except castellan_exc.ManagedObjectNotFoundError:
                missing += 1
            except castellan_exc.CastellanException as exc:
                raise _castellan_error(exc, ref) from None
        if missing == len(ids):
            raise exceptions.CertificateNotFound(ref=ref)
