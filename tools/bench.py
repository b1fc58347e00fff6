"""``python -m tools.bench``: how fast, measured, written to BENCHMARKS.md with the machine.

Medians of repeated runs and ratios, never single timings; the machines are shared and noisy.
Databases are built into ``.bench/`` (git-ignored) and reused while their sources are unchanged.

Topic measurements live beside this file as ``tools/bench_TOPIC.py`` modules with
``measure(workdir: pathlib.Path) -> list[tuple[str, str, str]]`` (rows: what, result, target); they are
discovered here and each gets its own section of BENCHMARKS.md (``--topics`` picks some, ``--topics none``
skips them). This is a tool: the runtime package ``jinguo`` never imports it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from jinguo.paths import ROOT
from jinguo.views import decks

BENCH_DIR = ROOT / ".bench"
ORIG = ["reported", "demo", "imported"]
TARGETS = {"warm_page_ms": 300, "browser_s": 2.0, "map_mb": 5.0, "csv_1m_s": 3.0, "import_1m_s": 30.0,
           "nearest_ms": 200, "rooms_rerun_ms": 500}


def median_ms(fn, repeat: int = 7) -> float:
    fn()  # warm-up
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts)


def machine() -> dict:
    mem = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    import streamlit

    return {"cores": os.cpu_count(), "memory_gb": round(int(mem) / 1024 / 1024, 1), "cpu": cpu,
            "python": platform.python_version(), "duckdb": duckdb.__version__, "streamlit": streamlit.__version__,
            "date": date.today().isoformat()}


def ensure_db(scale: float) -> Path:
    from jinguo.store.build import build
    from jinguo.store.stale import source_digest

    BENCH_DIR.mkdir(exist_ok=True)
    path = BENCH_DIR / f"scale{scale:g}.duckdb"
    if path.exists():
        con = duckdb.connect(str(path), read_only=True)
        try:
            info = dict(con.execute("select key, value from build_info").fetchall())
        finally:
            con.close()
        if info.get("sources") == source_digest():
            return path
    t = time.perf_counter()
    build(path, scale=scale)
    print(f"  built scale {scale:g} in {time.perf_counter() - t:.1f} s", flush=True)
    return path


# --------------------------------------------------------------------------- rollups: SQL vs pandas
def rollups(path: Path) -> list[dict]:
    from jinguo.store import sql

    con = duckdb.connect(str(path), read_only=True)
    provs = [r[0] for r in con.execute("select adcode from region where level = 'province'").fetchall()]
    base = dict(provinces=provs, origins=ORIG, year_from=2019, year_to=2024)
    scope = sql.Scope()

    def load(q):
        return con.cursor().execute(q).df()

    def pd_matchmaking():
        e = load("select * from matchmaking_event")
        e["year"] = e["event_date"].dt.year
        g = e.groupby(["province_code", "year"]).agg(events=("event_id", "size"), participants=("participants", "sum"),
                                                     pairs=("pairs", "sum"))
        g["match_rate"] = 200 * g["pairs"] / g["participants"]
        return g

    def pd_outputs():
        o, s = load("select * from studio_output"), load("select * from innovation_studio")
        m = o.merge(s, on="studio_id")
        return m.groupby("year")[["patents", "trainings", "trainees", "talents"]].sum()

    def pd_grid():
        r = load("select * from mother_room")
        r["cx"], r["cy"] = (r["lon"] // 0.5), (r["lat"] // 0.5)
        return r.groupby(["cx", "cy"]).size()

    def pd_indicators():
        v = load("select * from indicator_value")
        v = v[v["indicator_code"].isin(["mm_events", "mr_rooms", "og_orgs"])]
        return v.groupby(["indicator_code", "province_code", "year"])["value"].sum()

    cases = [
        ("matchmaking_by_province_year", base, pd_matchmaking),
        ("studio_outputs_by_year", base, pd_outputs),
        ("rooms_grid", dict(cell=0.5, provinces=provs, origins=ORIG, kinds=["workplace_room", "workplace_corner",
                                                                             "workplace_box", "public", "mobile_bus"]),
         pd_grid),
        ("indicator_by_year", dict(indicators=["mm_events", "mr_rooms", "og_orgs"], **base), pd_indicators),
        ("indicator_by_period", dict(indicators=["mm_events", "mr_rooms", "mm_match_rate"], **base), None),
        ("matchmaking_by_kind", dict(by="session_type", **base), None),
    ]
    out = []
    for name, params, pandas_fn in cases:
        sql_ms = median_ms(lambda n=name, p=params: sql.run(con, n, scope, **p))
        pd_ms = median_ms(pandas_fn, repeat=5) if pandas_fn else None
        out.append({"query": name, "sql_ms": sql_ms, "pandas_ms": pd_ms,
                    "ratio": (pd_ms / sql_ms) if pd_ms else None})
    con.close()
    return out


# --------------------------------------------------------------------------- pages (AppTest)
def pages(path: Path) -> list[dict]:
    from streamlit.testing.v1 import AppTest

    from jinguo.auth.access import User
    from jinguo.web.pages import PAGES
    from tests.util import sign_in_as

    os.environ["JINGUO_DB"] = str(path)
    os.environ.setdefault("JINGUO_ACCOUNTS_DB", str(BENCH_DIR / "accounts.db"))
    out = []
    for spec in PAGES:
        if not (ROOT / spec.script).exists():
            continue
        import streamlit as st

        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        sign_in_as(at, User("bench", "admin"))   # as the form would: the per-rerun check keeps it
        at.run()
        t = time.perf_counter()
        at.switch_page(str(ROOT / spec.script))
        at.run()
        cold = (time.perf_counter() - t) * 1000
        warm = median_ms(lambda a=at: a.run(), repeat=5)
        out.append({"page": spec.key, "cold_ms": cold, "warm_ms": warm, "errors": len(at.exception)})
    return out


def rooms_lookup(path: Path) -> dict:
    import random

    from jinguo.store import sql
    from jinguo.views import nearest, rooms

    con = duckdb.connect(str(path), read_only=True)
    pts = con.execute("select lon, lat from region where level = 'district' and lon is not null "
                      "order by adcode").fetchall()
    random.seed(7)
    sample = random.sample(pts, 20)
    params = {**rooms.RoomFilter().params(), "origins": ORIG}

    def run(name, **p):
        return sql.run_arrow(con, name, sql.Scope(public_only=True), **p)

    t = time.perf_counter()
    pool = nearest.load(run)
    pool.passing(run, params)
    load_ms = (time.perf_counter() - t) * 1000      # once per file (the pool) and per filter and minute
    ts = []
    for lon, lat in sample:
        t = time.perf_counter()
        pool.nearest(run, lon, lat, 10, 20000.0, params)
        ts.append((time.perf_counter() - t) * 1000)
    provs = [r[0] for r in con.execute("select adcode from region where level = 'province'").fetchall()]
    grid = sql.run(con, "rooms_grid", sql.Scope(), cell=rooms.GRID_CELL, provinces=provs, origins=ORIG,
                   kinds=list(rooms.KINDS))
    deck = decks.build_deck(None, grid.assign(tip="共 1 家").to_dict("records"), None, (104, 36, 2.9))
    con.close()
    return {"nearest_ms": statistics.median(ts), "nearest_p95_ms": sorted(ts)[int(0.95 * len(ts)) - 1],
            "pool_load_ms": load_ms,
            "map_bytes": decks.payload_bytes(deck), "cells": len(grid)}


def rooms_rerun(path: Path) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ["JINGUO_DB"] = str(path)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    ts = []
    for kinds in (["public"], ["public", "workplace_room"], ["mobile_bus"], ["public"]):
        at.session_state["mr_kinds"] = kinds
        t = time.perf_counter()
        at.run()
        ts.append((time.perf_counter() - t) * 1000)
    return statistics.median(ts[1:])


# --------------------------------------------------------------------------- 1M-row CSV and import (subprocess)
def _sub(code: str, *args: str) -> dict:
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=900)
    if r.returncode:
        return {"error": r.stderr[-500:]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def csv_export(path: Path) -> dict:
    return _sub(CSV_CODE, str(path))


CSV_CODE = """
import json, resource, sys, time, duckdb
from jinguo.text import extract
from jinguo.store import sql
con = duckdb.connect(sys.argv[1], read_only=True)
df = sql.run(con, 'matchmaking_events', sql.Scope(), provinces=[r[0] for r in con.execute(
    "select adcode from region where level='province'").fetchall()], origins=['demo','reported'],
    year_from=2019, year_to=2024, limit=1000000)
t = time.perf_counter(); raw = extract.to_csv_bytes(df, {'origin': '数据来源'}); s = time.perf_counter() - t
print(json.dumps({'rows': len(df), 'seconds': s, 'mb': len(raw) / 1e6,
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def import_1m(path: Path) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="jinguo-bench-"))
    db = tmp / "db.duckdb"
    import shutil

    shutil.copyfile(path, db)
    f = tmp / "rooms_1m.csv"
    head = "编号,名称,所在区县,地址,经度,纬度,类型,可上锁,开放时间,关闭时间,启用日期\n"
    with f.open("w", encoding="utf-8") as fh:
        fh.write(head)
        for i in range(1_000_000):
            fh.write(f"R37M{i:07d},小屋{i},济南市历下区,山东省济南市历下区某路{i}号,{117 + (i % 1000) / 10000:.4f},"
                     f"36.66,public,是,08:30,17:30,2023-05-01\n")
    res = _sub(IMPORT_CODE, str(f), str(db))

    shutil.rmtree(tmp, ignore_errors=True)
    return res


IMPORT_CODE = """
import json, os, resource, sys, time, duckdb
f, db = sys.argv[1], sys.argv[2]
os.environ["JINGUO_DATA_DIR"] = os.path.join(os.path.dirname(db), "registers")   # the copy's own, empty
from jinguo import ingest
t = time.perf_counter(); rep = ingest.run_import('mother_rooms', f, db=db); s = time.perf_counter() - t
stored = duckdb.connect(db, read_only=True).execute(
    "select count(*) from mother_room where room_id like 'R37M%'").fetchone()[0]
assert stored == 1_000_000, f"import reported rows but stored {stored}"
print(json.dumps({'rows': stored, 'rejected': rep.rejected, 'seconds': s,
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


# --------------------------------------------------------------------------- browser
def browser(path: Path, sessions: int = 0, seconds: int = 0) -> dict:
    """Time from clicking a page to its last chart drawn, bytes over the websocket, and an optional load test."""
    if not Path("/usr/bin/chromium").exists():
        return {"skipped": "no /usr/bin/chromium (apt-get install -y chromium fonts-wqy-microhei)"}
    from tests.browser.conftest import FLAGS, PASSWORD, Server, settle, sign_in

    tmp = Path(tempfile.mkdtemp(prefix="jinguo-bench-"))
    accounts = tmp / "accounts.db"
    env = {**os.environ, "JINGUO_ACCOUNTS_DB": str(accounts), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "jinguo", "users", "add", "admin", "--role", "admin", "--password-stdin"],
                   input=PASSWORD, text=True, env=env, cwd=ROOT, check=True, capture_output=True)
    server = Server(path, accounts)
    out: dict = {"pages": []}
    try:
        from playwright.sync_api import sync_playwright

        from jinguo.text import i18n
        from jinguo.web.pages import PAGES

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=FLAGS)
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            received = {"bytes": 0}
            page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(
                "bytes", received["bytes"] + len(payload))))
            page.goto(server.url)
            settle(page, 120_000)
            sign_in(page, "admin")
            for spec in PAGES:
                link = page.locator('[data-testid="stSidebarNav"]').get_by_role(
                    "link", name=i18n.t(f"nav.{spec.key}", "zh"), exact=True)
                if not link.count():
                    continue
                received["bytes"] = 0
                t = time.perf_counter()
                link.click()
                page.wait_for_timeout(100)
                settle(page, 120_000)
                if page.locator(".js-plotly-plot").count():
                    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
                secs = time.perf_counter() - t
                out["pages"].append({"page": spec.key, "seconds": secs, "bytes": received["bytes"]})
            if sessions:
                out["load"] = _load(b, server.url, sessions, seconds)
            b.close()
    finally:
        server.stop()
    return out


def _load(browser, url: str, sessions: int, seconds: int) -> dict:
    """``sessions`` pages in one browser, each rerunning the mother-room page with new searches."""
    from tests.browser.conftest import settle

    pages, lat, errors = [], [], 0
    for _ in range(sessions):
        pg = browser.new_page()
        pg.goto(url)
        pages.append(pg)
    for pg in pages:
        settle(pg, 120_000)
        pg.get_by_text("更多选项", exact=False).first.click()   # the room finder folds the name search away
        settle(pg, 120_000)
    words = ["洛阳", "济南", "哈尔滨", "广州", "重庆", "西工", "历下", "公交"]
    end = time.time() + seconds
    i = 0
    while time.time() < end:
        for pg in pages:
            i += 1
            try:
                box = pg.get_by_role("textbox", name="按名称、地址、城市或区县搜索")
                t = time.perf_counter()
                box.fill(words[i % len(words)] + str(i % 3 or ""))
                box.press("Enter")
                pg.wait_for_timeout(50)
                settle(pg, 30_000)
                lat.append(time.perf_counter() - t)
                if pg.locator('[data-testid="stException"]').count():
                    errors += 1
            except Exception:  # noqa: BLE001 - every failure counts as an error of the load test
                errors += 1
    for pg in pages:
        pg.close()
    lat.sort()

    def pct(q):
        return lat[min(len(lat) - 1, int(q * len(lat)))] if lat else None
    return {"sessions": sessions, "seconds": seconds, "requests": len(lat), "errors": errors,
            "p50_s": pct(0.5), "p95_s": pct(0.95), "max_s": lat[-1] if lat else None}


# --------------------------------------------------------------------------- report
def _fmt(v, digits=1):
    return "—" if v is None else (f"{v:,.{digits}f}" if isinstance(v, float) else str(v))


def _ok(value, target, lower=True):
    if value is None:
        return "—"
    return "met" if (value < target if lower else value > target) else "**missed**"


def write_report(res: dict, out: Path) -> None:
    m = res["machine"]
    lines = ["# Benchmarks", "",
             f"Measured by `python -m tools.bench` on {m['date']}: {m['cores']} cores, {m['memory_gb']} GB, "
             f"{m['cpu']}; Python {m['python']}, DuckDB {m['duckdb']}, Streamlit {m['streamlit']}. Medians of "
             "repeated runs; the machine is shared, so read ratios and orders of magnitude, not the last digit.", ""]
    for scale, r in res["scales"].items():
        lines += [f"## Scale {scale} ({'ten times ' if scale != '1' else ''}national size)", "",
                  "### Rollups: SQL in DuckDB vs the typical Streamlit way (load tables into pandas, groupby)", "",
                  "| query | SQL median ms | pandas median ms | pandas / SQL |", "|---|---:|---:|---:|"]
        for q in r["rollups"]:
            lines.append(f"| {q['query']} | {_fmt(q['sql_ms'])} | {_fmt(q['pandas_ms'])} | "
                         f"{_fmt(q['ratio'])}× |" if q["ratio"] else
                         f"| {q['query']} | {_fmt(q['sql_ms'])} | — | — |")
        if r.get("pages"):
            lines += ["", "### Pages, server side (AppTest, signed in as admin)", "",
                      f"| page | cold ms | warm ms (median of 5) | warm < {TARGETS['warm_page_ms']} ms |",
                      "|---|---:|---:|---|"]
            for p in r["pages"]:
                lines.append(f"| {p['page']} | {_fmt(p['cold_ms'])} | {_fmt(p['warm_ms'])} | "
                             f"{_ok(p['warm_ms'], TARGETS['warm_page_ms'])} |")
        rl = r.get("rooms", {})
        if rl:
            lines += ["", "### Mother rooms", "",
                      f"- nearest 10 rooms (public pool in memory, jinguo.views.nearest), median of 20 points: "
                      f"{_fmt(rl['nearest_ms'])} ms, p95 {_fmt(rl['nearest_p95_ms'])} ms "
                      f"(target < {TARGETS['nearest_ms']} ms: {_ok(rl['nearest_ms'], TARGETS['nearest_ms'])}); "
                      f"loading the pool and one filter: {_fmt(rl.get('pool_load_ms'))} ms, once per file",
                      f"- national map view: {rl['cells']} grid cells, {rl['map_bytes'] / 1e6:.2f} MB of deck JSON "
                      f"(target < {TARGETS['map_mb']} MB: {_ok(rl['map_bytes'] / 1e6, TARGETS['map_mb'])})"]
            if r.get("rooms_rerun_ms") is not None:
                lines.append(f"- filter change on the map page, warm rerun: {_fmt(r['rooms_rerun_ms'])} ms "
                             f"(target < {TARGETS['rooms_rerun_ms']} ms: "
                             f"{_ok(r['rooms_rerun_ms'], TARGETS['rooms_rerun_ms'])})")
        for key, title, target in (("csv", "CSV export of 1,000,000 rows", "csv_1m_s"),
                                   ("import", "Import of 1,000,000 mother rooms (validate + load)", "import_1m_s")):
            v = r.get(key)
            if v:
                if "error" in v:
                    lines += ["", f"- {title}: failed: `{v['error'][-200:]}`"]
                else:
                    lines += ["", f"- {title}: {_fmt(v['seconds'])} s, peak memory {_fmt(v['peak_rss_mb'], 0)} MB "
                              f"(target < {TARGETS[target]:g} s: {_ok(v['seconds'], TARGETS[target])})"]
        br = r.get("browser")
        if br and "skipped" not in br:
            lines += ["", "### In Chromium (navigation click to last chart drawn; bytes over the websocket)", "",
                      f"| page | seconds | kB received | < {TARGETS['browser_s']:g} s |", "|---|---:|---:|---|"]
            for p in br["pages"]:
                lines.append(f"| {p['page']} | {_fmt(p['seconds'], 2)} | {_fmt(p['bytes'] / 1000, 0)} | "
                             f"{_ok(p['seconds'], TARGETS['browser_s'])} |")
            if br.get("load"):
                ld = br["load"]
                lines += ["", f"- load: {ld['sessions']} concurrent browser sessions for {ld['seconds']} s on "
                          f"loopback, {ld['requests']} searches, {ld['errors']} errors, p50 {_fmt(ld['p50_s'], 2)} s, "
                          f"p95 {_fmt(ld['p95_s'], 2)} s, max {_fmt(ld['max_s'], 2)} s (target p95 < 1 s: "
                          f"{_ok(ld['p95_s'], 1.0)})"]
        elif br:
            lines += ["", f"- browser: skipped ({br['skipped']})"]
        lines.append("")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def topic_modules(names: str = "all") -> list[str]:
    """The ``tools.bench_*`` modules, sorted by name (``names``: "all", "none" or a comma list of topics)."""
    found = sorted(f.stem for f in Path(__file__).resolve().parent.glob("bench_*.py"))
    if names == "none":
        return []
    if names != "all":
        wanted = {f"bench_{n.strip()}" for n in names.split(",") if n.strip()}
        unknown = wanted - set(found)
        if unknown:
            raise SystemExit(f"unknown bench topic(s): {', '.join(sorted(unknown))}; found: {', '.join(found)}")
        found = [f for f in found if f in wanted]
    return [f"tools.{f}" for f in found]


def run_topics(names: str, workdir: Path) -> dict[str, dict]:
    """Run each topic module's ``measure(workdir)``; a failing topic is reported, not fatal."""
    out: dict[str, dict] = {}
    for mod_name in topic_modules(names):
        topic = mod_name.split(".bench_", 1)[1]
        print(f"topic {topic}", flush=True)
        t = time.perf_counter()
        try:
            mod = importlib.import_module(mod_name)
            d = workdir / topic
            d.mkdir(parents=True, exist_ok=True)
            rows = [tuple(str(c) for c in row) for row in mod.measure(d)]
            out[topic] = {"rows": rows, "doc": (mod.__doc__ or "").strip().splitlines()[0:1],
                          "seconds": time.perf_counter() - t}
        except Exception as e:  # noqa: BLE001 - one topic's failure is reported in its own section
            out[topic] = {"error": f"{type(e).__name__}: {e}", "seconds": time.perf_counter() - t}
    return out


def markdown_table(rows) -> list[str]:
    lines = ["| what | result | target |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return lines


def topic_sections(topics: dict[str, dict]) -> list[str]:
    lines: list[str] = []
    for topic, r in topics.items():
        lines += [f"## Topic: {topic} (`tools/bench_{topic}.py`)", ""]
        if r.get("doc"):
            lines += [r["doc"][0], ""]
        if "error" in r:
            lines += [f"- failed: `{r['error'][-300:]}`", ""]
            continue
        lines += markdown_table(r["rows"]) + [""]
    return lines


def _cli(args) -> int:
    # The bench's builds and its 1M-row import keep their registers under .bench/, never the operator's
    # data/registers (an import there would be replayed into the real database by the next build).
    os.environ["JINGUO_DATA_DIR"] = str(BENCH_DIR / "registers")
    res = {"machine": machine(), "scales": {}}
    for s in [x for x in args.scales.split(",") if x]:
        scale = float(s)
        print(f"scale {scale:g}", flush=True)
        path = ensure_db(scale)
        r: dict = {"rollups": rollups(path)}
        print("  rollups done", flush=True)
        r["rooms"] = rooms_lookup(path)
        if not args.quick:
            r["pages"] = pages(path)
            r["rooms_rerun_ms"] = rooms_rerun(path)
            print("  pages done", flush=True)
            if scale >= 10:
                r["csv"] = csv_export(path)
                r["import"] = import_1m(ensure_db(1.0))
                print("  csv and import done", flush=True)
            r["browser"] = browser(path, sessions=args.sessions if scale >= 10 else 0, seconds=args.seconds)
            print("  browser done", flush=True)
        res["scales"][f"{scale:g}"] = r
    BENCH_DIR.mkdir(exist_ok=True)
    res["topics"] = run_topics(args.topics, BENCH_DIR / "topics")
    (BENCH_DIR / "last.json").write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    write_report(res, Path(args.out))
    with open(args.out, "a", encoding="utf-8") as f:
        f.write("\n".join(topic_sections(res["topics"])))
    print(Path(args.out).read_text(encoding="utf-8"))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.bench",
                                description="measure queries, pages, map payload, extracts, imports and every "
                                            "tools/bench_*.py topic; write BENCHMARKS.md")
    p.add_argument("--scales", default="1,10", help="comma list of demo scales (empty: none)")
    p.add_argument("--quick", action="store_true", help="rollups and the map only")
    p.add_argument("--sessions", type=int, default=24, help="concurrent browser sessions of the load test")
    p.add_argument("--seconds", type=int, default=60, help="duration of the load test")
    p.add_argument("--topics", default="all", help='topic modules to run: "all", "none" or e.g. "serving,rooms"')
    p.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    return _cli(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
