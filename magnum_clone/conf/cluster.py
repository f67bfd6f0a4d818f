"""[cluster] options: defaults applied to clusters."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("cluster", title="Clusters")
opts: list[cfg.Opt] = [
    cfg.IntOpt("default_create_timeout", default=60, min=1,
               help="Minutes a create may take when the cluster gives no create_timeout "
                    "(or 0). Enforced by the conductor, and passed to Heat."),
    cfg.StrOpt("etcd_discovery_service_endpoint_format",
               default="https://discovery.etcd.io/new?size=%(size)d",
               help="Discovery service asked for a cluster's etcd discovery URL when the "
                    "cluster gives none (not used with the SIMULATED cloud, where a local "
                    "URL in the .invalid domain is generated)."),
    cfg.StrOpt("nodes_affinity_policy", default="soft-anti-affinity",
               choices=["affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"],
               help="Server group policy of cluster nodes."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
