"""[cluster_template] options: allowed and default network drivers per COE."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("cluster_template", title="Cluster templates")
opts: list[cfg.Opt] = [
    cfg.ListOpt("kubernetes_allowed_network_drivers", default=["flannel", "calico"],
                help="Network drivers allowed for kubernetes ('all' = every supported one)."),
    cfg.StrOpt("kubernetes_default_network_driver", default="flannel",
               help="Network driver stored for kubernetes templates that name none."),
    cfg.ListOpt("swarm_allowed_network_drivers", default=["all"],
                help="Network drivers allowed for swarm ('all' = every supported one)."),
    cfg.StrOpt("swarm_default_network_driver", default="docker",
               help="Network driver stored for swarm templates that name none."),
    cfg.ListOpt("mesos_allowed_network_drivers", default=["all"],
                help="Network drivers allowed for mesos ('all' = every supported one)."),
    cfg.StrOpt("mesos_default_network_driver", default="docker",
               help="Network driver stored for mesos templates that name none."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
