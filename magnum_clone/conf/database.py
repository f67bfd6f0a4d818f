"""[database] options come from oslo.db; we only set our default connection."""

from __future__ import annotations

from oslo_config import cfg
from oslo_db import options as db_options


def register_opts(conf: cfg.ConfigOpts) -> None:
    db_options.set_defaults(conf, connection="sqlite:////var/lib/magnum-clone/magnum-clone.sqlite")


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    return []
