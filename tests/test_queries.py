"""Every named query (enumerated from jinguo.store.sql's loader) run on the hand-made database of
conftest.make_tiny, with answers worked out by hand from its rows."""

from __future__ import annotations

import pandas as pd
import pytest

from jinguo.store import sql
from jinguo.store.db import query

BOTH = ["110000", "370000"]
ORIG = ["reported", "demo", "imported"]
YEARS = dict(year_from=2022, year_to=2023)
SEL = dict(provinces=BOTH, origins=ORIG, **YEARS)
SD_VIEWER = sql.Scope(detail=("370000",), rollup=None)   # a Shandong viewer: compares every province
ROOMS = dict(kinds=["workplace_room", "workplace_corner", "workplace_box", "public", "mobile_bus"],
             need_lock=False, need_sink=False, need_fridge=False, need_outlet=False, need_seating=False,
             need_changing=False, digital_only=False, navigable_only=False, open_now=False, weekday="1",
             now_time="12:00")


def rows(df: pd.DataFrame, *cols) -> list[tuple]:
    return [tuple(None if pd.isna(x) else x for x in r) for r in df[list(cols)].itertuples(index=False)]


def by(df: pd.DataFrame, key: str, col: str) -> dict:
    return dict(zip(df[key], df[col]))


def c_indicator_by_year(con):
    df = query(con, "indicator_by_year", indicators=["flow_a"], **SEL)
    y23 = df[df["year"] == 2023].set_index("province_code")
    # flow_a 2023: Shandong 20 + 5 = 25 (2022: 15, so +66.7 %), Beijing 60, nation 85
    assert y23.loc["370000", "value"] == 25 and y23.loc["110000", "value"] == 60 and y23.loc["100000", "value"] == 85
    assert y23.loc["370000", "yoy_pct"] == pytest.approx(100 * 10 / 15)
    assert (y23.loc["110000", "rank"], y23.loc["370000", "rank"]) == (1, 2)
    assert y23.loc["370000", "share_pct"] == pytest.approx(100 * 25 / 85)


def c_indicator_by_period(con):
    df = query(con, "indicator_by_period", indicators=["flow_a", "stock_b", "ratio_c"], **SEL)
    v = {(r.indicator_code, r.province_code): r.value for r in df.itertuples()}
    assert (v["flow_a", "370000"], v["flow_a", "110000"], v["flow_a", "100000"]) == (40, 90, 130)
    assert (v["stock_b", "370000"], v["stock_b", "110000"], v["stock_b", "100000"]) == (180, 45, 225)
    # ratio from summed parts: Shandong 10/20, Beijing 3/12, nation 13/32
    assert v["ratio_c", "370000"] == 50 and v["ratio_c", "110000"] == 25
    assert v["ratio_c", "100000"] == pytest.approx(100 * 13 / 32)


def c_indicator_by_city(con):
    df = query(con, "indicator_by_city", indicators=["stock_b"], province="370000", origins=ORIG, **YEARS)
    assert rows(df, "region_code", "value") == [("370100", 120), ("370200", 60)]


def c_indicator_catalogue(con):
    df = query(con, "indicator_catalogue")
    assert sorted(df["code"]) == ["den", "flow_a", "num", "ratio_c", "stock_b"]
    assert by(df, "code", "agg")["ratio_c"] == "ratio"


def c_origins_present(con):
    # make_tiny's indicator rows are all demo (its reported and imported rows are detail rows only)
    assert rows(query(con, "origins_present"), "origin") == [("demo",)]


def c_years_available(con):
    assert rows(query(con, "years_available"), "year_min", "year_max") == [(2022, 2023)]


def c_matchmaking_by_province_year(con):
    df = query(con, "matchmaking_by_province_year", **SEL)
    assert rows(df, "province_code", "year", "events", "participants", "pairs", "match_rate", "matchmakers",
                "origin") == [("110000", 2022, 1, 50, 5, 20.0, 3, "reported"),
                              ("370000", 2023, 2, 400, 70, 35.0, 6, "demo")]


def c_matchmaking_total(con):
    # 3 events: 50 + 400 people, 5 + 70 pairs -> 2 x 75 / 450 = 33.3 %; a Shandong viewer choosing only
    # Beijing (one event, another province) gets it withheld
    df = query(con, "matchmaking_total", **SEL)
    assert rows(df, "events", "participants", "pairs", "match_rate", "withheld") == [(3, 450, 75, 33.3, False)]
    bj = query(con, "matchmaking_total", SD_VIEWER, **{**SEL, "provinces": ["110000"]})
    assert rows(bj, "events", "participants", "pairs", "match_rate", "withheld") == [(1, None, None, None, True)]


def c_matchmaking_by_province(con):
    df = query(con, "matchmaking_by_province", **SEL)
    # most participants first; rate = 2 x 70 / 400 = 35 %, 2 x 5 / 50 = 20 %
    assert rows(df, "province_code", "events", "participants", "pairs", "match_rate", "origin") == [
        ("370000", 2, 400, 70, 35.0, "demo"), ("110000", 1, 50, 5, 20.0, "reported")]


def c_matchmaking_by_year(con):
    df = query(con, "matchmaking_by_year", **SEL)
    assert rows(df, "year", "events", "participants", "pairs", "match_rate") == [
        (2022, 1, 50, 5, 20.0), (2023, 2, 400, 70, 35.0)]


def c_matchmaking_by_city(con):
    df = query(con, "matchmaking_by_city", province="370000", origins=ORIG, **YEARS)
    assert rows(df, "city_code", "participants", "pairs", "match_rate") == [
        ("370200", 300, 60, 40.0), ("370100", 100, 10, 20.0)]


def c_matchmaking_by_kind(con):
    fm = query(con, "matchmaking_by_kind", by="format", **SEL)
    # offline: 300 + 50 people, 60 + 5 pairs -> 2 x 65 / 350 = 37.1 %
    assert rows(fm, "kind", "events", "participants", "pairs", "match_rate", "origin") == [
        ("offline", 2, 350, 65, 37.1, "demo+reported"), ("online", 1, 100, 10, 20.0, "demo")]
    ss = query(con, "matchmaking_by_kind", by="session_type", **SEL)
    assert by(ss, "kind", "events") == {"综合联谊": 2, "读书会": 1}


def c_matchmaking_events(con):
    df = query(con, "matchmaking_events", limit=10, **SEL)
    assert list(df["event_id"]) == ["e2", "e1", "e3"]          # newest first
    sd = query(con, "matchmaking_events", sql.Scope(detail=("370000",)), limit=10, **SEL)
    assert list(sd["event_id"]) == ["e2", "e1"]                  # detail rows only inside the scope


def c_matchmaking_reported_events(con):
    df = query(con, "matchmaking_reported_events")
    assert rows(df, "event_id", "fact_id", "match_rate") == [("e3", "f1", 20.0)]


def c_provinces(con):
    assert list(query(con, "provinces")["adcode"]) == BOTH


def c_region_names(con):
    df = query(con, "region_names")
    assert len(df) == 7 and by(df, "adcode", "name_short")["370102"] == "历下"


def c_reported_facts(con):
    assert list(query(con, "reported_facts", q="")["fact_id"]) == ["f1", "f_s2", "sd_b"]
    assert list(query(con, "reported_facts", q="乙工作室")["fact_id"]) == ["f_s2"]
    assert list(query(con, "reported_facts", q="山东")["fact_id"]) == ["f_s2", "sd_b"]   # by region name


def c_reported_facts_for(con):
    assert rows(query(con, "reported_facts_for", indicator="stock_b"), "fact_id", "value") == [("sd_b", 180)]
    assert query(con, "reported_facts_for", indicator="flow_a").empty


def c_rooms_search(con):
    df = query(con, "rooms_search", q="", provinces=BOTH, origins=ORIG, limit=10, **ROOMS)
    assert list(df["room_id"]) == ["r4", "r1", "r2", "r3"]       # by province, city, id
    pub = query(con, "rooms_search", sql.Scope(public_only=True), q="", provinces=BOTH, origins=ORIG, limit=10,
                **ROOMS)
    assert list(pub["room_id"]) == ["r4", "r1", "r3"] and pub["contact"].isna().all()
    assert list(query(con, "rooms_search", q="历下", provinces=BOTH, origins=ORIG, limit=10, **ROOMS)["room_id"]) \
        == ["r1", "r2"]


def c_rooms_pool(con):
    # every room in room_id order; the public pool has no internal room (r2) and no contact
    assert rows(query(con, "rooms_pool"), "room_id", "contact") == [("r1", None), ("r2", "张三 0531-1"), ("r3", None),
                                                                   ("r4", None)]
    pub = query(con, "rooms_pool", sql.Scope(public_only=True))
    assert list(pub["room_id"]) == ["r1", "r3", "r4"] and pub["contact"].isna().all()
    assert list(query(con, "rooms_pool", SD_VIEWER)["room_id"]) == ["r1", "r2", "r3"]


def c_rooms_passing(con):
    # one flag per pool room (r1..r4). Saturday 10:00, open now: r2 opens on weekdays only
    assert list(query(con, "rooms_passing", origins=ORIG, **ROOMS)["passes"]) == [True, True, True, True]
    sat = {**ROOMS, "open_now": True, "weekday": "6", "now_time": "10:00"}
    assert list(query(con, "rooms_passing", origins=ORIG, **sat)["passes"]) == [True, False, True, True]
    # a sink (r1, r4), public rooms only (r1, r4), imported only (r4); the public pool has three rooms
    assert list(query(con, "rooms_passing", origins=ORIG, **{**ROOMS, "need_sink": True})["passes"]) == \
        [True, False, False, True]
    assert list(query(con, "rooms_passing", origins=["imported"], **ROOMS)["passes"]) == [False, False, False, True]
    assert list(query(con, "rooms_passing", sql.Scope(public_only=True), origins=ORIG,
                      **{**ROOMS, "kinds": ["public"]})["passes"]) == [True, False, True]


def c_rooms_one(con):
    # r2 is internal with a contact: a signed-in reader sees it and its contact, the public sees neither
    df = query(con, "rooms_one", room_id="r2")
    assert rows(df, "room_id", "contact", "internal") == [("r2", "张三 0531-1", True)]
    assert query(con, "rooms_one", sql.Scope(public_only=True), room_id="r2").empty
    pub = query(con, "rooms_one", sql.Scope(public_only=True), room_id="r1")
    assert rows(pub, "room_id", "contact") == [("r1", None)]
    assert query(con, "rooms_one", room_id="nope").empty


def c_rooms_mobile_near(con):
    # r3 serves 市南区 370202 of 青岛 370200; nothing serves 历下区 of 济南
    df = query(con, "rooms_mobile_near", district="370202", city="370200", n=10, origins=ORIG)
    assert rows(df, "room_id", "kind", "service_area") == [("r3", "mobile_bus", "370202")]
    assert query(con, "rooms_mobile_near", district="370102", city="370100", n=10, origins=ORIG).empty
    assert query(con, "rooms_mobile_near", district="370202", city="370200", n=10, origins=["demo"]).empty


def c_rooms_mobile_all(con):
    # the tiny database's districts: 历下区 (济南) has no bus; 市南区 (青岛) has r3, which lists it
    df = query(con, "rooms_mobile_all", n=10, origins=ORIG)
    assert rows(df, "district", "room_id", "service_area") == [("370202", "r3", "370202")]
    assert query(con, "rooms_mobile_all", n=10, origins=["demo"]).empty


def c_rooms_grid(con):
    df = query(con, "rooms_grid", cell=1.0, provinces=BOTH, origins=ORIG, kinds=ROOMS["kinds"])
    assert rows(df, "lon", "lat", "rooms") == [(117.5, 36.5, 2), (116.5, 39.5, 1), (120.5, 36.5, 1)] or \
        rows(df, "lon", "lat", "rooms") == [(117.5, 36.5, 2), (120.5, 36.5, 1), (116.5, 39.5, 1)]


def c_rooms_count(con):
    assert query(con, "rooms_count", provinces=BOTH, origins=ORIG, kinds=ROOMS["kinds"])["rooms"].iloc[0] == 4
    assert query(con, "rooms_count", provinces=BOTH, origins=ORIG, kinds=["public"])["rooms"].iloc[0] == 2


def c_rooms_by_province(con):
    df = query(con, "rooms_by_province", provinces=BOTH, origins=ORIG)
    assert rows(df, "province_code", "rooms", "public", "digital", "navigable", "origin") == [
        ("370000", 3, 1, 2, 1, "demo+reported"), ("110000", 1, 1, 1, 1, "imported")]
    pub = query(con, "rooms_by_province", sql.Scope(public_only=True), provinces=BOTH, origins=ORIG)
    assert by(pub, "province_code", "rooms")["370000"] == 2      # the internal room is not public


def c_rooms_by_kind(con):
    df = query(con, "rooms_by_kind", provinces=BOTH, origins=ORIG)
    assert rows(df, "kind", "rooms", "origin") == [("public", 2, "demo+imported"), ("mobile_bus", 1, "reported"),
                                                   ("workplace_room", 1, "demo")]


def c_rooms_coverage_districts(con):
    df = query(con, "rooms_coverage_districts", province="370000", origins=ORIG)
    # 市南区 has only the bus (not counted): no room, no nearest; 历下区 has r1 and r2 at its centre
    assert rows(df, "district_code", "rooms", "nearest_m") == [("370202", 0, None), ("370102", 2, 0.0)]


def c_rooms_extract(con):
    assert list(query(con, "rooms_extract", provinces=BOTH, origins=ORIG, limit=10)["room_id"]) == [
        "r1", "r2", "r3", "r4"]
    pub = query(con, "rooms_extract", sql.Scope(public_only=True), provinces=BOTH, origins=ORIG, limit=10)
    assert list(pub["room_id"]) == ["r1", "r3", "r4"] and pub["contact"].isna().all()


def c_studios_by_province_level(con):
    df = query(con, "studios_by_province_level", provinces=BOTH, origins=ORIG, year_to=2023)
    assert rows(df, "province_code", "level", "studios") == [("110000", "city", 1), ("370000", "national", 1),
                                                             ("370000", "provincial", 1)]


def c_studios_by_level(con):
    assert rows(query(con, "studios_by_level", provinces=BOTH, origins=ORIG, year_to=2023), "level", "studios") == [
        ("city", 1), ("national", 1), ("provincial", 1)]
    # s2 was founded in 2023
    assert rows(query(con, "studios_by_level", provinces=BOTH, origins=ORIG, year_to=2022), "level", "studios") == [
        ("city", 1), ("provincial", 1)]


def c_studios_by_province(con):
    df = query(con, "studios_by_province", provinces=BOTH, origins=ORIG, year_to=2023)
    assert rows(df, "province_code", "studios", "origin") == [("370000", 2, "demo+reported"), ("110000", 1, "demo")]


def c_studios_by_industry(con):
    df = query(con, "studios_by_industry", provinces=BOTH, origins=ORIG, year_to=2023)
    assert rows(df, "industry", "studios") == [("制造", 2), ("电力", 1)]


def c_studio_outputs_by_year(con):
    df = query(con, "studio_outputs_by_year", **SEL).set_index("year")
    # 2022: s1 40 + s3 20 trainees over 2 studios; 2023: s1 60 + s2 100, awards 1 + 2, problems 1 + 0
    assert (df.loc[2022, "studios"], df.loc[2022, "trainees"], df.loc[2022, "trainees_per_studio"]) == (2, 60, 30.0)
    assert (df.loc[2023, "patents"], df.loc[2023, "trainees"], df.loc[2023, "trainees_per_studio"]) == (8, 160, 80.0)
    assert (df.loc[2023, "awards_per_studio"], df.loc[2023, "problems_solved_per_studio"]) == (1.5, 0.5)


def c_studio_list(con):
    df = query(con, "studio_list", limit=10, **SEL)
    # the named studio first, then by trainees over 2022-2023: s1 40 + 60, s3 20
    assert rows(df, "studio_id", "trainees", "patents") == [("s2", 100, 5), ("s1", 100, 4), ("s3", 20, 0)]


CASES = {name[2:]: fn for name, fn in globals().items() if name.startswith("c_") and callable(fn)}


def test_every_named_query_has_a_hand_worked_case():
    """A new query without a case here fails; so does a case for a query that is gone."""
    assert set(CASES) == set(sql.load_queries())


@pytest.mark.parametrize("name", sorted(sql.load_queries()))
def test_named_query_gives_the_hand_worked_answer(tiny, name):
    CASES[name](tiny)


def test_small_cells_of_other_provinces_are_withheld_from_a_province_viewer(tiny):
    """make_tiny: Beijing has one event in 2022 (50 people, 5 pairs); Shandong two in 2023 (400, 70).
    A Shandong viewer sees Shandong's cells, but Beijing's one-event cell only as withheld; national
    staff see both."""
    df = query(tiny, "matchmaking_by_province", SD_VIEWER, **SEL)
    assert rows(df, "province_code", "events", "participants", "pairs", "match_rate", "withheld") == [
        ("370000", 2, 400, 70, 35.0, False), ("110000", 1, None, None, None, True)]
    py = query(tiny, "matchmaking_by_province_year", SD_VIEWER, **SEL)
    assert rows(py, "province_code", "matchmakers", "units", "withheld")[0][1:] == (None, None, True)
    national = query(tiny, "matchmaking_by_province", **SEL)
    assert rows(national, "province_code", "participants", "withheld") == [("370000", 400, False), ("110000", 50, False)]
    # by format: 'offline' mixes Beijing's event with one of Shandong's (2 events < 3, one outside): withheld;
    # 'online' is one Shandong event, the reader's own: shown
    fm = query(tiny, "matchmaking_by_kind", SD_VIEWER, by="format", **SEL)
    assert rows(fm, "kind", "events", "participants", "withheld") == [("offline", 2, None, True), ("online", 1, 100, False)]
    # Beijing's cities, asked by the Shandong viewer: every one withheld
    bj = query(tiny, "matchmaking_by_city", SD_VIEWER, province="110000", origins=ORIG, **YEARS)
    assert len(bj) >= 1 and bj["withheld"].all() and bj["participants"].isna().all()
