"""Many readers at once: `jinguo serve` with 1 and 2 app processes behind nginx, loaded by `tools.load`
(Streamlit's own websocket protocol, no browser): S sessions open the mother-room page (what a reader who is
not signed in gets) and change its search every T seconds for D seconds; time from rerun request to
script finished. Scale 10 database. CPU seconds of the app processes and of the load generator are
reported so the bound (the app's CPU, one GIL per process, or the client) can be read off.

    PYTHONPATH=. python -m tools.bench_serving [--sessions 50] [--seconds 60] [--interval 10] [--replicas 1,2]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_P95_S = 1.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (and its reaped children), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def one(db: Path, replicas: int, sessions: int, seconds: float, interval: float, workdir: Path) -> dict:
    from jinguo.serve.supervisor import Supervisor, free_port
    from tools import load

    old = {k: os.environ.get(k) for k in ("JINGUO_DB", "JINGUO_ACCOUNTS_DB", "JINGUO_RUN_LOG")}
    os.environ.update(JINGUO_DB=str(db), JINGUO_ACCOUNTS_DB=str(workdir / "accounts.db"))
    os.environ.pop("JINGUO_RUN_LOG", None)
    sup = Supervisor(replicas, free_port(), run_dir=Path(tempfile.mkdtemp(prefix="serve-", dir=workdir)), quiet=True)
    try:
        sup.start()
        # warm every process once (first script run imports pandas, plotly, ...), as a served app would be
        load.run_blocking(sup.url, sessions=2 * replicas, seconds=2, interval=1)
        cpu0 = {c.name: _cpu_seconds(c.proc.pid) for c in sup.replicas}
        self0 = resource.getrusage(resource.RUSAGE_SELF)
        t = time.perf_counter()
        res = load.run_blocking(sup.url, sessions=sessions, seconds=seconds, interval=interval)
        wall = time.perf_counter() - t
        self1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = {c.name: _cpu_seconds(c.proc.pid) - cpu0[c.name] for c in sup.replicas}
    finally:
        sup.stop()
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    s = res.summary()
    s.update(replicas=replicas, wall_s=wall, app_cpu_s=cpu,
             client_cpu_s=(self1.ru_utime + self1.ru_stime) - (self0.ru_utime + self0.ru_stime),
             mean_interaction_s=statistics.fmean(res.reruns_s) if res.reruns_s else None)
    return s


def rows_for(s: dict) -> list[tuple[str, str, str]]:
    r = s["replicas"]
    cpu = s["app_cpu_s"]
    busy = ", ".join(f"{k} {v / s['wall_s']:.0%}" for k, v in sorted(cpu.items()))
    what = f"{r} replica{'s' if r > 1 else ''}: {s['sessions']} sessions, every {s['interval_s']:g} s for " \
           f"{s['seconds']:g} s"
    met = "met" if s["p95_s"] is not None and s["p95_s"] < TARGET_P95_S and s["errors"] == 0 else "**missed**"
    return [
        (what + ": interactions, errors", f"{s['interactions']}, {s['errors']} {s['errors_by_kind'] or ''}".strip(),
         "0 errors"),
        (what + ": interaction p50 / p95 / max",
         f"{s['p50_s']:.2f} / {s['p95_s']:.2f} / {s['max_s']:.2f} s" if s["p95_s"] is not None else "—",
         f"p95 < {TARGET_P95_S:g} s: {met}"),
        (what + ": opening the page p50 / p95", f"{s['open_p50_s']} / {s['open_p95_s']} s", "—"),
        (what + ": CPU busy per app process (of one core)", busy, "—"),
        (what + ": app CPU per script run (all processes)",
         f"{sum(cpu.values()) / max(1, s['runs_seen']) * 1000:.0f} ms over {s['runs_seen']} runs", "—"),
        (what + ": received per script run", f"{s['bytes_in'] / max(1, s['runs_seen']) / 1000:.0f} kB", "—"),
        (what + ": load generator CPU", f"{s['client_cpu_s'] / s['wall_s']:.0%} of one core", "—"),
    ]


def measure(workdir: Path, sessions: int = 50, seconds: float = 60, interval: float = 10,
            replicas: tuple[int, ...] = (1, 2), scale: float = 10.0) -> list[tuple[str, str, str]]:
    from tools.bench import ensure_db

    db = ensure_db(scale)
    rows = []
    for r in replicas:
        s = one(db, r, sessions, seconds, interval, workdir)
        print(f"  {r} replica(s): {s['interactions']} interactions, {s['errors']} errors, p50 {s['p50_s']} s, "
              f"p95 {s['p95_s']} s", flush=True)
        rows += rows_for(s)
    return rows


def main(argv: list[str] | None = None) -> int:
    from tools.bench import markdown_table

    p = argparse.ArgumentParser(prog="python -m tools.bench_serving", description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--interval", type=float, default=10)
    p.add_argument("--replicas", default="1,2")
    p.add_argument("--scale", type=float, default=10.0)
    a = p.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="jinguo-bench-serving-"))
    rows = measure(workdir, a.sessions, a.seconds, a.interval, tuple(int(x) for x in a.replicas.split(",")), a.scale)
    print("\n".join(markdown_table(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
