"""Serving many readers: ``python -m jinguo serve`` (N app processes and M public-finder workers behind nginx)
and the run log."""

from __future__ import annotations

from pathlib import Path

from jinguo.serve.supervisor import serve


def _serve(args) -> int:
    return serve(args.replicas, args.port, args.host, args.run_dir, args.finder_workers)


def add_parser(sub) -> None:
    p = sub.add_parser("serve", help="run N app processes behind nginx (sticky sessions, restarts)")
    p.add_argument("--replicas", type=int, default=2, help="app processes (one per core is the usual choice)")
    p.add_argument("--port", type=int, default=8501, help="port nginx listens on")
    p.add_argument("--host", default="127.0.0.1", help="address nginx listens on (0.0.0.0 for the LAN)")
    p.add_argument("--finder-workers", type=int, default=1,
                   help="public finder workers for /find and /api/ (0: the app processes answer them)")
    p.add_argument("--run-dir", type=Path, default=None, help="nginx config, pid, logs (default: a new temp dir)")
    p.set_defaults(func=_serve)
