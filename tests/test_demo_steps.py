"""The generator's steps on hand-made inputs: drivers, the city rule, calibration's continuity,
a programme's start year and the consistency rules of one event. Every number is worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jinguo.demo import baseline, calibrate, consistency
from jinguo.demo.drivers import Geography, read_drivers


def test_drivers_skip_comments_and_add_urban_residents(tmp_path):
    path = tmp_path / "provinces.csv"
    path.write_text("# source: a census\nadcode,name_zh,population_2020,urban_pct_2020\n"
                    "370000,山东省,1000,60\n", encoding="utf-8")
    d = read_drivers(path)
    assert d.loc["370000", "population"] == 1000 and d.loc["370000", "urban"] == pytest.approx(600)


def test_drivers_refuse_a_wrong_header_or_share(tmp_path):
    path = tmp_path / "provinces.csv"
    path.write_text("adcode,name,population\n370000,山东省,1000\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header must be"):
        read_drivers(path)
    path.write_text("adcode,name_zh,population_2020,urban_pct_2020\n370000,山东省,1000,160\n", encoding="utf-8")
    with pytest.raises(ValueError, match="within 0-100"):
        read_drivers(path)


def regions() -> pd.DataFrame:
    rows = [("370000", "province", "山东省", "370000", None), ("370100", "city", "济南市", "370000", "370100"),
            ("370200", "city", "青岛市", "370000", "370200")]
    rows += [(f"3701{i:02d}", "district", f"区{i}", "370000", "370100") for i in (2, 3, 4)]
    rows += [(f"3702{i:02d}", "district", f"区{i}", "370000", "370200") for i in (2, 3)]
    return pd.DataFrame([{"adcode": a, "level": lv, "name_zh": n, "province_code": p, "city_code": c,
                          "mainland": True, "lon": 117.0, "lat": 36.0} for a, lv, n, p, c in rows])


def test_a_province_splits_over_its_cities_by_county_units_with_the_capital_doubled():
    drivers = pd.DataFrame({"population": [1000.0], "urban": [600.0]}, index=["370000"])
    geo = Geography(regions(), drivers)
    w = geo.cities.set_index("adcode")["w"]
    # 济南 (370100, the capital): 3 county units x 2 = 6; 青岛: 2 -> 6/8 and 2/8
    assert w["370100"] == pytest.approx(0.75) and w["370200"] == pytest.approx(0.25)


def test_a_province_without_drivers_is_refused():
    with pytest.raises(ValueError, match="no drivers"):
        Geography(regions(), pd.DataFrame({"population": [], "urban": []}))


def test_calibration_moves_the_other_years_with_the_calibrated_ones():
    """Two cities at 10 a year; the province reports 60 over the first two years (baseline 40):
    factor 1.5, so the third year becomes 15 each, not the baseline 10."""
    mat = np.full((2, 3), 10.0)
    facts = pd.DataFrame([{"fact_id": "f", "region_code": "370000", "period_start": "2019-01-01",
                           "period_end": "2020-12-31", "value": 60.0}])
    out = calibrate.calibrate_matrix(mat, np.array(["370100", "370200"]), np.array(["370000", "370000"]),
                                     (2019, 2020, 2021), "flow", facts)
    assert out[:, :2].sum() == 60
    assert out[:, 2].tolist() == [15.0, 15.0]


def test_a_programme_is_zero_before_its_start_and_ramps_in_its_first_year():
    path = baseline.program_path((2019, 2020, 2021, 2022, 2023, 2024), 2022, 0.06)
    assert path[:3].tolist() == [0, 0, 0]
    assert path[3] == pytest.approx(0.6 / 1.06) and path[4] == 1 and path[5] == pytest.approx(1.06)


def test_one_events_figures_agree():
    rng = np.random.default_rng(1)
    part = np.array([10, 588, 30, 11])
    units, mm = consistency.units_and_matchmakers(part, rng)
    assert (units >= 1).all() and (units <= part // 3).all()      # 10 -> at most 3 units
    assert (mm >= 1).all() and (mm <= part // 5).all()            # 10 -> at most 2 matchmakers
    pairs = consistency.pairs(200, part, rng)
    assert pairs.sum() == 200 and (2 * pairs <= part).all()       # 5+294+15+5 = 319 pairs at most


def test_a_yearly_total_splits_without_noise():
    # 2.5, 2.5, 5 -> floors 2, 2, 5; the one left over goes to the first of the tied remainders
    assert consistency.split_by_year(10, np.array([1, 1, 2])).tolist() == [3, 2, 5]
    assert consistency.split_by_year(100, np.array([1.0, 3.0])).tolist() == [25, 75]
