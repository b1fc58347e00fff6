"""Office files at size: a 1,000,000-row .xlsx and a full .xls (65,535 data rows) read, validated and loaded.

    PYTHONPATH=. .venv/bin/python -m tools.bench_office [WORKDIR]

The .xlsx is written by xlsxwriter in constant_memory mode; the .xls by LibreOffice converting a
65,535-row .xlsx (soffice --headless --convert-to xls). Both are kept in WORKDIR, so a second run only
measures. Each import runs in its own process (peak memory is that process's ru_maxrss) against a copy
of a scale-1 database built into WORKDIR.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from jinguo.paths import ROOT

HEAD = ["编号", "名称", "所在区县", "地址", "经度", "纬度", "类型", "可上锁", "开放时间", "关闭时间", "启用日期"]


def write_xlsx(path: Path, n: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("小屋台账")
    ws.write_row(0, 0, HEAD)
    for i in range(n):
        ws.write_row(i + 1, 0, [f"R37M{i:07d}", f"小屋{i}", "济南市历下区", f"山东省济南市历下区某路{i}号",
                                117 + (i % 1000) / 10000, 36.66, "public", "是", "08:30", "17:30", "2023-05-01"])
    wb.close()


def ensure_files(work: Path) -> tuple[Path, Path, Path]:
    work.mkdir(parents=True, exist_ok=True)
    db = work / "scale1.duckdb"
    if not db.exists():
        from jinguo.build import build

        build(db, scale=1.0)
    big = work / "rooms_1m.xlsx"
    if not big.exists():
        write_xlsx(big.with_suffix(".tmp.xlsx"), 1_000_000)
        big.with_suffix(".tmp.xlsx").rename(big)
    xls = work / "rooms_65535.xls"
    if not xls.exists():
        src = work / "rooms_65535.xlsx"
        write_xlsx(src, 65_535)
        profile = work / "lo_profile"
        subprocess.run(["soffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                        "--convert-to", "xls", "--outdir", str(work), str(src)], check=True, capture_output=True,
                       timeout=900)
    return db, big, xls


CODE = """
import json, resource, sys, time, duckdb
from jinguo import ingest
from jinguo.ingest.read import read_file
f, db, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
tab = read_file(open(f, 'rb').read())
t_read = time.perf_counter() - t0
del tab
t = time.perf_counter(); rep = ingest.run_import('mother_rooms', f, db=db); total = time.perf_counter() - t
stored = duckdb.connect(db, read_only=True).execute(
    "select count(*) from mother_room where room_id like 'R37M%'").fetchone()[0]
assert stored == n and rep.rejected == 0, (stored, rep.rejected)
print(json.dumps({'rows': stored, 'read_s': t_read, 'import_s': total,
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(f: Path, db: Path, n: int) -> dict:
    copy = db.with_name(f"bench_{f.stem}.duckdb")
    shutil.copyfile(db, copy)
    try:
        out = subprocess.run([sys.executable, "-c", CODE, str(f), str(copy), str(n)], capture_output=True, text=True,
                             check=True, cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT),
                                                  "JINGUO_ACCOUNTS_DB": str(db.with_name("accounts.db"))})
    finally:
        copy.unlink(missing_ok=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(workdir: Path) -> list[tuple[str, str, str]]:
    db, big, xls = ensure_files(Path(workdir))
    rows = []
    r = _run(big, db, 1_000_000)
    rows.append(("1,000,000-row .xlsx (11 columns): read alone", f"{r['read_s']:.1f} s", "—"))
    rows.append(("1,000,000-row .xlsx: read + validate + load (run_import)",
                 f"{r['import_s']:.1f} s, peak {r['peak_rss_mb']:,.0f} MB, {r['rows']:,} rows stored",
                 "< 60 s, < 2,048 MB"))
    r = _run(xls, db, 65_535)
    rows.append(("65,535-row .xls (LibreOffice-made): read alone", f"{r['read_s']:.1f} s", "—"))
    rows.append(("65,535-row .xls: read + validate + load (run_import)",
                 f"{r['import_s']:.1f} s, peak {r['peak_rss_mb']:,.0f} MB, {r['rows']:,} rows stored", "< 10 s"))
    return rows


if __name__ == "__main__":
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".bench" / "office"
    print("| what | result | target |\n|---|---|---|")
    for what, result, target in measure(work):
        print(f"| {what} | {result} | {target} |")
