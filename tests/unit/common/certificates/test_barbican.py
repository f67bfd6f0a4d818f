"""The ``barbican`` cert manager's service credential, read from real config files and
handed to castellan's own Barbican authentication code (no Barbican or Keystone needed).

The bug this guards against: the service's ``admin_context()`` has no ``auth_token``, so
castellan's Barbican driver refuses it, and periodic clean-up or a resumed create/rotate
failed. The manager now always authenticates as a configured service user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from castellan.common import exception as castellan_exc
from castellan.common.credentials import keystone_password
from castellan.key_manager.barbican_key_manager import BarbicanKeyManager
from keystoneauth1 import identity
from oslo_config import cfg

from magnum_clone.common import context as ctx_mod
from magnum_clone.common.certificates import exceptions, x509
from magnum_clone.common.certificates.managers import barbican, get_manager
from tests.unit.common.certificates.conftest import BarbicanAuthCheckingKeyManager

SERVICE_USER = """
[keystone_authtoken]
auth_type = password
auth_url = http://keystone.example:5000/v3
username = magnum
password = service-user-secret
user_domain_name = Default
project_name = service
project_domain_name = Default
"""

CASTELLAN_USER = """
[key_manager]
auth_type = keystone_password
auth_url = http://keystone.example:5000/v3
username = barbican-writer
password = castellan-secret
user_domain_name = Default
project_name = secrets
project_domain_name = Default
"""


def _conf(tmp_path: Path, text: str) -> cfg.ConfigOpts:
    path = tmp_path / "magnum-clone.conf"
    path.write_text(text)
    conf = cfg.ConfigOpts()
    conf(["--config-file", str(path)], project="magnum-clone")
    return conf


def _barbican_auth(conf: cfg.ConfigOpts, context: Any) -> Any:
    """What castellan's real Barbican driver authenticates with for ``context``."""
    return BarbicanKeyManager(conf)._get_keystone_auth(context)


def test_admin_context_is_refused_by_castellans_barbican_driver(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # the failure mode: what the conductor's periodic work used to hand to castellan
    with pytest.raises(castellan_exc.Forbidden):
        _barbican_auth(_conf(tmp_path, ""), ctx_mod.admin_context())
    assert "missing auth_token" in caplog.text


def test_service_user_from_keystone_authtoken(tmp_path: Path) -> None:
    conf = _conf(tmp_path, SERVICE_USER)
    ctx = barbican.service_context(conf)
    assert isinstance(ctx, ctx_mod.ServiceContext) and ctx.is_admin
    auth = _barbican_auth(conf, ctx)
    assert auth is ctx.get_auth_plugin()
    assert isinstance(auth, identity.Password)
    assert auth.auth_url == "http://keystone.example:5000/v3"
    assert auth._username == "magnum" and auth._project_name == "service"
    # the password stays out of what a context serializes to (RPC, logs)
    assert "service-user-secret" not in repr(ctx.to_dict())


def test_auth_section_indirection_and_other_sections(tmp_path: Path) -> None:
    text = SERVICE_USER.replace("[keystone_authtoken]", "[magnum_barbican]")
    conf = _conf(tmp_path, "[keystone_authtoken]\nauth_section = magnum_barbican\n" + text)
    assert _barbican_auth(conf, barbican.service_context(conf))._username == "magnum"
    conf = _conf(tmp_path, text)
    assert _barbican_auth(conf, barbican.service_context(conf, "magnum_barbican")
                          )._username == "magnum"


def test_castellan_keystone_password_credential_wins(tmp_path: Path) -> None:
    conf = _conf(tmp_path, SERVICE_USER + CASTELLAN_USER)
    cred = barbican.service_context(conf)
    assert isinstance(cred, keystone_password.KeystonePassword)
    auth = _barbican_auth(conf, cred)
    assert isinstance(auth, identity.Password)
    assert auth._username == "barbican-writer" and auth._project_name == "secrets"


@pytest.mark.parametrize(("text", "message"), [
    ("", "no service user to authenticate to Barbican with"),
    ("[keystone_authtoken]\nauth_type = no-such-plugin\npassword = service-user-secret\n",
     "cannot load the service user from [keystone_authtoken] (NoMatchingPlugin)"),
    ("[key_manager]\nauth_type = password\npassword = castellan-secret\n",
     "[key_manager] auth_type password cannot authenticate to Barbican"),
    ("[key_manager]\nauth_type = keystone_password\npassword = castellan-secret\n",
     "needs [key_manager] auth_url"),
])
def test_missing_or_unusable_service_user_is_a_clear_error(tmp_path: Path, text: str,
                                                           message: str) -> None:
    with pytest.raises(exceptions.CertManagerConfigError) as info:
        barbican.service_context(_conf(tmp_path, text))
    assert message in str(info.value)
    assert str(info.value).startswith("Certificate manager misconfigured: cert_manager_type "
                                      "barbican:")
    assert "secret" not in str(info.value)   # no configured password echoed


def test_manager_with_service_context_passes_castellans_auth(tmp_path: Path) -> None:
    conf = _conf(tmp_path, SERVICE_USER)
    km = BarbicanAuthCheckingKeyManager(conf)
    pair = x509.generate_ca("svc", passphrase=b"p")
    manager = get_manager("barbican", context=barbican.service_context(conf), key_manager=km)
    ref = manager.store(pair, "svc ca")
    assert manager.get_cert(ref) == pair
    manager.delete_cert(ref)
    assert km.keys == {}
    assert len(km.auths) == 3 + 3 + 3 and len({id(a) for a in km.auths}) == 1
    # the same key manager refuses the admin context, as Barbican would
    admin = get_manager("barbican", context=ctx_mod.admin_context(), key_manager=km)
    with pytest.raises(exceptions.CertificateStorageError, match="Forbidden"):
        admin.store(pair, "svc ca")
    assert km.keys == {}


def test_key_manager_backend_errors_are_config_errors(tmp_path: Path) -> None:
    conf = _conf(tmp_path, "[key_manager]\nbackend = no.such.module.KeyManager\n")
    with pytest.raises(exceptions.CertManagerConfigError, match=r"\[key_manager\] backend"):
        barbican.load_key_manager(conf)
