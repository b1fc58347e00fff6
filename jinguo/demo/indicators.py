"""Indicators without a detail table: a city x year matrix per indicator, from the drivers, calibrated."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jinguo.demo import baseline as B
from jinguo.demo.calibrate import calibrate_matrix, calibrate_ratios, facts_for
from jinguo.demo.drivers import Geography


def indicator_values(geo: Geography, indicators: pd.DataFrame, facts: pd.DataFrame, rng) -> pd.DataFrame:
    plain = indicators[indicators["detail_table"].isna() & (indicators["agg"] != "ratio")]
    cities = geo.cities
    codes = cities["adcode"].to_numpy()
    prov = cities["province_code"].to_numpy()
    effort = {theme: geo.effort(rng) for theme in sorted(plain["theme"].unique())}
    frames = []
    for ind in plain.itertuples():
        mat = baseline_matrix(geo, ind, effort[ind.theme], rng)
        mat = np.rint(calibrate_matrix(mat, codes, prov, B.YEARS, ind.agg, facts_for(facts, ind.code)))
        frames.append(pd.DataFrame({
            "indicator_code": ind.code, "region_code": np.repeat(codes, len(B.YEARS)),
            "province_code": np.repeat(prov, len(B.YEARS)), "year": np.tile(B.YEARS, len(codes)),
            "value": mat.ravel(), "origin": "demo"}))
    return calibrate_ratios(pd.concat(frames, ignore_index=True), indicators, facts)


def baseline_matrix(geo: Geography, ind, effort: pd.Series, rng) -> np.ndarray:
    """Cities x years: the national rate x the province's urban residents x its effort, shared over
    its cities (with some spread), on a smooth path from the programme's first year."""
    cities = geo.cities
    p = cities["province_code"]
    rate = B.RATES.get(ind.code, B.DEFAULT_RATE)
    level = (rate * p.map(geo.urban).to_numpy() / 1e6 * p.map(effort).to_numpy()
             * cities["w"].to_numpy() * rng.lognormal(0, B.CITY_NOISE, len(cities)))
    since = None if pd.isna(getattr(ind, "since", None)) else int(ind.since)
    if ind.agg == "stock":
        return level[:, None] * B.program_path(B.YEARS, since, B.STOCK_GROWTH)[None, :]
    growth = rng.normal(*B.FLOW_GROWTH, len(cities))
    path = np.column_stack([(1 + growth) ** (y - 2023) for y in B.YEARS])
    path *= B.program_path(B.YEARS, since, 0.0)[None, :]
    return level[:, None] * path * rng.lognormal(0, B.YEAR_NOISE, path.shape)
