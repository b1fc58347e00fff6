"""Matchmaking events: counts from the drivers, sizes by the consistency rules, calibrated sums."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jinguo.demo import baseline as B
from jinguo.demo import consistency
from jinguo.demo.calibrate import Calibration
from jinguo.demo.drivers import Geography

SESSION_TYPES = np.array(["综合联谊", "读书会", "户外拓展", "假面舞会", "星空下午茶", "军警专场", "非遗手作"])
SESSION_WEIGHTS = np.array([0.45, 0.12, 0.14, 0.08, 0.09, 0.05, 0.07])
FORMATS = np.array(["offline", "online", "tv"])
FORMAT_WEIGHTS = np.array([0.7, 0.25, 0.05])
EVENT_COLUMNS = ["event_id", "event_date", "province_code", "city_code", "format", "session_type",
                 "organiser", "matchmakers", "units", "participants", "pairs", "origin", "fact_id"]


def matchmaking(geo: Geography, facts: pd.DataFrame, scale: float, rng) -> pd.DataFrame:
    """Events of every province and year: yearly targets first, then one row per event."""
    cal = {col: Calibration(facts, code, "flow").flow for col, code in
           (("events", "mm_events"), ("participants", "mm_participants"), ("pairs", "mm_pairs"))}
    reported = reported_events(geo, facts)
    effort = geo.effort(rng)
    size = B.PARTICIPANTS_PER_EVENT * np.clip(rng.lognormal(0, 0.15, len(geo.provinces)), 0.75, 1.3)
    rate = B.PAIRS_PER_PARTICIPANT * np.clip(rng.lognormal(0, 0.12, len(geo.provinces)), 0.8, 1.25)
    frames = [reported]
    for i, p in enumerate(geo.provinces):
        base = max(B.MIN_EVENTS_PER_YEAR, B.EVENTS_PER_M_URBAN * geo.urban[p] / 1e6 * effort[p]) * scale
        counts, part, pairs = yearly_targets(p, base, size[i], rate[i], cal,
                                             reported[reported["province_code"] == p])
        frames += [_event_rows(geo, p, y, int(counts[j]), int(part[j]), int(pairs[j]), rng)
                   for j, y in enumerate(B.YEARS)]
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["event_date", "city_code", "event_id"], kind="stable").reset_index(drop=True)


def yearly_targets(p: str, base: float, per_event: float, pair_rate: float, cal: dict,
                   fixed: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Events, participants and pairs of one province by year (generated rows only).

    Uncalibrated: ``base`` events a year on the pandemic path, ``per_event`` participants each and
    ``pair_rate`` pairs per participant. Calibrated (黑龙江): the fact's years sum exactly to the
    reported totals less the reported case, and the size and pair rate of the reported years carry
    on into the other years, so 2024 continues the trend.
    """
    fixed_year = fixed["event_date"].dt.year.to_numpy()
    counts = np.maximum(1, np.rint(base * B.EVENT_YEAR_EFFECT)).astype(np.int64)
    if p in cal["events"]:
        counts = _calibrated_counts(cal["events"][p], fixed_year)
    if p in cal["participants"]:
        years, total = cal["participants"][p]
        per_event = total / (counts[_idx(years)].sum() + np.isin(fixed_year, years).sum())
        if p in cal["pairs"]:
            pair_rate = cal["pairs"][p][1] / total
    part = np.rint(counts * per_event).astype(np.int64)
    pairs = np.rint(part * pair_rate).astype(np.int64)
    for col, by_year in (("participants", part), ("pairs", pairs)):
        if p in cal[col]:
            years, total = cal[col][p]
            rest = total - int(fixed.loc[np.isin(fixed_year, years), col].sum())
            by_year[_idx(years)] = consistency.split_by_year(rest, by_year[_idx(years)])
    return counts, part, pairs


def _idx(years) -> list[int]:
    return [B.YEARS.index(y) for y in years if y in B.YEARS]


def _calibrated_counts(cal: tuple[tuple[int, ...], int], fixed_year: np.ndarray) -> np.ndarray:
    """Events by year: the reported total over its years (less reported cases), the trend around it."""
    years, total = cal
    idx = _idx(years)
    effect = B.EVENT_YEAR_EFFECT
    counts = np.rint(total / effect[idx].sum() * effect).astype(np.int64)
    rest = total - int(np.isin(fixed_year, years).sum())
    counts[idx] = consistency.split_by_year(rest, effect[idx])
    return counts


def reported_events(geo: Geography, facts: pd.DataFrame) -> pd.DataFrame:
    """The reported case of the source: Heilongjiang's online event of May 2023."""
    may = facts[(facts["region_code"] == "230000") & (facts["period_start"] == "2023-05-01")]
    by_code = {r.indicator_code: r for r in may.itertuples() if isinstance(r.indicator_code, str)}
    needed = ("mm_participants", "mm_pairs", "mm_matchmakers", "mm_units")
    if not all(c in by_code for c in needed) or "230000" not in geo.population.index:
        return pd.DataFrame(columns=EVENT_COLUMNS).astype({"event_date": "datetime64[ns]"})
    return pd.DataFrame([{
        "event_id": "E2023-230000-R001",
        "event_date": pd.Timestamp("2023-05-15"),  # the day is not reported; mid-month
        "province_code": "230000", "city_code": "230100", "format": "online",
        "session_type": "云端红娘", "organiser": "黑龙江省总工会",
        "matchmakers": int(by_code["mm_matchmakers"].value), "units": int(by_code["mm_units"].value),
        "participants": int(by_code["mm_participants"].value), "pairs": int(by_code["mm_pairs"].value),
        "origin": "reported", "fact_id": by_code["mm_participants"].fact_id,
    }])


def _event_rows(geo: Geography, p: str, year: int, n: int, part_total: int, pairs_total: int,
                rng) -> pd.DataFrame:
    cities = geo.cities_of(p)
    w = cities["w"].to_numpy()
    city = cities["adcode"].to_numpy()[rng.choice(len(cities), n, p=w / w.sum())]
    dates = pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    fmt = FORMATS[rng.choice(3, n, p=FORMAT_WEIGHTS)]
    if p == "230000" and year == 2023:
        # The reported online event is the only online one of May 2023 in Heilongjiang, so the
        # month's online rollup is the reported case; the province's other May events stay in May.
        fmt = np.where((dates.month == 5) & (fmt == "online"), "offline", fmt)
    stype = SESSION_TYPES[rng.choice(len(SESSION_TYPES), n, p=SESSION_WEIGHTS)]
    names = pd.Series(city).map(geo.cities.set_index("adcode")["name_zh"])
    org = np.where(rng.random(n) < 0.1, geo.name(p) + "总工会", names.to_numpy() + "总工会")
    part = consistency.participants(max(part_total, consistency.MIN_PARTICIPANTS * n), n, rng)
    pairs = consistency.pairs(pairs_total, part, rng)
    units, matchmakers = consistency.units_and_matchmakers(part, rng)
    return pd.DataFrame({
        "event_id": [f"E{year}-{p}-{i:06d}" for i in range(n)], "event_date": dates, "province_code": p,
        "city_code": city, "format": fmt, "session_type": stype, "organiser": org,
        "matchmakers": matchmakers, "units": units, "participants": part, "pairs": pairs,
        "origin": "demo", "fact_id": None,
    })
