"""Rollup arithmetic on a tiny hand-made database; every expected number is worked by hand."""

import pytest

from jinguo.store import sql
from jinguo.store.db import query

ALL = ["110000", "370000"]
ORIG = ["reported", "demo", "imported"]


def by(df, **kw):
    for k, v in kw.items():
        df = df[df[k] == v]
    assert len(df) == 1, f"expected one row for {kw}, got {len(df)}"
    return df.iloc[0]


def test_flow_sums_cities_and_years_over_the_period(tiny):
    df = query(tiny, "indicator_by_period", indicators=["flow_a"], provinces=ALL, origins=ORIG,
               year_from=2022, year_to=2023)
    assert by(df, province_code="370000")["value"] == 40   # 10+20+5+5
    assert by(df, province_code="110000")["value"] == 90   # 30+60
    assert by(df, province_code="100000")["value"] == 130


def test_stock_is_taken_at_the_end_of_the_period_not_summed(tiny):
    df = query(tiny, "indicator_by_period", indicators=["stock_b"], provinces=ALL, origins=ORIG,
               year_from=2022, year_to=2023)
    assert by(df, province_code="370000")["value"] == 180  # 120+60 at 2023, not 330
    assert by(df, province_code="100000")["value"] == 225  # 180+45
    df22 = query(tiny, "indicator_by_period", indicators=["stock_b"], provinces=ALL, origins=ORIG,
                 year_from=2022, year_to=2022)
    assert by(df22, province_code="370000")["value"] == 150


def test_ratio_is_recomputed_from_summed_parts_never_averaged(tiny):
    df = query(tiny, "indicator_by_period", indicators=["ratio_c"], provinces=ALL, origins=ORIG,
               year_from=2023, year_to=2023)
    assert by(df, province_code="370000")["value"] == pytest.approx(50.0)   # 10/20, not 40.6
    assert by(df, province_code="110000")["value"] == pytest.approx(25.0)
    assert by(df, province_code="100000")["value"] == pytest.approx(100 * 13 / 32)  # 40.625
    assert pd_isna(by(df, province_code="370000")["share_pct"])  # no share of a ratio


def pd_isna(x):
    return x != x or x is None


def test_yearly_rollup_has_yoy_rank_and_share(tiny):
    df = query(tiny, "indicator_by_year", indicators=["flow_a"], provinces=ALL, origins=ORIG,
               year_from=2023, year_to=2023)
    sd = by(df, province_code="370000", year=2023)
    assert sd["value"] == 25 and sd["prev_value"] == 15       # the year before the range still feeds YoY
    assert sd["yoy_pct"] == pytest.approx(100 * 10 / 15)
    assert sd["rank"] == 2 and sd["share_pct"] == pytest.approx(100 * 25 / 85)
    bj = by(df, province_code="110000", year=2023)
    assert bj["rank"] == 1 and bj["yoy_pct"] == pytest.approx(100.0)
    nat = by(df, province_code="100000", year=2023)
    assert nat["value"] == 85 and nat["yoy_pct"] == pytest.approx(100 * 40 / 45)
    assert set(df["year"]) == {2023}


def test_province_filter_changes_the_national_row(tiny):
    df = query(tiny, "indicator_by_period", indicators=["flow_a"], provinces=["370000"], origins=ORIG,
               year_from=2022, year_to=2023)
    assert set(df["province_code"]) == {"370000", "100000"}
    assert by(df, province_code="100000")["value"] == 40


def test_rollup_scope_hides_other_provinces(tiny):
    scope = sql.Scope(detail=("370000",), rollup=("370000",))
    df = query(tiny, "indicator_by_period", scope, indicators=["flow_a"], provinces=ALL, origins=ORIG,
               year_from=2022, year_to=2023)
    assert "110000" not in set(df["province_code"])
    assert by(df, province_code="100000")["value"] == 40


def test_match_rate_counts_both_people_of_a_pair(tiny):
    df = query(tiny, "matchmaking_by_province_year", provinces=ALL, origins=ORIG, year_from=2022, year_to=2023)
    sd = by(df, province_code="370000", year=2023)
    # 70 pairs = 140 people of 400 participants = 35.0 %
    assert (sd["events"], sd["participants"], sd["pairs"], sd["match_rate"]) == (2, 400, 70, 35.0)


def test_detail_scope_restricts_event_rows(tiny):
    scope = sql.Scope(detail=("370000",))
    df = query(tiny, "matchmaking_events", scope, provinces=ALL, origins=ORIG, year_from=2019, year_to=2024,
               limit=100)
    assert sorted(df["event_id"]) == ["e1", "e2"]


def test_origin_filter_drops_rows_and_labels_mixture(tiny):
    df = query(tiny, "matchmaking_by_kind", by="format", provinces=ALL, origins=["demo"], year_from=2019,
               year_to=2024)
    assert by(df, kind="offline")["events"] == 1           # e3 is reported, filtered out
    df = query(tiny, "matchmaking_by_kind", by="format", provinces=ALL, origins=ORIG, year_from=2019, year_to=2024)
    assert by(df, kind="offline")["origin"] == "demo+reported"
    df = query(tiny, "matchmaking_by_kind", by="session_type", provinces=ALL, origins=ORIG, year_from=2019,
               year_to=2024)
    assert by(df, kind="综合联谊")["participants"] == 350
