"""Step 3 of the generator: calibration, i.e. make the demo reproduce the reported facts.

By the indicator's aggregation:

* flow: the sum over the fact's region and years equals the value;
* stock: the level at the end of the fact's period equals the value;
* ratio: the denominator is set so that the recomputed ratio equals the value.

Continuity: a calibrated region's years outside the fact's period are scaled by
the same factor as its calibrated years, so its 2024 (and any year before the
period) continues the calibrated trend instead of falling back to the baseline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jinguo.demo.alloc import scale_to_total


def facts_for(facts: pd.DataFrame, code: str) -> pd.DataFrame:
    return facts[facts["indicator_code"] == code].sort_values("fact_id")


def whole_years(row) -> tuple[int, ...] | None:
    """The calendar years a fact's period covers, when it is made of whole years."""
    s, e = pd.Timestamp(row.period_start), pd.Timestamp(row.period_end)
    if s.month == 1 and s.day == 1 and e.month == 12 and e.day == 31:
        return tuple(range(s.year, e.year + 1))
    return None


class Calibration:
    """Targets for one indicator from whole-year facts.

    ``flow``: ``{region: (years, total)}``; ``stock``: ``{(region, year): level}``.
    """

    def __init__(self, facts: pd.DataFrame, code: str, agg: str):
        self.flow: dict[str, tuple[tuple[int, ...], int]] = {}
        self.stock: dict[tuple[str, int], int] = {}
        for row in facts_for(facts, code).itertuples():
            if agg == "stock":
                self.stock[(row.region_code, pd.Timestamp(row.period_end).year)] = int(round(row.value))
            elif agg == "flow":
                years = whole_years(row)
                if years:
                    self.flow[row.region_code] = (years, int(round(row.value)))


def calibrate_matrix(mat: np.ndarray, codes: np.ndarray, prov: np.ndarray, years: tuple[int, ...],
                     agg: str, facts: pd.DataFrame) -> np.ndarray:
    """Calibrate a cities x years matrix of one indicator to its facts, in place.

    City facts first, then provinces (which keep their cities' calibrated figures
    fixed). The other years of each calibrated city move by the same factor.
    """
    facts = facts.assign(is_city=facts["region_code"].isin(codes)).sort_values(
        ["is_city", "fact_id"], ascending=[False, True])
    fixed = np.zeros_like(mat, dtype=bool)
    for f in facts.itertuples():
        rows = np.flatnonzero(codes == f.region_code) if f.is_city else np.flatnonzero(prov == f.region_code)
        if agg == "stock":
            y_end = pd.Timestamp(f.period_end).year
            cols = [years.index(y_end)] if y_end in years else []
        else:
            cols = [years.index(y) for y in whole_years(f) or () if y in years]
        if not len(rows) or not cols:
            continue
        block = mat[np.ix_(rows, cols)]
        fx = fixed[np.ix_(rows, cols)]
        free_total = int(round(f.value)) - int(np.rint(block[fx]).sum())
        new = block.copy()
        new[~fx] = scale_to_total(block[~fx], max(free_total, 0))
        factor = new.sum(axis=1) / np.maximum(block.sum(axis=1), 1e-9)
        others = [j for j in range(len(years)) if j not in cols]
        free_rows = ~fx.all(axis=1)
        mat[np.ix_(rows[free_rows], others)] *= factor[free_rows, None]
        mat[np.ix_(rows, cols)] = new
        fixed[np.ix_(rows, cols)] = True
    return mat


def calibrate_ratios(values: pd.DataFrame, indicators: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Set a ratio's denominator so that factor*num/den reproduces a reported ratio.

    The region's denominator moves by the same factor in every year, so the
    series keeps its shape; the fact's year is then made exact.
    """
    ratios = indicators[indicators["agg"] == "ratio"].set_index("code")
    for f in facts[facts["indicator_code"].isin(ratios.index)].itertuples():
        r = ratios.loc[f.indicator_code]
        if not pd.isna(r.detail_table):
            continue  # detail-backed ratios (match rate) are reproduced by their parts
        year = pd.Timestamp(f.period_end).year
        in_region = (values["province_code"] == f.region_code) | (values["region_code"] == f.region_code)
        at = in_region & (values["year"] == year)
        num = values.loc[at & (values["indicator_code"] == r.numerator), "value"].sum()
        den_all = in_region & (values["indicator_code"] == r.denominator)
        den_at = den_all & at
        target = int(round(num * r.factor / f.value))
        factor = target / max(values.loc[den_at, "value"].sum(), 1e-9)
        values.loc[den_all, "value"] = np.rint(values.loc[den_all, "value"] * factor)
        values.loc[den_at, "value"] = scale_to_total(values.loc[den_at, "value"], target)
    return values
