"""[x509] options: how cluster certificates are generated and which CSRs are signed.

Defaults mirror :mod:`magnum_clone.common.certificates.x509` (not imported here: config modules
stay free of heavy imports)."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("x509", title="X.509 certificates")
opts: list[cfg.Opt] = [
    cfg.BoolOpt("allow_ca", default=False,
                help="Sign CSRs that ask for CA rights, keeping their CA flag and "
                     "keyCertSign/cRLSign (lets users mint intermediate CAs: leave off). When "
                     "off, a CSR with basicConstraints CA:TRUE (critical or not) or a critical "
                     "keyUsage with keyCertSign/cRLSign is refused with 400; those two bits in a "
                     "non-critical keyUsage are dropped. When on, they must still be listed in "
                     "allowed_key_usage."),
    cfg.ListOpt("allowed_extensions",
                default=["keyUsage", "extendedKeyUsage", "subjectAltName", "basicConstraints",
                         "subjectKeyIdentifier"],
                help="Extensions kept when signing a CSR; a disallowed critical one is refused "
                     "(400)."),
    cfg.ListOpt("allowed_key_usage",
                default=["digitalSignature", "keyEncipherment", "contentCommitment"],
                help="KeyUsage bits kept when signing a CSR (others dropped, or 400 if the "
                     "extension is critical). keyCertSign/cRLSign additionally need allow_ca."),
    cfg.IntOpt("term_of_validity", default=1825, min=1,
               help="Validity in days of generated and signed certificates."),
    cfg.IntOpt("rsa_key_size", default=2048, min=2048,
               help="Size in bits of generated RSA keys."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
