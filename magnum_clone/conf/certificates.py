"""[certificates] options: where cluster certificates and their private keys are stored."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("certificates", title="Certificates")
opts: list[cfg.Opt] = [
    cfg.StrOpt("cert_manager_type", default="x509keypair",
               choices=["barbican", "x509keypair", "local"],
               help="Certificate storage backend. 'x509keypair' (default here; upstream "
                    "Magnum defaults to barbican): our own database, private keys Fernet-"
                    "encrypted; 'barbican': Barbican secrets through castellan; 'local': files "
                    "under storage_path (single conductor, for testing only). For 'barbican' "
                    "in production: castellan's [key_manager] backend = barbican (default) and "
                    "[barbican] barbican_endpoint (or a key-manager catalog entry, "
                    "barbican_endpoint_type/barbican_region_name) and verify_ssl_path; every "
                    "secret is created, read and deleted as the service user (see "
                    "barbican_auth_section), so periodic cleanup and resumed operations work "
                    "without a user token and no secret ACLs are needed as long as API and "
                    "conductor use that same user. It needs a role in its project that may "
                    "create, read and delete secrets ('member' with Barbican's secure-RBAC "
                    "defaults; 'admin' with a legacy policy whose secret:delete excludes "
                    "'creator'). A different user for API or conductor needs Barbican secret "
                    "ACLs (openstack acl user add) or a project admin role, or its reads and "
                    "deletes are refused."),
    cfg.StrOpt("barbican_auth_section", default="keystone_authtoken",
               help="Section holding the keystoneauth options of the service user the "
                    "'barbican' cert manager authenticates as (auth_type = password, auth_url, "
                    "username, password, user_domain_name, project_name, project_domain_name; "
                    "or auth_section pointing elsewhere). The default reuses "
                    "keystonemiddleware's service user. Ignored when castellan's own "
                    "[key_manager] auth_type is keystone_password/keystone_token: then its "
                    "[key_manager] credentials are used. With neither, every certificate "
                    "operation of a 'barbican' deployment fails with an error naming these "
                    "options."),
    cfg.StrOpt("storage_path", default="/var/lib/magnum/certificates/",
               help="Directory of the 'local' cert manager."),
    cfg.ListOpt("x509keypair_encryption_keys", default=[], secret=True,
                help="Fernet keys encrypting private keys in the x509keypair table; the first "
                     "encrypts, all decrypt (prepend a new key to rotate). If empty, a key is "
                     "generated once and persisted (mode 0600) in "
                     "<[DEFAULT] state_path>/x509keypair.key so the embedded mode works out of "
                     "the box; every API and conductor process must then share that state_path. "
                     "Set it explicitly for multi-host deployments."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
