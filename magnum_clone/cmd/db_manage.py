"""magnum-clone-db-manage: schema upgrade and version (alembic)."""

from __future__ import annotations

import sys

from oslo_config import cfg

from magnum_clone.cmd import prepare
from magnum_clone.conf import CONF


def _add_commands(subparsers: object) -> None:
    up = subparsers.add_parser("upgrade", help="Upgrade the schema.")  # type: ignore[attr-defined]
    up.add_argument("revision", nargs="?", default="head")
    subparsers.add_parser("version", help="Show the schema revision.")  # type: ignore


CONF.register_cli_opt(cfg.SubCommandOpt("command", handler=_add_commands))


def main() -> None:
    prepare(description="magnum-clone database management")
    from magnum_clone.db import migration

    if CONF.command.name == "upgrade":
        migration.upgrade(CONF.command.revision)
        print(f"Database upgraded to {migration.version()}")
    else:
        print(migration.version() or "(empty)")
    sys.exit(0)


if __name__ == "__main__":
    main()
