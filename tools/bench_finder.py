"""The public finder at the public's scale (issue 23): ``python -m tools.bench_finder [WORKDIR]``.

Everything through ``jinguo serve --replicas 2 --finder-workers 2`` (nginx in front) on a scale-10 database:

* **phone, first visit**: Chromium with Lighthouse's mobile profile (CDP: 150 ms round trip, 1.6 Mbit/s down,
  750 kbit/s up, CPU slowed 4x), a phone's screen and User-Agent, a new browser context each run (nothing
  cached): from the start of navigation to the first 高德导航 link laid out (the page's own clock), and the bytes
  on the wire (CDP ``encodedDataLength``, headers included); the light page ``/find?near=…`` and the Streamlit
  finder ``/mother-rooms?mr_near=…`` side by side, alternating, in the same run;
* **crowd**: ``wrk`` (Debian's) with 200 connections for 30 s, each asking for a random place across China's
  districts and waiting 0-0.7 s between answers (about 550 questions a second offered): half by name
  (``near=省市区``: a few hundred names, which nginx's cache answers after the first), half by a point near a
  district (``lon/lat``, WGS-84, 20,000 different points: almost every one a cache miss, i.e. the worker's
  own work); answers a second, p50/p95/p99 and errors from wrk's own counters (a Lua ``done`` hook). Each named
  place is asked twice first, as a live site has been (a worker's first time for an address runs cpca, ~20 ms);
* **both at once**: 50 dashboard sessions (``tools.load``, Streamlit's protocol, one search each every 10 s)
  alone, then again while the same crowd asks the finder.

A bench, never a test: medians and percentiles with the machine's load average, targets as in the issue.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from jinguo.paths import ROOT
from tools.bench_brief import ensure_db

RUNS = 5
NEAR = "河南省洛阳市西工区"
PHONE_MS, PHONE_KB = 1000, 30
CROWD_RPS, CROWD_P95_MS, BOTH_P95_MS = 500, 100, 200
CONNECTIONS, SECONDS, DELAY_MAX_MS = 200, 30, 700
DASH_SESSIONS, DASH_INTERVAL = 50, 10.0
# Lighthouse's mobile profile, as tools/bench_phone.py uses it (bytes a second; ms).
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 93_750}
CPU_SLOWDOWN = 4

LUA = """
local paths = {%s}
counter = 0
setup = function(thread) counter = counter + 1; thread:set("id", counter) end
init = function(args) math.randomseed(7919 * id + os.time()) end
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
delay = function() return math.random(0, %d) end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("JG requests=%%d duration_us=%%d p50=%%d p95=%%d p99=%%d max=%%d status=%%d connect=%%d " ..
    "read=%%d write=%%d timeout=%%d\\n", summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def _paths(db: Path, seed: int = 11) -> list[str]:
    """Questions across China: by name (province+city+district) and by a point near a district (WGS-84)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("""select p.name_zh || coalesce(c.name_zh, '') || d.name_zh, d.lon, d.lat
                          from region d join region p on p.adcode = d.province_code
                          left join region c on c.adcode = substr(d.adcode, 1, 4) || '00' and c.level = 'city'
                          where d.level = 'district' and d.lon is not null order by d.adcode""").fetchall()
    con.close()
    rng = random.Random(seed)
    named = rng.sample(rows, min(400, len(rows)))
    out = ["/find?" + urllib.parse.urlencode({"near": name}) for name, _, _ in named]
    out += ["/api/rooms/near?" + urllib.parse.urlencode({"near": name}) for name, _, _ in named[:100]]
    points = []
    for _ in range(20_000):
        _, lon, lat = rng.choice(rows)
        q = {"lon": f"{lon + rng.uniform(-0.04, 0.04):.5f}", "lat": f"{lat + rng.uniform(-0.04, 0.04):.5f}",
             "crs": "wgs84", "geo": "1"}
        points.append(("/api/rooms/near?" if rng.random() < 0.2 else "/find?") + urllib.parse.urlencode(q))
    # half by name, half by point: repeat the names to weigh them equally
    out = out * max(1, len(points) // len(out))
    return out + points


def _lua(paths: list[str], where: Path) -> Path:
    body = ",".join(json.dumps(p) for p in paths)     # JSON strings are valid Lua strings here (ASCII only)
    where.write_text(LUA % (body, DELAY_MAX_MS), encoding="utf-8")
    return where


def crowd(url: str, script: Path, seconds: int = SECONDS) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
                          url], capture_output=True, text=True, timeout=seconds + 120)
    m = re.search(r"^JG (.*)$", out.stdout, re.M)
    if not m:
        raise RuntimeError("wrk said: " + out.stdout[-500:] + out.stderr[-500:])
    r = {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = sum(r[k] for k in ("status", "connect", "read", "write", "timeout"))
    return r


def _cache_share(run_dir: Path, since: int) -> tuple[str, int, int]:
    """How many of the finder's answers nginx gave from its cache (the access log lines after ``since``)."""
    time.sleep(1.2)       # the access log is flushed every second
    lines = (run_dir / "access.log").read_text().splitlines()[since:]
    finder = [ln for ln in lines if " /find " in ln or " /api/rooms/near " in ln]
    hits = sum(" up=- " in ln for ln in finder)
    return (f"{hits / len(finder):.0%} of {len(finder)}" if finder else "—"), hits, len(finder)


def _log_lines(run_dir: Path) -> int:
    time.sleep(1.2)       # the access log is flushed every second
    return len((run_dir / "access.log").read_text().splitlines())


DRAWN_JS = """
window.__drawn = null;
new MutationObserver(() => {
  if (window.__drawn !== null) return;
  for (const a of document.querySelectorAll('a')) {
    if (a.textContent.includes('高德导航') && a.getBoundingClientRect().height > 0) {
      window.__drawn = performance.now(); return; }
  }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def phone(url: str) -> dict:
    """First visits of the light page and the Streamlit finder, alternating, each in a fresh context."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import FLAGS
    from tools.bench_phone import PHONE

    light = url + "/find?" + urllib.parse.urlencode({"near": NEAR})
    heavy = url + "/mother-rooms?" + urllib.parse.urlencode({"mr_near": NEAR})
    got: dict[str, dict[str, list]] = {"light": {"s": [], "kb": [], "req": []},
                                       "streamlit": {"s": [], "kb": [], "req": []}}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=FLAGS)
        for i in range(RUNS + 1):
            for name, target in (("light", light), ("streamlit", heavy)):
                ctx = b.new_context(**PHONE)
                ctx.add_init_script(DRAWN_JS)
                page = ctx.new_page()
                cdp = ctx.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.emulateNetworkConditions", NETWORK)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
                sizes: dict[str, int] = {}
                cdp.on("Network.loadingFinished", lambda e, s=sizes: s.__setitem__(e["requestId"],
                                                                                   e["encodedDataLength"]))
                page.goto(target, timeout=180_000)
                page.get_by_role("link", name="高德导航").first.wait_for(state="visible", timeout=180_000)
                drawn = page.evaluate("window.__drawn") / 1000
                page.wait_for_load_state("networkidle", timeout=180_000)
                if i:       # the first round warms the servers (and nginx's cache, as a crowd would)
                    got[name]["s"].append(drawn)
                    got[name]["kb"].append(sum(sizes.values()) / 1000)
                    got[name]["req"].append(len(sizes))
                ctx.close()
        b.close()
    return got


def _stats(xs: list[float], unit: str, digits: int = 2) -> str:
    return f"{statistics.median(xs):.{digits}f} {unit} (min {min(xs):.{digits}f}, max {max(xs):.{digits}f}, n={len(xs)})"


PARTS = ("phone", "crowd", "both")


def _phone_rows(url: str) -> list[tuple[str, str, str]]:
    ph = phone(url)
    rows = []
    for name, label in (("light", "light page /find?near=…"), ("streamlit", "Streamlit finder /mother-rooms?mr_near=…")):
        g = ph[name]
        ok_s = statistics.median(g["s"]) < PHONE_MS / 1000
        ok_kb = statistics.median(g["kb"]) < PHONE_KB
        light = name == "light"
        rows.append((f"phone first visit, {label}: first 高德导航 link", _stats(g["s"], "s"),
                     f"< {PHONE_MS / 1000:g} s: {'met' if ok_s else '**missed**'}" if light else "reported (same run)"))
        rows.append((f"phone first visit, {label}: bytes on the wire, requests",
                     f"{_stats(g['kb'], 'kB', 1)}, {statistics.median(g['req']):.0f} requests",
                     f"< {PHONE_KB} kB: {'met' if ok_kb else '**missed**'}" if light else "reported"))
    return rows


def _warm_names(url: str, paths: list[str]) -> float:
    """Ask each named place once per worker, as a live site has been asked before (cpca takes ~20 ms a new
    address, once per worker and place); returns the seconds it took."""
    t = time.perf_counter()
    for path in sorted({p for p in paths if "near=" in p}):
        for _ in range(2):      # nginx's least_conn spreads them: each worker sees most names
            with urllib.request.urlopen(url + path + "&warm=1", timeout=60) as r:
                r.read()
    return time.perf_counter() - t


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _crowd_rows(url: str, script: Path, run_dir: Path, workers: list[int]) -> list[tuple[str, str, str]]:
    crowd(url, script, seconds=5)        # warm the workers and nginx's cache a little, as a live site is
    before = os.getloadavg()[0]
    since = _log_lines(run_dir)
    cpu0 = sum(_cpu_s(p) for p in workers)
    c = crowd(url, script)
    cpu = sum(_cpu_s(p) for p in workers) - cpu0
    share, hits, answered = _cache_share(run_dir, since)
    ok = c["rps"] >= CROWD_RPS and c["p95"] / 1000 < CROWD_P95_MS and c["errors"] == 0
    misses = max(answered - hits, 1)
    return [(f"crowd: {CONNECTIONS} clients for {SECONDS} s, half by name, half by point (wrk); load average "
             f"{before:.1f} before",
             f"{c['rps']:.0f} answers/s, p50 {c['p50'] / 1000:.1f} ms, p95 {c['p95'] / 1000:.1f} ms, "
             f"p99 {c['p99'] / 1000:.1f} ms, {c['errors']} errors; from nginx's cache: {share}",
             f">= {CROWD_RPS}/s, p95 < {CROWD_P95_MS} ms, 0 errors: {'met' if ok else '**missed**'}"),
            ("crowd: the finder workers' CPU per answer they made (not from nginx's cache)",
             f"{1000 * cpu / misses:.2f} ms ({cpu:.1f} s for {misses} answers)", "reported")]


def _both_rows(url: str, script: Path) -> list[tuple[str, str, str]]:
    from tools import load

    load.run_blocking(url, sessions=4, seconds=3, interval=1)       # warm both app processes
    alone = load.run_blocking(url, sessions=DASH_SESSIONS, seconds=SECONDS + 10, interval=DASH_INTERVAL)
    box: dict = {}
    th = threading.Thread(target=lambda: box.update(r=crowd(url, script, seconds=SECONDS + 10)))
    th.start()
    both = load.run_blocking(url, sessions=DASH_SESSIONS, seconds=SECONDS + 10, interval=DASH_INTERVAL)
    th.join()
    a, w, c = alone.summary(), both.summary(), box["r"]
    rise = (w["p95_s"] / a["p95_s"] - 1) if a["p95_s"] and w["p95_s"] else None
    ok_f = c["p95"] / 1000 < BOTH_P95_MS and c["errors"] == 0
    return [
        (f"both: the crowd at the finder while {DASH_SESSIONS} dashboard sessions search every {DASH_INTERVAL:g} s: "
         "the finder", f"{c['rps']:.0f} answers/s, p50 {c['p50'] / 1000:.1f} ms, p95 {c['p95'] / 1000:.1f} ms, "
         f"{c['errors']} errors", f"p95 < {BOTH_P95_MS} ms: {'met' if ok_f else '**missed**'}"),
        ("both: the dashboard's search p50 / p95, alone → with the crowd",
         f"{a['p50_s']} / {a['p95_s']} s → {w['p50_s']} / {w['p95_s']} s ({rise:+.0%} p95); errors "
         f"{a['errors']} → {w['errors']}" if rise is not None else "—",
         f"p95 rises by at most 50 %: {'met' if rise is not None and rise <= 0.5 else '**missed**'}")]


PARTS = ("phone", "crowd", "both")


def measure(workdir: Path, parts: tuple[str, ...] = PARTS) -> list[tuple[str, str, str]]:
    if shutil.which("wrk") is None:
        return [("finder crowd", "skipped: no wrk (apt-get install -y wrk; make system-deps)", "—")]
    from jinguo.serve.supervisor import Supervisor, free_port

    db = ensure_db(workdir)
    tmp = Path(tempfile.mkdtemp(prefix="jinguo-finder-bench-"))
    tmp.chmod(0o755)      # nginx's workers (nobody, under root) reach the run dir below it
    old = {k: os.environ.get(k) for k in ("JINGUO_DB", "JINGUO_ACCOUNTS_DB", "JINGUO_RUN_LOG")}
    os.environ.update(JINGUO_DB=str(db), JINGUO_ACCOUNTS_DB=str(tmp / "accounts.db"))
    os.environ.pop("JINGUO_RUN_LOG", None)
    sup = Supervisor(2, free_port(), run_dir=tmp / "run", quiet=True, finder_workers=2)
    rows: list[tuple[str, str, str]] = []
    try:
        sup.start(timeout=180)
        paths = _paths(db)
        script = _lua(paths, tmp / "crowd.lua")
        if "phone" in parts and Path("/usr/bin/chromium").exists():      # phones first, on a quieter machine
            rows += _phone_rows(sup.url)
        if "crowd" in parts or "both" in parts:
            warm = _warm_names(sup.url, paths)
            rows.append(("crowd: warming, each of the named places asked twice (a worker's first time for an "
                         "address runs cpca)", f"{warm:.1f} s", "—"))
        if "crowd" in parts:
            rows += _crowd_rows(sup.url, script, sup.run_dir, [c.proc.pid for c in sup.finders])
        if "both" in parts:
            rows += _both_rows(sup.url, script)
    finally:
        sup.stop()
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(tmp, ignore_errors=True)
    rows.append(("machine", f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} after the run", "—"))
    return rows


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(prog="python -m tools.bench_finder", description=__doc__.split("\n\n")[0])
    ap.add_argument("workdir", nargs="?", type=Path, default=ROOT / ".bench")
    ap.add_argument("--parts", default=",".join(PARTS), help="phone,crowd,both (default all)")
    a = ap.parse_args()
    print("| what | result | target |\n|---|---|---|")
    for what, result, target in measure(a.workdir, tuple(a.parts.split(","))):
        print(f"| {what} | {result} | {target} |")
