"""[quotas] options."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("quotas", title="Quotas")
opts: list[cfg.Opt] = [
    cfg.IntOpt("max_clusters_per_project", default=20, min=0,
               help="Clusters a project may have when it has no quota row of its own."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
