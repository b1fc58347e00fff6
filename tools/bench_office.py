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
        from jinguo.store.build import build

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


READ = """
import json, resource, sys, time
from jinguo.ingest.read import read_file
t = time.perf_counter(); tab = read_file(open(sys.argv[1], 'rb').read()); s = time.perf_counter() - t
print(json.dumps({'rows': len(tab.frame), 'seconds': s,
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# The steps of service.run_import, timed one by one: read + validate, then load (copy, transaction, rename).
IMPORT = """
import json, resource, sys, time, duckdb
from jinguo import ingest
f, db, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
data = open(f, 'rb').read()
con = duckdb.connect(db, read_only=True)
rep = ingest.validate(data, 'mother_rooms', con, file_name=f)
con.close()
t1 = time.perf_counter()
ingest.apply(rep, db, f, '', None)
t2 = time.perf_counter()
stored = duckdb.connect(db, read_only=True).execute(
    "select count(*) from mother_room where room_id like 'R37M%'").fetchone()[0]
assert stored == n and rep.rejected == 0, (stored, rep.rejected)
print(json.dumps({'rows': stored, 'validate_s': t1 - t0, 'load_s': t2 - t1, 'seconds': t2 - t0,
                  'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _sub(code: str, *args: str, env_db: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                         cwd=str(ROOT), env={**os.environ, "PYTHONPATH": str(ROOT),
                                             "JINGUO_ACCOUNTS_DB": str(env_db.with_name("accounts.db"))})
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run(f: Path, db: Path, n: int) -> tuple[dict, dict]:
    """(read alone, full import), each in a fresh process so each peak is its own."""
    read = _sub(READ, str(f), env_db=db)
    copy = db.with_name(f"bench_{f.stem}.duckdb")
    shutil.copyfile(db, copy)
    try:
        full = _sub(IMPORT, str(f), str(copy), str(n), env_db=db)
    finally:
        copy.unlink(missing_ok=True)
    return read, full


def measure(workdir: Path) -> list[tuple[str, str, str]]:
    db, big, xls = ensure_files(Path(workdir))
    rows = []
    for f, n, label, target in ((big, 1_000_000, "1,000,000-row .xlsx (xlsxwriter, 11 columns)", "< 60 s, < 2,048 MB"),
                                (xls, 65_535, "65,535-row .xls (LibreOffice-made)", "< 10 s")):
        read, full = _run(f, db, n)
        rows.append((f"{label}: read alone", f"{read['seconds']:.1f} s, peak {read['peak_rss_mb']:,.0f} MB", "—"))
        rows.append((f"{label}: read + validate, then load (the steps of run_import)",
                     f"{full['seconds']:.1f} s ({full['validate_s']:.1f} + {full['load_s']:.1f}), peak "
                     f"{full['peak_rss_mb']:,.0f} MB, {full['rows']:,} rows stored", target))
    return rows


if __name__ == "__main__":
    work = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".bench" / "office"
    print("| what | result | target |\n|---|---|---|")
    for what, result, target in measure(work):
        print(f"| {what} | {result} | {target} |")
