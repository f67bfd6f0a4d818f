"""[trust] options: the per-cluster trustee user and trust (reference §16.3)."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("trust", title="Trustee users and trusts of clusters")
opts: list[cfg.Opt] = [
    cfg.StrOpt("trustee_domain_id",
               help="Id of the Keystone domain holding the per-cluster trustee users."),
    cfg.StrOpt("trustee_domain_name",
               help="Name of that domain (used when trustee_domain_id is not set)."),
    cfg.StrOpt("trustee_domain_admin_id",
               help="Id of a user that can create and delete users in the trustee domain."),
    cfg.StrOpt("trustee_domain_admin_name",
               help="Name of that user (used when trustee_domain_admin_id is not set)."),
    cfg.StrOpt("trustee_domain_admin_password", secret=True,
               help="Password of the trustee domain admin."),
    cfg.StrOpt("trustee_domain_admin_domain_id",
               help="Domain of the trustee domain admin (default: the trustee domain)."),
    cfg.StrOpt("trustee_domain_admin_domain_name",
               help="Domain name of the trustee domain admin (default: the trustee domain)."),
    cfg.ListOpt("roles", default=[],
                help="Roles delegated by the trust; empty = all roles of the caller in the "
                     "cluster's project."),
    cfg.BoolOpt("cluster_user_trust", default=False,
                help="Pass the trust id to the cluster (nodes can then act as the cluster's "
                     "creator, e.g. for the cloud provider)."),
    cfg.StrOpt("trustee_keystone_interface", default="public",
               choices=["public", "internal", "admin"],
               help="Keystone interface the trustees (nodes) use."),
    cfg.StrOpt("trustee_keystone_region_name",
               help="Keystone region the trustees use."),
    cfg.StrOpt("auth_url",
               help="Keystone v3 URL for the trustee domain admin and the trustees "
                    "(default: [keystone_authtoken] www_authenticate_uri / auth_url)."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
