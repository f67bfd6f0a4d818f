"""[api] options: the HTTP listener and collection limits."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("api", title="API server")
opts: list[cfg.Opt] = [
    cfg.HostAddressOpt("host", default="127.0.0.1", help="Address the API listens on."),
    cfg.PortOpt("port", default=9511, help="Port the API listens on."),
    cfg.IntOpt("max_limit", default=1000, min=1,
               help="Largest page a collection returns; also the page size when no limit is "
                    "given."),
    cfg.IntOpt("workers", default=1, min=1, help="Threads serving HTTP requests."),
    cfg.URIOpt("public_endpoint", default=None,
               help="The API's URL as the cluster nodes reach it (they send their CSRs "
                    "there), ending in /v1. Unset: the Keystone catalog's public "
                    "container-infra endpoint when auth_strategy is keystone, else "
                    "http://<host>:<port>/v1."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
