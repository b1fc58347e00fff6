"""How long one province's briefing takes, and how much memory, at scale 10.

    PYTHONPATH=. .venv/bin/python -m tools.bench_brief [WORKDIR]

Runs ``python -m jinguo brief`` as a subprocess for each page (Shandong, 2019-2023, Chinese), PPTX
then PDF, and records the wall time and the peak memory: of the Python process (its max RSS) and of
the whole process tree with the Chromium that renders the charts (PSS summed over the tree, sampled
every 50 ms). The scale-10 database is built into WORKDIR (default .bench/) once and reused.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("overview", "matchmaking", "studios", "mother_rooms", "explorer")
TARGET_S, TARGET_MB = 10.0, 1024


def ensure_db(workdir: Path, scale: float = 10) -> Path:
    path = workdir / f"scale{scale:g}.duckdb"
    if not path.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "jinguo", "build", "--scale", f"{scale:g}", "--db", str(path)],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True, capture_output=True)
    return path


def _tree_pss_kb(root: int) -> int:
    """Memory of ``root`` and its descendants (from /proc): PSS, so pages Chromium's processes share
    are counted once, not once per process as a sum of RSS would."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                parent[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier += kids
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _hwm_kb(pid: int) -> int:
    try:
        return next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return 0


def run_one(db: Path, page: str, out: Path) -> tuple[float, float, float]:
    """(seconds, Python peak MB, process-tree peak MB) of one CLI briefing."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "jinguo", "brief", "--db", str(db), "--province", "370000",
                             "--years", "2019-2023", "--page", page, "--out", str(out)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peak = own = 0
    while proc.poll() is None:
        peak = max(peak, _tree_pss_kb(proc.pid))
        own = max(own, _hwm_kb(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.read().decode())
    return seconds, own / 1024, peak / 1024


def stages(db: Path, page: str = "overview") -> dict[str, float]:
    """Where one briefing's time goes, in this process: Chromium starting (timed alone), the view and
    the summary (queries and figures), rendering the charts, writing the PPTX and the PDF."""
    from jinguo.brief import compose, render
    from jinguo.store import db
    from jinguo.views import model, pages
    from jinguo.views.state import Filters

    out = {}
    t = time.perf_counter()
    browser = render.Browser()
    browser.opened.result(timeout=300)
    out["Chromium start"] = time.perf_counter() - t
    con = db.connect(db)
    try:
        q = model.runner(con)
        f = Filters(("370000",), 2019, 2023, all_provinces=False)
        t = time.perf_counter()
        v = pages.view(page, q, f, "zh")
        out["view (queries and figures)"] = time.perf_counter() - t
        pictures = []
        t = time.perf_counter()
        slides = compose.compose(q, v, pictures=lambda figs: pictures.extend(figs) or [b""] * len(figs))
        out["summary and slides"] = time.perf_counter() - t
        t = time.perf_counter()
        pngs = browser.pngs(pictures)
        out[f"render {len(pngs)} charts"] = time.perf_counter() - t
        for s, png in zip([s for s in slides if s.kind == "chart"], pngs):
            s.image = png
        from jinguo.brief import pdf, pptx

        for name, mod in (("PPTX", pptx), ("PDF", pdf)):
            t = time.perf_counter()
            mod.write(slides, "zh")
            out[f"write {name}"] = time.perf_counter() - t
    finally:
        con.close()
        browser.close()
    return out


def measure(workdir: Path) -> list[tuple[str, str, str]]:
    db = ensure_db(workdir)
    rows = [(f"overview briefing, stage: {k}", f"{v:.2f} s", "") for k, v in stages(db).items()]
    for page in PAGES:
        for kind in ("pptx", "pdf"):
            s, py_mb, tree_mb = run_one(db, page, workdir / f"brief_{page}.{kind}")
            ok = "met" if s < TARGET_S and tree_mb < TARGET_MB else "**missed**"
            rows.append((f"{page} · Shandong 2019–2023 · {kind.upper()}",
                         f"{s:.1f} s; peak {tree_mb:.0f} MB with Chromium ({py_mb:.0f} MB Python)",
                         f"< {TARGET_S:g} s, < 1 GB: {ok}"))
    return rows


if __name__ == "__main__":
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".bench"
    print("| what | result | target |\n|---|---|---|")
    for what, result, target in measure(work):
        print(f"| {what} | {result} | {target} |")
