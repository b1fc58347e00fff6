"""Each page's warm rerun against the sum of its queries, at scale 10 (issue 14, "cheaper reruns").

    PYTHONPATH=. .venv/bin/python -m tools.bench_pages [WORKDIR]

For each page, in AppTest signed in as an admin, with Streamlit's caches cleared: a cold run, timing
every named query it runs (``jinguo.store.sql.run``); then the median of 5 reruns with nothing changed
(warm: the view, its figures and its queries come from the cache). Target: warm under 300 ms and
within 2x the sum of the page's queries.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from tools.bench_brief import ensure_db

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("overview", "matchmaking", "studios", "mother_rooms", "explorer")
TARGET_MS = 300


def _page(workdir: Path, db: Path, key: str) -> tuple[float, float, float, int]:
    """(cold ms, warm median ms, sum of query ms in the cold run, queries) of page ``key``."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from jinguo.auth.access import User
    from jinguo.store import sql
    from jinguo.web import pageview
    from jinguo.web.pages import PAGES as SPECS
    from tests.util import sign_in_as

    spec = next(s for s in SPECS if s.key == key)
    os.environ["JINGUO_DB"] = str(db)
    os.environ["JINGUO_ACCOUNTS_DB"] = str(workdir / "bench_pages_accounts.db")
    timings: list[float] = []
    real = sql.run

    def timed(*a, **kw):
        t = time.perf_counter()
        try:
            return real(*a, **kw)
        finally:
            timings.append((time.perf_counter() - t) * 1000)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    sign_in_as(at, User("bench", "admin"))   # as the form would: the per-rerun check keeps it
    at.run()
    st.cache_data.clear()                # cold: no query result, view or figure cached
    pageview._view.clear()
    pageview._part.clear()
    sql.run = timed
    try:
        t = time.perf_counter()
        at.switch_page(str(ROOT / spec.script))
        at.run()
        cold = (time.perf_counter() - t) * 1000
    finally:
        sql.run = real
    if at.exception:
        raise RuntimeError([e.message for e in at.exception])
    warm = []
    for _ in range(6):
        t = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - t) * 1000)
    return cold, statistics.median(warm[1:]), sum(timings), len(timings)


def measure(workdir: Path) -> list[tuple[str, str, str]]:
    db = ensure_db(workdir)
    rows = []
    for key in PAGES:
        cold, warm, queries, n = _page(workdir, db, key)
        ok = "met" if warm < TARGET_MS and warm < 2 * queries else "**missed**"
        rows.append((f"{key}: warm rerun (cold run {cold:.0f} ms; its {n} queries {queries:.0f} ms)",
                     f"{warm:.0f} ms = {warm / queries:.2f}× its queries" if queries else f"{warm:.0f} ms",
                     f"< {TARGET_MS} ms and < 2×: {ok}"))
    return rows


if __name__ == "__main__":
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".bench"
    print("| what | result | target |\n|---|---|---|")
    for what, result, target in measure(work):
        print(f"| {what} | {result} | {target} |")
