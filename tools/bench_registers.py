"""Bench: a rebuild that replays 1,000,000 imported rows (issue 11).

    PYTHONPATH=. .venv/bin/python -m tools.bench_registers [WORKDIR]

Each step runs in its own subprocess (peak memory by resource.getrusage there): a scale-1 build with no
registers, an import of 1,000,000 mother rooms (kept as a register batch), then the same build again,
which replays the batch. The replay's cost is the difference of the two builds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = 1_000_000

STEP = """
import json, resource, sys, time
from pathlib import Path
t = time.perf_counter()
if sys.argv[1] == "build":
    from jinguo.store.build import build
    build(Path(sys.argv[2]), scale=1)
    extra = {}
else:
    from jinguo import ingest
    rep = ingest.run_import("mother_rooms", Path(sys.argv[3]), db=Path(sys.argv[2]))
    extra = {"added": rep.added}
s = time.perf_counter() - t
import duckdb
con = duckdb.connect(sys.argv[2], read_only=True)
n = con.execute("select count(*) from mother_room where origin = 'imported'").fetchone()[0]
con.close()
print(json.dumps({"seconds": s, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "imported_rows": n, **extra}))
"""


def _step(env: dict, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", STEP, *args], env=env, capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(workdir: Path) -> list[tuple[str, str, str]]:
    workdir.mkdir(parents=True, exist_ok=True)
    db, reg = workdir / "jinguo.duckdb", workdir / "registers"
    shutil.rmtree(reg, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JINGUO_DATA_DIR": str(reg),
           "JINGUO_ACCOUNTS_DB": str(workdir / "accounts.db")}
    env.pop("JINGUO_DEMO", None)
    base = _step(env, "build", str(db))
    f = workdir / "rooms_1m.csv"
    with f.open("w", encoding="utf-8") as fh:
        fh.write("编号,名称,所在区县,地址,经度,纬度,类型,可上锁,开放时间,关闭时间,启用日期\n")
        for i in range(ROWS):
            fh.write(f"R37M{i:07d},小屋{i},济南市历下区,山东省济南市历下区某路{i}号,{117 + (i % 1000) / 10000:.4f},"
                     f"36.66,public,是,08:30,17:30,2023-05-01\n")
    imp = _step(env, "import", str(db), str(f))
    f.unlink()
    again = _step(env, "build", str(db))
    assert again["imported_rows"] == ROWS, again
    batch_mb = sum(p.stat().st_size for p in (reg / "batches").iterdir()) / 1e6
    return [
        ("build, scale 1, no registers", f"{base['seconds']:.1f} s, peak {base['peak_mb']:,.0f} MB", "-"),
        (f"import {ROWS:,} mother rooms (validate, load, keep the batch)",
         f"{imp['seconds']:.1f} s, peak {imp['peak_mb']:,.0f} MB, batch file {batch_mb:.0f} MB", "< 30 s"),
        (f"build, scale 1, replaying {again['imported_rows']:,} imported rows",
         f"{again['seconds']:.1f} s, peak {again['peak_mb']:,.0f} MB", "peak < 2 GB"),
        ("replay adds", f"{again['seconds'] - base['seconds']:.1f} s", "< 30 s"),
    ]


if __name__ == "__main__":
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="jinguo-bench-registers-"))
    rows = measure(work)
    print("| what | result | target |\n|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
