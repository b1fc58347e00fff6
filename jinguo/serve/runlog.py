"""One line per script run, for load tests: written only when ``$JINGUO_RUN_LOG`` names a file.

Line: ``<unix time> <pid> <replica> <session id>``. Lines are short single ``write``s to a file opened
with O_APPEND, so several replicas can share one file. Without the variable this is one dict lookup.
"""

from __future__ import annotations

import os
import time


def note_run() -> None:
    path = os.environ.get("JINGUO_RUN_LOG")
    if not path:
        return
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    line = f"{time.time():.3f} {os.getpid()} {os.environ.get('JINGUO_REPLICA', '-')} {ctx.session_id if ctx else '-'}\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)
