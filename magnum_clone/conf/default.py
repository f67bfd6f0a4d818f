"""[DEFAULT] options: auth strategy, host identity, periodic work, service liveness."""

from __future__ import annotations

import socket

from oslo_config import cfg

opts: list[cfg.Opt] = [
    cfg.StrOpt("auth_strategy", default="noauth", choices=["noauth", "keystone"],
               help="noauth: a fixed user and project from [noauth] (embedded default); "
                    "keystone: keystonemiddleware auth_token, configured in [keystone_authtoken]."),
    cfg.StrOpt("host", default=socket.gethostname(), sample_default="<hostname>",
               help="Name of this host as reported in /v1/mservices."),
    cfg.BoolOpt("periodic_enable", default=True,
                help="Run the conductor's periodic work (reconcile, heartbeats)."),
    cfg.IntOpt("periodic_interval", default=10, min=1,
               help="Seconds between two reconcile passes of the conductor."),
    cfg.IntOpt("heartbeat_interval", default=60, min=1,
               help="Seconds between two service heartbeats of the conductor (upstream's "
                    "report interval: 60 s, well inside service_down_time)."),
    cfg.IntOpt("service_down_time", default=180, min=1,
               help="A service whose last heartbeat is older than this many seconds is 'down'."),
    cfg.StrOpt("state_path", default="/var/lib/magnum-clone",
               help="Directory for local state (SQLite file, local Heat, certificates)."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(opts)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [("DEFAULT", opts)]
