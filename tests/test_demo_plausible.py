"""The demo data is plausible: sized like the provinces' population (2020 census, the committed
drivers CSV), consistent inside each event and studio, and continuous from year to year.

Every expectation comes from data/drivers/provinces.csv, the catalogue and hand-checkable rules,
never from the generator's own code or constants."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from jinguo.store.db import query

ROOT = Path(__file__).resolve().parents[1]
ORIG = ["reported", "demo", "imported"]
MAX_YOY = 0.25


def drivers() -> pd.DataFrame:
    lines = [ln for ln in (ROOT / "data/drivers/provinces.csv").read_text(encoding="utf-8").splitlines()
             if not ln.startswith("#")]
    rows = list(csv.DictReader(lines))
    return pd.DataFrame({"population": [int(r["population_2020"]) for r in rows]},
                        index=[r["adcode"] for r in rows])


def catalogue() -> pd.DataFrame:
    with (ROOT / "data/indicators.csv").open(encoding="utf-8") as fh:
        return pd.DataFrame(list(csv.DictReader(fh))).set_index("code")


HEADLINE = sorted(catalogue().query("headline == '1' and agg != 'ratio'").index)


def test_the_drivers_are_the_31_provinces_of_the_2020_census():
    d = drivers()
    assert len(d) == 31
    # 第七次全国人口普查: 1,411,778,724 in all, of whom 2,000,000 active servicemen belong to no province.
    assert d["population"].sum() == 1_411_778_724 - 2_000_000
    assert d.loc["440000", "population"] == 126_012_510 and d.loc["540000", "population"] == 3_648_100


@pytest.fixture(scope="module")
def totals(built_db) -> pd.DataFrame:
    """Headline totals by province over 2019-2024 (flows summed, stocks at the end of 2024)."""
    import duckdb

    con = duckdb.connect(str(built_db), read_only=True)
    df = query(con, "indicator_by_period", indicators=HEADLINE, provinces=list(drivers().index), origins=ORIG,
               year_from=2019, year_to=2024)
    covered = {r[0][:2] + "0000" for r in con.execute("select region_code from reported_fact").fetchall()}
    con.close()
    df = df[df["province_code"] != "100000"].pivot(index="province_code", columns="indicator_code", values="value")
    return df.assign(covered=df.index.isin(covered))


def spearman(a: pd.Series, b: pd.Series) -> float:
    return float(a.rank().corr(b.rank()))


def test_spearman_helper_by_hand():
    # ranks (1,2,3,4) against (1,3,2,4): d^2 = 0+1+1+0 = 2, rho = 1 - 6*2/(4*15) = 0.8
    assert spearman(pd.Series([10, 20, 30, 40]), pd.Series([1, 3, 2, 4])) == pytest.approx(0.8)


@pytest.mark.parametrize("code", HEADLINE)
def test_uncovered_provinces_rank_like_their_population(totals, code):
    """Provinces the source does not cover: each headline total ranks like population (Spearman >= 0.85)."""
    t = totals[~totals["covered"]]
    assert len(t) >= 25
    rho = spearman(t[code], drivers().loc[t.index, "population"])
    assert rho >= 0.85, (code, rho)


@pytest.mark.parametrize("code", HEADLINE)
def test_no_province_has_more_than_three_times_the_median_per_head(totals, code):
    per_head = totals[code] / drivers().loc[totals.index, "population"]
    assert len(per_head) == 31
    worst = per_head.idxmax()
    assert per_head.max() <= 3 * per_head.median(), (code, worst, per_head.max() / per_head.median())


def test_women_members_are_2_to_20_percent_of_the_population(built):
    df = query(built, "indicator_by_year", indicators=["og_members"], provinces=list(drivers().index),
               origins=ORIG, year_from=2019, year_to=2024)
    df = df[df["province_code"] != "100000"]
    share = df["value"].to_numpy() / drivers().loc[df["province_code"], "population"].to_numpy()
    assert len(share) == 31 * 6
    assert share.min() >= 0.02 and share.max() <= 0.20, (share.min(), share.max())


def test_every_event_is_internally_consistent(built):
    """Units at most a third and matchmakers at most a fifth of the participants (the reported case:
    78 and 33 of 588), at least one of each, pairs at most half, at least 10 participants."""
    n, bad_units, bad_mm, bad_pairs, small = built.execute("""
        select count(*),
               count(*) filter (where units * 3 > participants or units < 1),
               count(*) filter (where matchmakers * 5 > participants or matchmakers < 1),
               count(*) filter (where pairs * 2 > participants),
               count(*) filter (where participants < 10)
        from matchmaking_event""").fetchone()
    assert n > 5000
    assert (bad_units, bad_mm, bad_pairs, small) == (0, 0, 0, 0)


def test_heilongjiangs_other_may_2023_events_stay_in_may(built):
    """May 2023 holds the reported online event and the province's other events, like its neighbours."""
    by_month = dict(built.execute("""
        select month(event_date), count(*) from matchmaking_event
        where province_code = '230000' and year(event_date) = 2023 group by 1""").fetchall())
    others = [by_month[m] for m in range(1, 13) if m not in (5, 6)]
    mean = sum(others) / len(others)
    assert by_month[5] >= 0.5 * mean and by_month[6] <= 1.5 * mean, by_month
    online_may = built.execute("""select count(*) from matchmaking_event where province_code = '230000'
        and event_date between '2023-05-01' and '2023-05-31' and format = 'online'""").fetchone()[0]
    assert online_may == 1  # the reported case alone


def test_studio_outputs_are_plausible_and_industries_skewed(built):
    per_year = built.execute("""
        select median(o.trainings), max(o.patents), max(o.awards),
               count(*) filter (where o.trainings > 0 and (o.trainees < 10 * o.trainings
                                                            or o.trainees > 35 * o.trainings))
        from studio_output o join innovation_studio s using (studio_id) where s.fact_id is null""").fetchone()
    median_trainings, max_patents, max_awards, bad_trainees = per_year
    assert 2 <= median_trainings <= 30 and max_patents <= 15 and max_awards <= 10 and bad_trainees == 0
    shares = [r[0] for r in built.execute("""select count(*) / sum(count(*)) over () from innovation_studio
                                              group by industry order by 1 desc""").fetchall()]
    assert shares[0] >= 0.2 and shares[0] >= 5 * shares[-1], shares  # not a near-uniform mix


def test_year_on_year_continuity_of_headline_indicators(built):
    """No headline indicator moves more than 25 % in a year, in any province or the nation."""
    df = query(built, "indicator_by_year", indicators=HEADLINE, provinces=list(drivers().index), origins=ORIG,
               year_from=2020, year_to=2024)
    df = df[df["prev_value"] > 0]
    jump = (df["value"] / df["prev_value"] - 1).abs()
    bad = df.loc[jump > MAX_YOY, ["indicator_code", "province_code", "year", "prev_value", "value"]]
    assert len(df) >= len(HEADLINE) * 32 * 5 - 10
    assert bad.empty, bad.head(10).to_string()


def test_a_calibrated_regions_2024_continues_its_trend(built):
    """Every region with a reported figure: its 2024 is within 25 % of its 2023 (no fall to a baseline)."""
    facts = built.execute("""select distinct f.region_code, f.indicator_code from reported_fact f
        join region r on r.adcode = f.region_code join indicator i on i.code = f.indicator_code
        where i.agg <> 'ratio' and year(f.period_end) = 2023
          and (month(f.period_start) = 1 or f.period_start = f.period_end)""").fetchall()
    checked = 0
    for region, code in facts:
        v = dict(built.execute("""select year, sum(value) from indicator_value where indicator_code = ?
            and (region_code = ? or province_code = ?) and year in (2023, 2024) group by year""",
                               [code, region, region]).fetchall())
        assert v[2024] == pytest.approx(v[2023], rel=MAX_YOY), (region, code, v)
        checked += 1
    assert checked >= 20


def test_a_programme_starts_in_its_catalogue_year(built):
    cat = catalogue()
    started = cat[cat["since"] != ""]
    assert "cc_model_units" in started.index and started.loc["cc_model_units", "since"] == "2022"
    for code, since in started["since"].items():
        before = built.execute("select coalesce(sum(value), 0) from indicator_value where indicator_code = ? "
                               "and year < ?", [code, int(since)]).fetchone()[0]
        after = built.execute("select coalesce(sum(value), 0) from indicator_value where indicator_code = ? "
                              "and year = ?", [code, int(since)]).fetchone()[0]
        assert before == 0 and after > 0, code
