"""Command line: ``python -m jinguo build|serve|import|users|brief|finder``.

The bench and the load generator are tools, not runtime: ``python -m tools.bench``, ``python -m tools.load``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path

from jinguo.store.build import build
from jinguo.store.registers import Busy, RegistersError
from jinguo.store.sources import BuildError
from jinguo.store.stale import is_stale
from jinguo.text import i18n


def _build(args) -> int:
    if args.if_stale and not is_stale(args.db):
        print(f"up to date: {args.db or 'data/jinguo.duckdb'}")
        return 0
    try:
        path = build(args.db, scale=args.scale, demo_fill=args.demo)
    except BuildError as e:
        print(f"build failed, database unchanged: {e}", file=sys.stderr)
        return 2
    except RegistersError as e:
        print(f"build refused, database unchanged: {i18n.t(e.key, 'en', **e.kw)}", file=sys.stderr)
        return 2
    except Busy:
        print("build stopped: an import, revert or other build is still writing (waited "
              "$JINGUO_LOCK_WAIT s); nothing was changed, try again when it has finished", file=sys.stderr)
        return 3
    print(f"built {path} (scale {args.scale:g}, demo {args.demo or 'from $JINGUO_DEMO'}, "
          f"registers replayed from $JINGUO_DATA_DIR)")
    return 0


MOVED = {"bench": "tools.bench", "load": "tools.load"}


def _moved(tool: str) -> int:
    print(f"this command moved out of the runtime package: run `PYTHONPATH=. python -m {tool} --help`",
          file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jinguo", description="巾帼看板 command line")
    sub = parser.add_subparsers(dest="cmd", required=True)

    b = sub.add_parser("build", help="build the database from the files under data/")
    b.add_argument("--scale", type=float, default=1.0, help="demo volume: 1 = national size, 10 = ten times")
    b.add_argument("--db", type=Path, default=None, help="output file (default $JINGUO_DB or data/jinguo.duckdb)")
    b.add_argument("--if-stale", action="store_true", help="only when missing or older than its sources, "
                   "or when the registers or $JINGUO_DEMO changed")
    b.add_argument("--demo", choices=["fill", "none"], default=None,
                   help="fill: demo data where nothing is reported or imported (default, or $JINGUO_DEMO); "
                        "none: only reported and imported rows (production)")
    b.set_defaults(func=_build)

    # Subcommands of other modules register themselves (import, users, serve, brief, finder).
    for mod in ("ingest.cli", "auth.cli", "serve", "brief.cli", "finder.cli"):
        if importlib.util.find_spec(f"jinguo.{mod}") is not None:
            importlib.import_module(f"jinguo.{mod}").add_parser(sub)

    # The bench and the load generator moved out of the runtime package (it never imports tools or tests).
    for name, tool in MOVED.items():
        sub.add_parser(name, help=f"moved: python -m {tool}")
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in MOVED:
        return _moved(MOVED[argv[0]])

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
