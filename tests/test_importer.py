"""Import: every reason a row is refused, encodings and Excel shapes, all or nothing, kill safety,
a reader during an import, and what the dashboard sees afterwards."""

import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import openpyxl
import pytest

from jinguo import ingest
from jinguo.auth.access import User

ROOT = Path(__file__).resolve().parents[1]
HEAD = "编号,名称,所在区县,地址,经度,纬度,类型,可上锁,开放时间,关闭时间,启用日期\n"
GOOD = "R37T0001,测试小屋,济南市历下区,山东省济南市历下区泉城路1号,117.023,36.665,public,是,08:30,17:30,2023-05-01\n"


@pytest.fixture()
def db(built_db, tmp_path):
    p = tmp_path / "db.duckdb"
    shutil.copyfile(built_db, p)
    return p


def digest(path):
    con = duckdb.connect(str(path), read_only=True)
    h = hashlib.sha256()
    for t in ("mother_room", "matchmaking_event", "indicator_value", "import_log"):
        for row in con.execute(f"select * from {t} order by all").fetchall():
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


def check(db, text, dataset="mother_rooms", enc="utf-8", **kw):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return ingest.validate(text.encode(enc) if isinstance(text, str) else text, dataset, con, **kw)
    finally:
        con.close()


def reasons(rep):
    return sorted(set(rep.problems["reason"]))


def test_a_good_row_loads_with_origin_imported_and_gcj_coordinates(db, tmp_path):
    f = tmp_path / "rooms.csv"
    f.write_text(HEAD + GOOD, encoding="utf-8")
    rep = ingest.run_import("mother_rooms", f, db=db, crs="wgs84")
    assert (rep.added, rep.rejected) == (1, 0)
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("select origin, city_code, district_code, crs_in, lon, lat from mother_room "
                      "where room_id = 'R37T0001'").fetchone()
    assert row[:4] == ("imported", "370100", "370102", "wgs84")
    assert 0.004 < row[4] - 117.023 < 0.008   # WGS-84 -> GCJ-02 moves Jinan east by ~500 m
    log = con.execute("select dataset, rows_added, sha256 from import_log").fetchall()
    assert log == [("mother_rooms", 1, hashlib.sha256(f.read_bytes()).hexdigest())]


@pytest.mark.parametrize("row, reason", [
    (GOOD.replace("测试小屋", ""), "import.err_required"),
    (GOOD.replace("117.023", "abc"), "import.err_number"),
    (GOOD.replace("2023-05-01", "2023-13-45"), "import.err_date"),
    (GOOD.replace("117.023,36.665", "36.665,117.023"), "import.err_swapped"),
    (GOOD.replace("117.023,36.665", "2.35,48.85"), "import.err_outside"),
    (GOOD.replace("济南市历下区", "不存在区"), "import.err_region_unknown"),
    (GOOD.replace("测试小屋", "=HYPERLINK(1)"), "import.err_formula"),
    (GOOD.replace("public", "spaceship"), "import.err_choice:workplace_room/workplace_corner/workplace_box/"
                                          "public/mobile_bus"),
    (GOOD.replace("08:30,17:30", "08:30,"), "import.err_hours"),
])
def test_each_bad_value_is_reported_with_its_reason(db, row, reason):
    rep = check(db, HEAD + row)
    assert reasons(rep) == [reason] and rep.problems["row"].tolist() == [2]
    assert rep.good.empty


def test_duplicates_negative_counts_and_too_many_matches(db):
    assert "import.err_duplicate" in reasons(check(db, HEAD + GOOD + GOOD))
    ev = "event_id,event_date,region,format,session_type,organiser,matchmakers,units,participants,pairs\n"
    rep = check(db, ev + "E1,2023/5/1,洛阳,offline,读书会,x,-1,3,100,60\n", "matchmaking_events")
    assert reasons(rep) == ["import.err_negative", "import.err_pairs"]  # -1 matchmakers; 120 matched > 100
    rep = check(db, ev + "E1,2023年5月1日,Luoyang,online,读书会,x,1,3,100,50\n", "matchmaking_events")
    assert reasons(rep) == [] and rep.good["region_code"].tolist() == ["410300"]


def test_regions_by_code_full_short_and_english_name(db):
    ev = "event_id,event_date,region,format,session_type,organiser,matchmakers,units,participants,pairs\n"
    rows = "".join(f"E{i},2023-05-01,{r},online,x,x,1,1,10,1\n" for i, r in
                   enumerate(["410300", "洛阳市", "洛阳", "luoyang", "山东"]))
    rep = check(db, ev + rows, "matchmaking_events")
    assert rep.good["region_code"].tolist() == ["410300"] * 4
    assert reasons(rep) == ["import.err_region_too_coarse"]


def test_gbk_bom_and_excel_with_title_rows_blank_rows_and_totals(db):
    assert reasons(check(db, HEAD + GOOD, enc="gbk")) == []
    assert reasons(check(db, "\ufeff" + HEAD + GOOD)) == []
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["济南市妈妈小屋台账（2023 年）"])
    ws.merge_cells("A1:K1")
    ws.append(["填报单位：济南市总工会"])
    ws.append(HEAD.strip().split(","))
    ws.append(GOOD.strip().split(","))
    ws.append([])
    ws.append(["合计", "1"])
    buf = io.BytesIO()
    wb.save(buf)
    rep = check(db, buf.getvalue())
    assert reasons(rep) == [] and len(rep.good) == 1
    assert {n.split(":")[0] for n in rep.notes} == {"import.note_title_rows", "import.note_blank_rows",
                                                    "import.note_totals_row"}


@pytest.mark.parametrize("payload, key", [
    (b"", "import.empty"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "import.not_table"),
    (b"a,b,c\n1,2,3\n", "import.no_header"), ("编号,名称\nR1,x\n".encode(), "import.missing_columns"),
])
def test_whole_file_problems_are_one_message(db, payload, key):
    with pytest.raises(ingest.ImportError_) as e:
        check(db, payload)
    assert e.value.key == key


def test_size_limit(db):
    with pytest.raises(ingest.ImportError_, match="too_big"):
        check(db, HEAD + GOOD * 100, max_bytes=1000)


def test_one_bad_row_loads_nothing_unless_skipping(db, tmp_path):
    f = tmp_path / "rooms.csv"
    f.write_text(HEAD + GOOD + GOOD.replace("R37T0001", "R37T0002").replace("117.023", "x"), encoding="utf-8")
    before = digest(db)
    rep = ingest.run_import("mother_rooms", f, db=db)
    assert rep.rejected == 1 and digest(db) == before
    rep = ingest.run_import("mother_rooms", f, db=db, skip_bad_rows=True)
    assert (rep.added, rep.rejected) == (1, 1) and digest(db) != before


def test_reimporting_the_same_file_changes_nothing(db, tmp_path):
    f = tmp_path / "rooms.csv"
    f.write_text(HEAD + GOOD, encoding="utf-8")
    ingest.run_import("mother_rooms", f, db=db)
    rep = ingest.run_import("mother_rooms", f, db=db)
    assert (rep.added, rep.updated, rep.unchanged) == (0, 0, 1)


def test_imported_rooms_replace_the_demo_rooms_of_their_city_and_the_rollup_follows(db, tmp_path):
    con = duckdb.connect(str(db), read_only=True)
    demo_jinan = con.execute("select count(*) from mother_room where city_code = '370100' and kind <> 'mobile_bus'"
                             ).fetchone()[0]
    sd = con.execute("select sum(value) from indicator_value where indicator_code = 'mr_rooms' "
                     "and province_code = '370000' and year = 2024").fetchone()[0]
    con.close()
    f = tmp_path / "rooms.csv"
    f.write_text(HEAD + GOOD, encoding="utf-8")
    ingest.run_import("mother_rooms", f, db=db)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*), min(origin) from mother_room where city_code = '370100'").fetchone() == \
        (1, "imported")
    sd_after = con.execute("select sum(value) from indicator_value where indicator_code = 'mr_rooms' "
                           "and province_code = '370000' and year = 2024").fetchone()[0]
    # Jinan's demo rooms are gone and one imported room stands in their place.
    assert sd_after == sd - demo_jinan + 1


def test_a_data_officer_cannot_import_another_province(db):
    rep = check(db, HEAD + GOOD, user=User("gd", "data_officer", "440000"))
    assert reasons(rep) == ["import.err_other_province"]
    assert reasons(check(db, HEAD + GOOD, user=User("sd", "data_officer", "370000"))) == []


def big_file(path, n):
    rows = [f"R37B{i:07d},小屋{i},济南市历下区,地址{i},{117 + (i % 1000) / 10000:.4f},36.66,public,是,,,2023-05-01"
            for i in range(n)]
    path.write_text(HEAD + "\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_killing_an_import_midway_leaves_the_database_as_it_was(db, tmp_path):
    f = tmp_path / "big.csv"
    big_file(f, 300_000)
    before = digest(db)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.Popen([sys.executable, "-m", "jinguo", "import", "mother_rooms", str(f), "--db", str(db)],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not list(db.parent.glob("db.duckdb.importing.*")):
        time.sleep(0.05)   # wait until it is writing its copy
    time.sleep(0.3)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert digest(db) == before
    # The next import cleans up nothing it must not and works.
    small = tmp_path / "small.csv"
    small.write_text(HEAD + GOOD, encoding="utf-8")
    assert ingest.run_import("mother_rooms", small, db=db).added == 1


@pytest.mark.slow
def test_a_reader_keeps_reading_during_an_import_and_never_sees_half(db, tmp_path):
    f = tmp_path / "big.csv"
    big_file(f, 100_000)
    reader = tmp_path / "reader.py"
    reader.write_text(f"""
import duckdb, os, time, sys
path, seen, errors = {str(db)!r}, set(), 0
end = time.time() + 40
while time.time() < end:
    try:
        con = duckdb.connect(path, read_only=True)
        n = con.execute("select count(*) from mother_room where room_id like 'R37B%'").fetchone()[0]
        con.close()
        seen.add(n)
    except Exception as e:
        errors += 1
        print(repr(e), file=sys.stderr)
    if 100000 in seen:
        break
    time.sleep(0.02)
print(sorted(seen), errors)
""")
    r = subprocess.Popen([sys.executable, str(reader)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    rep = ingest.run_import("mother_rooms", f, db=db)
    out, err = r.communicate(timeout=120)
    seen, errors = out.strip().rsplit(" ", 1)
    assert rep.added == 100_000
    assert seen == "[0, 100000]" and errors == "0", (out, err)   # before or after, never in between


@pytest.mark.slow
def test_more_rows_than_a_duckdb_row_group_are_stored_not_just_counted(db, tmp_path):
    """DuckDB 2.0 row groups hold 122,880 rows; an import larger than one must land whole."""
    f = tmp_path / "big.csv"
    big_file(f, 130_000)
    rep = ingest.run_import("mother_rooms", f, db=db)
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("select count(*) from mother_room where room_id like 'R37B%'").fetchone()[0]
    con.close()
    assert rep.added == stored == 130_000
