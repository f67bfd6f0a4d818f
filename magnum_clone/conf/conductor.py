"""[conductor] options: RPC topic and worker threads."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("conductor", title="Conductor")
opts: list[cfg.Opt] = [
    cfg.StrOpt("topic", default="magnum-conductor", help="RPC topic the conductor listens on."),
    cfg.IntOpt("workers", default=4, min=1, help="Threads executing RPC requests."),
    cfg.IntOpt("resume_grace", default=30, min=0,
               help="Seconds after which an operation no live conductor has picked up (its "
                    "message was lost, or its conductor died) is resumed by the reconcile "
                    "loop."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
