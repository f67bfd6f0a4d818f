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
                    "under storage_path (single conductor, for testing only)."),
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
