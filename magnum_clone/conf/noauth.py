"""[noauth] options: the fixed identity used when auth_strategy = noauth."""

from __future__ import annotations

from oslo_config import cfg

group = cfg.OptGroup("noauth", title="Identity used without Keystone")
opts: list[cfg.Opt] = [
    cfg.StrOpt("project_id", default="embedded-project", help="Project of every request."),
    cfg.StrOpt("project_name", default="embedded", help="Project name of every request."),
    cfg.StrOpt("user_id", default="embedded-user", help="User of every request."),
    cfg.StrOpt("user_name", default="embedded", help="User name of every request."),
    cfg.ListOpt("roles", default=["admin", "member", "reader"], help="Roles of every request."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return [(group.name, opts)]
