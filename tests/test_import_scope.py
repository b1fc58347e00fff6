"""Issue 12, importer side: an import never replaces another province's row by its id (all four datasets,
through the page and the CLI), and the rejects report neutralises the formula cells it repeats back."""

from __future__ import annotations

import csv
import io
import shutil

import duckdb
import pytest

from jinguo import ingest
from jinguo.__main__ import main
from tests.util import SD_OFFICER, no_exception, open_app

HEADS = {
    "mother_rooms": "编号,名称,所在区县,地址,经度,纬度,类型,可上锁,开放时间,关闭时间,启用日期\n",
    "matchmaking_events": "event_id,event_date,region,format,session_type,organiser,matchmakers,units,"
                          "participants,pairs\n",
    "studios": "studio_id,name,lead,employer,region,level,industry,founded_year\n",
    "studio_outputs": "studio_id,year,patents,problems_solved,awards,trainings,trainees,talents\n",
}
# Each row names a Shandong place (Jinan) but carries the id of an existing Guangdong row.
ROWS = {
    "mother_rooms": "{id},占用测试小屋,济南市历下区,山东省济南市历下区泉城路1号,117.023,36.665,public,是,08:30,17:30,"
                    "2023-05-01\n",
    "matchmaking_events": "{id},2023-05-01,济南,offline,读书会,济南市总工会,1,1,10,1\n",
    "studios": "{id},占用测试工作室,张某,济南某公司,济南市,city,制造,2021\n",
    "studio_outputs": "{id},2023,9,9,9,9,9,9\n",
}
TABLE = {"mother_rooms": ("mother_room", "room_id"), "matchmaking_events": ("matchmaking_event", "event_id"),
         "studios": ("innovation_studio", "studio_id"), "studio_outputs": ("innovation_studio", "studio_id")}
REASON = {"mother_rooms": "import.err_id_taken", "matchmaking_events": "import.err_id_taken",
          "studios": "import.err_id_taken", "studio_outputs": "import.err_other_province"}


@pytest.fixture()
def db(built_db, tmp_path, monkeypatch):
    p = tmp_path / "db.duckdb"
    shutil.copyfile(built_db, p)
    monkeypatch.setenv("JINGUO_DB", str(p))
    return p


def q(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def guangdong(db, dataset):
    table, col = TABLE[dataset]
    gid = q(db, f"select min({col}) from {table} where province_code = '440000'")[0][0]
    return gid, q(db, f"select * from {table} where {col} = '{gid}'")


def snapshot(db):
    return [q(db, f"select count(*), sum(hash(t)) from {t} as t")
            for t in ("mother_room", "matchmaking_event", "innovation_studio", "studio_output")]


@pytest.mark.parametrize("dataset", list(HEADS))
def test_the_cli_refuses_another_provinces_id(db, tmp_path, dataset):
    gid, row_before = guangdong(db, dataset)
    before = snapshot(db)
    f = tmp_path / f"{dataset}.csv"
    f.write_text(HEADS[dataset] + ROWS[dataset].format(id=gid), encoding="utf-8")
    code = main(["import", dataset, str(f), "--db", str(db), "--province", "370000", "--user", "sdo",
                 "--lang", "en"])
    assert code == 1
    rejects = list(csv.DictReader(io.StringIO(f.with_name(f.name + ".rejects.csv").read_text("utf-8-sig"))))
    assert {r["reason"] for r in rejects} == {ingest.message(REASON[dataset], "en")}
    assert "440000" not in "".join(r["reason"] for r in rejects) and "Guangdong" not in str(rejects)
    assert guangdong(db, dataset)[1] == row_before and snapshot(db) == before


@pytest.mark.parametrize("dataset", list(HEADS))
def test_the_page_refuses_another_provinces_id(db, dataset):
    gid, row_before = guangdong(db, dataset)
    before = snapshot(db)
    at = open_app("app_pages/import_data.py", user=SD_OFFICER)
    at.selectbox(key="imp_ds").set_value(dataset).run()
    data = (HEADS[dataset] + ROWS[dataset].format(id=gid)).encode()
    at.file_uploader(key="imp_file").set_value((f"{dataset}.csv", data, "text/csv")).run()
    no_exception(at)
    report = at.dataframe[-1].value
    assert report["原因"].tolist() == [ingest.message(REASON[dataset], "zh")]
    assert [w.value for w in at.warning] == ["没有可导入的行。"]
    assert not [b for b in at.button if b.key == "imp_go"]
    assert guangdong(db, dataset)[1] == row_before and snapshot(db) == before


def test_an_officer_still_updates_their_own_provinces_row(db, tmp_path):
    sid = q(db, "select min(room_id) from mother_room where province_code = '370000' and city_code = '370100'")[0][0]
    f = tmp_path / "own.csv"
    f.write_text(HEADS["mother_rooms"] + ROWS["mother_rooms"].format(id=sid), encoding="utf-8")
    rep = ingest.run_import("mother_rooms", f, db=db, user=SD_OFFICER)
    assert (rep.rejected, rep.added + rep.updated) == (0, 1)


def test_the_rejects_report_neutralises_formula_cells(db, tmp_path):
    bad = ("R37F1,=HYPERLINK(1),济南市历下区,某路1号,117.02,36.66,public,是,,,2023-05-01\n"
           "R37F2,@SUM(A1),济南市历下区,某路2号,117.02,36.66,public,是,,,2023-05-01\n"
           "R37F3,小屋,济南市历下区,某路3号,-abc,36.66,public,是,,,2023-05-01\n"
           "R37F4,小屋,济南市历下区,+cmd|' /C calc'!A0,117.02,36.66,public,是,,,2023-05-01\n")
    f = tmp_path / "bad.csv"
    f.write_text(HEADS["mother_rooms"] + bad, encoding="utf-8")
    assert main(["import", "mother_rooms", str(f), "--db", str(db)]) == 1
    for payload in (f.with_name("bad.csv.rejects.csv").read_bytes(),
                    ingest.rejects_csv(ingest.run_import("mother_rooms", f, db=db, dry_run=True))):
        rows = list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))
        values = sorted(r["value"] for r in rows)
        assert values == sorted(["'=HYPERLINK(1)", "'@SUM(A1)", "'-abc", "'+cmd|' /C calc'!A0"])
        cells = [c for r in rows for c in r.values()]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_a_report_checked_before_another_province_took_the_id_is_refused_at_load(db, tmp_path):
    from jinguo.ingest.load import load
    from jinguo.store import registers

    row = ROWS["mother_rooms"].format(id="R99RACE1")
    con = duckdb.connect(str(db), read_only=True)
    stale = ingest.validate((HEADS["mother_rooms"] + row).encode(), "mother_rooms", con, user=SD_OFFICER)
    con.close()
    assert stale.rejected == 0
    # Meanwhile an admin imports a Guangzhou room under that id.
    gz = tmp_path / "gz.csv"
    gz.write_text(HEADS["mother_rooms"] + "R99RACE1,广州小屋,广州市天河区,广东省广州市天河区某路1号,113.33,23.13,"
                  "public,是,,,2023-05-01\n", encoding="utf-8")
    assert ingest.run_import("mother_rooms", gz, db=db).added == 1
    before = snapshot(db)
    with pytest.raises(ingest.ImportError_, match="err_changed_meanwhile"):
        load(stale, db, "sd.csv", "sha", "sdo", province="370000")
    assert snapshot(db) == before and len(registers.read_manifest()) == 1
    assert q(db, "select province_code from mother_room where room_id = 'R99RACE1'") == [("440000",)]
