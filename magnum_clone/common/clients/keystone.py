"""Keystone v3 for the per-cluster trustee user and trust (reference §16.3).

* The trustee user is created (and deleted) in the ``[trust]`` trustee domain with the trustee
  domain admin's credentials (a domain-scoped session).
* The trust is created with the *caller's own token* (the request context carries it from
  keystonemiddleware through RPC): trustor = caller, trustee = the cluster's user,
  project = caller's project, impersonation on, no redelegation.
* The trust is deleted as the trustee through the trust itself (a trust-scoped, impersonating
  token acts as the trustor, which may revoke it); deleting the trustee user makes Keystone
  drop every trust of that user anyway.

Secrets (passwords, tokens) are never logged.
"""

from __future__ import annotations

import logging
import secrets
import string
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from keystoneauth1 import exceptions as ka_exc
from keystoneauth1 import session as ka_session
from keystoneauth1.identity import v3 as ka_v3
from keystoneclient.v3 import client as kc_v3

from magnum_clone.conf import CONF

LOG = logging.getLogger(__name__)

PASSWORD_LENGTH = 18
_ALPHABET = string.ascii_letters + string.digits

_LOCK = threading.Lock()
_ADMIN: dict[str, Any] = {}
_MAGNUM_URL: dict[str, str] = {}   # the catalog's answer, once found


class KeystoneConfigError(Exception):
    """``[trust]`` is incomplete: trusts cannot be managed."""


@dataclass(frozen=True)
class Trustee:
    user_id: str
    username: str
    password: str

    def __repr__(self) -> str:   # never show the password
        return f"Trustee(user_id={self.user_id!r}, username={self.username!r})"


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def trustee_username(cluster_uuid: str, project_id: str) -> str:
    return f"{cluster_uuid}_{project_id}"


def auth_url() -> str:
    """``[trust] auth_url``, else keystonemiddleware's ``www_authenticate_uri``/``auth_url``."""
    if CONF.trust.auth_url:
        return str(CONF.trust.auth_url)
    try:
        group = CONF.keystone_authtoken
        for name in ("www_authenticate_uri", "auth_url"):
            value = getattr(group, name, None)
            if value:
                return str(value)
    except Exception:  # noqa: BLE001 - options not registered in this process
        pass
    raise KeystoneConfigError("no Keystone URL for trusts: set [trust] auth_url")


def magnum_url() -> str:
    """The API's URL for the cluster nodes (reference: upstream reads it from the catalog).

    ``[api] public_endpoint``; else, in keystone mode, the catalog's public ``container-infra``
    endpoint seen by the service user of ``[keystone_authtoken]`` (cached); else the local
    listener. A catalog that cannot be read is logged and falls back to the listener.
    """
    if CONF.api.public_endpoint:
        return _with_v1(str(CONF.api.public_endpoint))
    local = f"http://{CONF.api.host}:{CONF.api.port}/v1"
    if CONF.auth_strategy != "keystone":
        return local
    with _LOCK:
        cached = _MAGNUM_URL.get("url")
    if cached is not None:
        return cached
    from keystoneauth1 import exceptions as ka_exc
    from keystoneauth1 import loading

    try:
        sess = _session(loading.load_auth_from_conf_options(CONF, "keystone_authtoken"))
        url = sess.get_endpoint(service_type="container-infra", interface="public")
    except ka_exc.EndpointNotFound:
        url = None
    except Exception as e:  # noqa: BLE001 - nodes then get the local listener's URL
        LOG.warning("Cannot read the container-infra endpoint from the Keystone catalog "
                    "(%s); nodes get %s: set [api] public_endpoint", type(e).__name__, local)
        return local
    if not url:
        LOG.warning("No container-infra endpoint in the Keystone catalog; nodes get %s: "
                    "set [api] public_endpoint", local)
        return local
    url = _with_v1(str(url))
    with _LOCK:
        _MAGNUM_URL["url"] = url
    return url


def _with_v1(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/v1") else f"{url}/v1"


def _session(auth: Any) -> ka_session.Session:
    return ka_session.Session(auth=auth)


def reset() -> None:
    """Forget the cached trustee domain admin session (tests change [trust])."""
    with _LOCK:
        _ADMIN.clear()
        _MAGNUM_URL.clear()


def _admin_session() -> ka_session.Session:
    """The trustee domain admin, scoped to the trustee domain (cached)."""
    t = CONF.trust
    key = "|".join(str(v) for v in (auth_url(), t.trustee_domain_id, t.trustee_domain_name,
                                    t.trustee_domain_admin_id, t.trustee_domain_admin_name,
                                    t.trustee_domain_admin_domain_id,
                                    t.trustee_domain_admin_domain_name))
    with _LOCK:
        sess = _ADMIN.get(key)
        if sess is not None:
            return sess
        if not (t.trustee_domain_id or t.trustee_domain_name):
            raise KeystoneConfigError("[trust] trustee_domain_id or trustee_domain_name is "
                                      "not set")
        if not (t.trustee_domain_admin_id or t.trustee_domain_admin_name) or \
                not t.trustee_domain_admin_password:
            raise KeystoneConfigError("[trust] trustee_domain_admin_id (or _name) and "
                                      "trustee_domain_admin_password are not set")
        kwargs: dict[str, Any] = {"auth_url": auth_url(),
                                  "password": t.trustee_domain_admin_password}
        if t.trustee_domain_admin_id:
            kwargs["user_id"] = t.trustee_domain_admin_id
        else:
            kwargs["username"] = t.trustee_domain_admin_name
            if t.trustee_domain_admin_domain_id or t.trustee_domain_admin_domain_name:
                kwargs["user_domain_id"] = t.trustee_domain_admin_domain_id
                kwargs["user_domain_name"] = t.trustee_domain_admin_domain_name
            else:   # the admin lives in the trustee domain
                kwargs["user_domain_id"] = t.trustee_domain_id
                kwargs["user_domain_name"] = t.trustee_domain_name
        if t.trustee_domain_id:
            kwargs["domain_id"] = t.trustee_domain_id
        else:
            kwargs["domain_name"] = t.trustee_domain_name
        sess = _session(ka_v3.Password(**kwargs))
        _ADMIN[key] = sess
        return sess


def trustee_domain_id() -> str:
    """The trustee domain's id (resolved through the admin's domain-scoped token if only the
    name is configured)."""
    if CONF.trust.trustee_domain_id:
        return str(CONF.trust.trustee_domain_id)
    sess = _admin_session()
    access = sess.auth.get_access(sess)  # type: ignore[union-attr]
    return str(access.domain_id)


def _admin_client() -> Any:
    return kc_v3.Client(session=_admin_session(), interface="public")


def create_trustee(cluster_uuid: str, project_id: str, *, username: str | None = None
                   ) -> Trustee:
    """A new user ``<cluster uuid>_<project id>`` (or ``username``: credential rotation) in
    the trustee domain, random password."""
    username = username or trustee_username(cluster_uuid, project_id)
    password = generate_password()
    user = _admin_client().users.create(name=username, password=password,
                                        domain=trustee_domain_id(), enabled=True)
    LOG.info("Created trustee user %s (%s)", username, user.id)
    return Trustee(user_id=str(user.id), username=username, password=password)


def _context_client(context: Any) -> Any:
    token = getattr(context, "auth_token", None)
    project_id = getattr(context, "project_id", None)
    if not token or not project_id:
        raise KeystoneConfigError("the request carries no project-scoped token to delegate "
                                  "from")
    auth = ka_v3.Token(auth_url=auth_url(), token=token, project_id=project_id)
    return kc_v3.Client(session=_session(auth), interface="public")


def project_exists(context: Any, project_id: str) -> bool:
    """Whether Keystone knows ``project_id``, asked with the caller's own token."""
    from keystoneclient import exceptions as kc_exc

    try:
        _context_client(context).projects.get(project_id)
    except kc_exc.NotFound:
        return False
    return True


def create_trust(context: Any, trustee_user_id: str, roles: list[str] | None = None) -> str:
    """A trust from the context's user (with its own token) to ``trustee_user_id`` on the
    context's project: impersonation on, no redelegation; ``roles`` or else the caller's."""
    role_names = list(roles or getattr(context, "roles", None) or [])
    if not role_names:
        raise KeystoneConfigError("no roles to delegate: the caller has none and [trust] "
                                  "roles is empty")
    trust = _context_client(context).trusts.create(
        trustor_user=context.user_id, trustee_user=trustee_user_id,
        project=context.project_id, impersonation=True, role_names=role_names,
        allow_redelegation=False)
    LOG.info("Created trust %s from user %s to %s", trust.id, context.user_id, trustee_user_id)
    return str(trust.id)


def trustee_session(trustee_user_id: str, password: str, trust_id: str) -> ka_session.Session:
    """A session of the trustee scoped to the trust (acting as the trustor)."""
    return _session(ka_v3.Password(auth_url=auth_url(), user_id=trustee_user_id,
                                   password=password, trust_id=trust_id))


def delete_trust(trust_id: str, *, trustee_user_id: str | None,
                 trustee_password: str | None) -> None:
    """Revoke a trust as its trustee through the trust itself (the impersonating token acts
    as the trustor, who may revoke it: works whoever deletes the cluster, and without any
    user token in periodic tasks). A trust already gone is fine."""
    if not (trustee_user_id and trustee_password):
        raise KeystoneConfigError(f"no trustee credentials to delete trust {trust_id}")
    client = kc_v3.Client(session=trustee_session(trustee_user_id, trustee_password, trust_id),
                          interface="public")
    try:
        client.trusts.delete(trust_id)
    except (ka_exc.NotFound, ka_exc.Unauthorized):
        # Unauthorized: the trust (or the trustee) no longer authenticates - it is gone
        LOG.info("Trust %s already gone", trust_id)
        return
    LOG.info("Deleted trust %s", trust_id)


def delete_trustee(user_id: str) -> None:
    """Delete a trustee user (Keystone drops its trusts with it). Already gone is fine."""
    try:
        _admin_client().users.delete(user_id)
    except ka_exc.NotFound:
        LOG.info("Trustee user %s already gone", user_id)
        return
    LOG.info("Deleted trustee user %s", user_id)


def trustee_parameters(cluster: Mapping[str, Any]) -> dict[str, Any]:
    """Heat parameters giving the nodes the cluster's trustee (sensitive: never log them);
    ``trust_id`` only with ``[trust] cluster_user_trust``. Empty without a trustee (noauth)."""
    if not cluster.get("trustee_user_id"):
        return {}
    out: dict[str, Any] = {
        "trustee_domain_id": trustee_domain_id(),
        "trustee_user_id": cluster["trustee_user_id"],
        "trustee_username": cluster.get("trustee_username") or "",
        "trustee_password": cluster.get("trustee_password") or "",
        "auth_url": auth_url(),
    }
    if CONF.trust.cluster_user_trust and cluster.get("trust_id"):
        out["trust_id"] = cluster["trust_id"]
    return out
