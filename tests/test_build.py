"""The built database: reported facts reproduced by the demo rollups, determinism,
labels, and a malformed data file that must not damage the previous database."""

import hashlib
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from jinguo.store import build, sources
from jinguo.store.db import query

ORIG = ["reported", "demo", "imported"]
ROOT = Path(__file__).resolve().parents[1]


def facts_with_indicator(con):
    return con.execute("""
        select f.*, i.agg, i.detail_table, c.subject, r.level
        from reported_fact f join indicator i on i.code = f.indicator_code
        left join reported_fact_context c using (fact_id)
        join region r on r.adcode = f.region_code
        order by fact_id""").df()


def whole_years(row):
    s, e = pd.Timestamp(row.period_start), pd.Timestamp(row.period_end)
    if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31):
        return s.year, e.year
    if s == e and (e.month, e.day) == (12, 31):
        return e.year, e.year
    return None


def test_every_region_fact_is_reproduced_by_the_rollups(built):
    """Each reported figure with a catalogue indicator and a whole-year period (or a
    year-end stock) equals the rollup of the demo rows for its region and period."""
    facts = facts_with_indicator(built)
    checked = 0
    for f in facts.itertuples():
        span = whole_years(f)
        if span is None or not pd.isna(f.subject):
            continue
        y0, y1 = span
        if f.level == "province":
            df = query(built, "indicator_by_period", indicators=[f.indicator_code], provinces=[f.region_code],
                       origins=ORIG, year_from=y0, year_to=y1)
            got = df.loc[df["province_code"] == f.region_code, "value"]
        else:
            prov = f.region_code[:2] + "0000"
            df = query(built, "indicator_by_city", indicators=[f.indicator_code], province=prov,
                       origins=ORIG, year_from=y0, year_to=y1)
            got = df.loc[df["region_code"] == f.region_code, "value"]
        assert len(got) == 1, f"{f.fact_id}: no rollup for {f.region_code} {y0}-{y1}"
        tol = 0.05 if f.agg == "ratio" else 0.0   # a ratio is reported to one decimal
        assert abs(float(got.iloc[0]) - f.value) <= tol + 1e-9, (f.fact_id, float(got.iloc[0]), f.value)
        checked += 1
    assert checked >= 15


def test_hand_checked_reported_figures(built):
    def period(code, prov, y0, y1):
        df = query(built, "indicator_by_period", indicators=[code], provinces=[prov], origins=ORIG,
                   year_from=y0, year_to=y1)
        return float(df.loc[df["province_code"] == prov, "value"].iloc[0])
    # Heilongjiang 2019-2023 from the source: 1052 events, 5585 pairs.
    assert period("mm_events", "230000", 2019, 2023) == 1052
    assert period("mm_pairs", "230000", 2019, 2023) == 5585
    # Shandong mother rooms at the end of 2023: 4923, all digitally managed; 1667 public-place rooms
    # navigable online, so at least 1667 rooms are in public places (the demo puts exactly 1667 there).
    assert period("mr_rooms", "370000", 2023, 2023) == 4923
    assert period("mr_digital_rooms", "370000", 2023, 2023) == 4923
    assert period("mr_public_rooms", "370000", 2023, 2023) == 1667
    assert period("mr_navigable_rooms", "370000", 2023, 2023) == 1667
    # Guangdong: 210 provincial studios and 525 city/industry studios at the end of 2023.
    assert period("in_studios_provincial", "440000", 2023, 2023) == 210
    assert period("in_studios_city_industry", "440000", 2023, 2023) == 525


def test_the_may_2023_online_event_is_the_reported_case(built):
    ev = query(built, "matchmaking_reported_events")
    row = ev[ev["province_code"] == "230000"].iloc[0]
    # 33 matchmakers, 78 units, 588 singles, 86 pairs; 2*86/588 = 29.25 %, reported as 29.3 %
    assert (row.matchmakers, row.units, row.participants, row.pairs) == (33, 78, 588, 86)
    assert row.match_rate == pytest.approx(29.3, abs=0.05) and row.format == "online"
    may = built.execute("""select count(*), sum(participants), sum(pairs) from matchmaking_event
                           where province_code = '230000' and event_date between '2023-05-01' and '2023-05-31'
                           and format = 'online'""").fetchone()
    assert may == (1, 588, 86)


def test_generated_rows_say_demo(built):
    for table in ("matchmaking_event", "mother_room", "innovation_studio", "studio_output", "indicator_value"):
        origins = {r[0] for r in built.execute(f"select distinct origin from {table}").fetchall()}
        assert origins <= {"demo", "reported"}, table
    n_rep = built.execute("select count(*) from matchmaking_event where origin = 'reported'").fetchone()[0]
    n_fact = built.execute("select count(*) from matchmaking_event e join reported_fact f using (fact_id) "
                           "where e.origin = 'reported'").fetchone()[0]
    assert n_rep == n_fact >= 1  # every 'reported' row points at its fact


def test_reported_fact_table_has_exactly_the_agreed_columns(built):
    cols = [r[0] for r in built.execute("describe reported_fact").fetchall()]
    assert cols == ["fact_id", "reporter", "region_code", "indicator_code", "period_start", "period_end",
                    "value", "unit", "qualifier", "quote"]


def test_region_table_comes_complete_from_cpca(built):
    n = dict(built.execute("select level, count(*) from region group by level").fetchall())
    assert n["province"] == 34 and n["city"] > 330 and n["district"] > 2700
    row = built.execute("select name_zh, parent_code, level from region where adcode = '410300'").fetchone()
    assert row == ("洛阳市", "410000", "city")
    assert built.execute("select name_en from region where adcode = '370000'").fetchone()[0] == "Shandong"


def _digest(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    h = hashlib.sha256()
    for (t,) in con.execute("select table_name from information_schema.tables order by 1").fetchall():
        for row in con.execute(f"select * from {t} order by all").fetchall():
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


def test_two_builds_give_identical_tables(built_db, tmp_path):
    second = build.build(tmp_path / "again.duckdb", scale=1.0)
    assert _digest(second) == _digest(built_db)


def test_a_malformed_row_fails_the_build_and_keeps_the_old_database(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb*", "boundaries", "templates"))
    target = tmp_path / "db.duckdb"
    target.write_bytes(b"previous database")
    facts = data / "reported_facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split(",")
    lines[3] = ",".join(fields[:6] + ["约12.3万"] + fields[7:])  # a value as a person might type it
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(sources, "DATA_DIR", data)
    with pytest.raises(sources.BuildError) as err:
        build.build(target)
    assert "reported_facts.csv, row 4" in str(err.value)
    assert target.read_bytes() == b"previous database"
    assert not list(tmp_path.glob("db.duckdb.*"))  # no temp file left behind


def test_named_studios_reproduce_their_leads_reported_outputs(built):
    # 邓艳梅: 476 trainings and 9770 trainees; 王冰: 446 talents (2019-2023, from the source)
    rows = built.execute("""
        select s.lead, sum(o.trainings), sum(o.trainees), sum(o.talents)
        from innovation_studio s join studio_output o using (studio_id)
        where s.lead in ('邓艳梅', '王冰') and o.year between 2019 and 2023
        group by s.lead order by s.lead""").fetchall()
    got = {r[0]: r[1:] for r in rows}
    assert got["邓艳梅"][0:2] == (476, 9770)
    assert got["王冰"][2] == 446
    emp = built.execute("select employer, region_code from innovation_studio where lead = '张春梅'").fetchall()
    assert emp == [("广东电网中山供电局", "442000")]


@pytest.mark.parametrize("file, edit, message", [
    ("drivers/provinces.csv", lambda t: t.replace("540000,西藏自治区,3648100,35.73\n", ""),
     "no row for provinces ['540000']"),
    ("drivers/provinces.csv", lambda t: t.replace("3648100,35.73", "3648100,135.73"),
     "urban_pct_2020 within 0-100"),
    ("indicators.csv", lambda t: t.replace(",0,2022\n", ",0,twenty\n"), "since must be empty or the year"),
    ("reported_facts.csv", lambda t: t.replace(",100000,", ",310000,", 1), "scope must be empty, or network"),
])
def test_a_wrong_driver_catalogue_or_scope_fails_the_build_with_its_file(tmp_path, monkeypatch, file, edit, message):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("*.duckdb*", "boundaries", "templates"))
    path = data / file
    before = path.read_text(encoding="utf-8")
    path.write_text(edit(before), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != before
    monkeypatch.setattr(sources, "DATA_DIR", data)
    with pytest.raises(sources.BuildError) as err:
        build.build(tmp_path / "db.duckdb")
    assert Path(file).name in str(err.value) and message in str(err.value)
    assert not (tmp_path / "db.duckdb").exists()
