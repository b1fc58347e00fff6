"""``python -m jinguo finder [--port P] [--host H]``: one worker of the public finder (/find, /api/) on uvicorn.

``python -m jinguo serve --finder-workers N`` starts N of these on loopback ports behind its nginx; run one
by hand to try the light pages without Streamlit.
"""

from __future__ import annotations

KEEPALIVE_S = 75     # longer than nginx keeps an idle upstream connection (60 s): nginx closes first, never uvicorn


def _run(args) -> int:
    import uvicorn

    uvicorn.run("jinguo.finder.app:app", host=args.host, port=args.port, log_level="warning", access_log=False,
                proxy_headers=True, forwarded_allow_ips="127.0.0.1", timeout_keep_alive=KEEPALIVE_S,
                lifespan="on", server_header=False)
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("finder", help="one worker of the public finder (/find, /api/) on uvicorn")
    p.add_argument("--port", type=int, default=8601, help="port to listen on (default 8601)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback: nginx in front)")
    p.set_defaults(func=_run)
