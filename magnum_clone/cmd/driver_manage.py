"""magnum-clone-driver-manage: list the COE drivers and what they provide."""

from __future__ import annotations

import argparse
import sys

from magnum_clone.common import driver_factory


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="magnum-clone-driver-manage")
    parser.add_argument("--config-file", action="append", default=[])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("list", "list-drivers"):
        p = sub.add_parser(name, help="List the loaded drivers.")
        p.add_argument("-d", "--details", action="store_true",
                       help="Add server type, OS and COE (one row per provided tuple) and "
                            "the template path.")
        p.add_argument("-p", "--paths", action="store_true",
                       help="Add the template path (implied by --details).")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    from magnum_clone.cmd import prepare

    prepare([f"--config-file={f}" for f in args.config_file])
    paths = args.paths or args.details
    header = ["Name"]
    if args.details:
        header += ["Server_Type", "OS", "COE"]
    if paths:
        header.append("Template Path")
    rows = []
    for name, drv in driver_factory.drivers().items():
        provides = list(drv.provides) or [None]  # a driver chosen by name only
        for p in (provides if args.details else provides[:1]):
            row = [name]
            if args.details:
                row += [p.server_type, p.os, p.coe] if p else ["(by name)", "-", "-"]
            if paths:
                row.append(drv.template_path or "n/a")
            rows.append(row)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    print(line)
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print(line)
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    print(line)


if __name__ == "__main__":
    main()
