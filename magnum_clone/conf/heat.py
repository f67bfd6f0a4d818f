"""[heat] options: which Heat the drivers talk to."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("heat", title="Heat orchestration")
opts: list[cfg.Opt] = [
    cfg.StrOpt("endpoint", default="",
               help="Heat endpoint base 'http://host:port/v1' used without Keystone (noauth Heat, "
                    "as the embedded local Heat). Empty: take Heat from the Keystone catalog."),
    cfg.BoolOpt("simulated_cloud", default=True,
                help="Add the SIMULATED cloud environment (drivers/sim) to every stack, so "
                     "servers, networks, volumes and load balancers are simulated under Heat."),
    cfg.IntOpt("list_page_size", default=200, min=1,
               help="Stacks fetched per list call when reconciling."),
    cfg.StrOpt("notifications_transport_url", default="", secret=True,
               help="oslo.messaging transport URL on which Heat emits its notifications "
                    "(Heat's [oslo_messaging_notifications] driver = messagingv2). When set, "
                    "each conductor listens for orchestration.stack.* events and reconciles "
                    "the cluster of a finished stack at once; the periodic pass stays as the "
                    "safety net. Empty: no listener."),
    cfg.StrOpt("notifications_topic", default="notifications",
               help="Topic of Heat's notifications (Heat's [oslo_messaging_notifications] "
                    "topics)."),
    cfg.StrOpt("notifications_exchange", default="heat",
               help="Exchange of Heat's notifications (Heat's control_exchange)."),
    cfg.StrOpt("notifications_pool", default="",
               help="Listener pool (queue) name. Empty: 'magnum_clone.<host>', so every "
                    "conductor gets every event and keeps those of the clusters it owns."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
