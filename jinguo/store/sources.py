"""The committed sources the database is built from (``data/*.csv``), read and checked row by row, and the
demo setting the build reads."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from jinguo import demo
from jinguo.geo.regions import load_regions
from jinguo.paths import DATA_DIR
from jinguo.store.datasets import STUDIO_LEVELS

THEMES = ("matchmaking", "mother_rooms", "innovation", "childcare", "rights", "organisation",
          "psych_care", "skills")


FACT_COLUMNS = ["fact_id", "reporter", "region_code", "indicator_code", "period_start", "period_end",
                "value", "unit", "qualifier", "quote"]


FACT_FILE_COLUMNS = FACT_COLUMNS + ["subject", "note", "scope", "assumed"]


SCOPES = ("", "network")            # '' = the region_code; network = a company's whole national network


ASSUMPTIONS = {"period", "unit"}    # what the reading assumed, shown beside the figure


STUDIO_COLUMNS = ["lead", "studio_name", "employer", "region_code", "level", "industry", "fact_ids"]


INDICATOR_COLUMNS = ["code", "theme", "name_zh", "name_en", "unit_zh", "unit_en", "agg", "numerator",
                     "denominator", "factor", "detail_table", "headline", "since"]


class BuildError(ValueError):
    """A committed data file is wrong: says which file, which row and why."""

    def __init__(self, file: Path | str, row: int | None, reason: str):
        self.file, self.row, self.reason = str(file), row, reason
        where = f"{self.file}, row {row}" if row is not None else self.file
        super().__init__(f"{where}: {reason}")


@dataclass
class Sources:
    regions: pd.DataFrame
    indicators: pd.DataFrame
    facts: pd.DataFrame
    named_studios: pd.DataFrame
    drivers: pd.DataFrame


def _read_csv_rows(path: Path, columns: list[str]) -> list[tuple[int, dict]]:
    if not path.exists():
        raise BuildError(path, None, "file is missing")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise BuildError(path, None, "file is empty") from None
        if header != columns:
            raise BuildError(path, 1, f"header must be {','.join(columns)}")
        rows = []
        for line_no, rec in enumerate(reader, start=2):
            if not rec:
                continue
            if len(rec) != len(columns):
                raise BuildError(path, line_no, f"expected {len(columns)} fields, found {len(rec)}")
            rows.append((line_no, dict(zip(columns, rec))))
    return rows


def read_indicators(path: Path | None = None) -> pd.DataFrame:
    path = path or DATA_DIR / "indicators.csv"
    rows, seen = [], set()
    for line, r in _read_csv_rows(path, INDICATOR_COLUMNS):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", r["code"]):
            raise BuildError(path, line, f"bad indicator code {r['code']!r}")
        if r["code"] in seen:
            raise BuildError(path, line, f"duplicate indicator code {r['code']}")
        seen.add(r["code"])
        if r["theme"] not in THEMES:
            raise BuildError(path, line, f"unknown theme {r['theme']!r}")
        if r["agg"] not in ("flow", "stock", "ratio"):
            raise BuildError(path, line, f"agg must be flow, stock or ratio, not {r['agg']!r}")
        if (r["agg"] == "ratio") != bool(r["numerator"] and r["denominator"] and r["factor"]):
            raise BuildError(path, line, "a ratio needs numerator, denominator and factor (and only a ratio)")
        if r["headline"] not in ("0", "1"):
            raise BuildError(path, line, "headline must be 0 or 1")
        if r["since"] and not re.fullmatch(r"(19|20)\d\d", r["since"]):
            raise BuildError(path, line, f"since must be empty or the year the programme started, not {r['since']!r}")
        rows.append(r)
    df = pd.DataFrame(rows)
    for code_col in ("numerator", "denominator"):
        bad = df[(df[code_col] != "") & ~df[code_col].isin(df["code"])]
        if len(bad):
            raise BuildError(path, int(bad.index[0]) + 2, f"{code_col} {bad[code_col].iloc[0]!r} is no indicator")
    df = df.replace({"": None})
    df["factor"] = pd.to_numeric(df["factor"])
    df["headline"] = df["headline"] == "1"
    df["since"] = pd.to_numeric(df["since"]).astype("Int64")
    return df


def read_facts(indicators: pd.DataFrame, regions: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    path = path or DATA_DIR / "reported_facts.csv"
    codes = set(indicators["code"])
    adcodes = set(regions["adcode"]) | {"100000"}
    rows, seen = [], set()
    for line, r in _read_csv_rows(path, FACT_FILE_COLUMNS):
        if not re.fullmatch(r"[a-z0-9_]+", r["fact_id"]) or r["fact_id"] in seen:
            raise BuildError(path, line, f"missing, malformed or duplicate fact_id {r['fact_id']!r}")
        seen.add(r["fact_id"])
        if r["region_code"] not in adcodes:
            raise BuildError(path, line, f"unknown region_code {r['region_code']!r}")
        if r["indicator_code"] and r["indicator_code"] not in codes:
            raise BuildError(path, line, f"unknown indicator_code {r['indicator_code']!r}")
        try:
            start, end = date.fromisoformat(r["period_start"]), date.fromisoformat(r["period_end"])
        except ValueError:
            raise BuildError(path, line, "period_start/period_end must be YYYY-MM-DD dates") from None
        if start > end:
            raise BuildError(path, line, "period_start is after period_end")
        try:
            float(r["value"])
        except ValueError:
            raise BuildError(path, line, f"value {r['value']!r} is not a number") from None
        if r["qualifier"] not in ("exact", "approx", "at_least"):
            raise BuildError(path, line, f"qualifier must be exact, approx or at_least, not {r['qualifier']!r}")
        if r["scope"] not in SCOPES or (r["scope"] == "network") != (r["region_code"] == "100000"):
            raise BuildError(path, line, "scope must be empty, or network with region_code 100000 (national)")
        if not set(filter(None, r["assumed"].split(";"))) <= ASSUMPTIONS:
            raise BuildError(path, line, f"assumed must list period and/or unit separated by ';', not {r['assumed']!r}")
        if not r["quote"].strip() or not r["reporter"].strip() or not r["unit"].strip():
            raise BuildError(path, line, "reporter, unit and quote are required")
        rows.append(r)
    df = pd.DataFrame(rows, columns=FACT_FILE_COLUMNS)
    df["value"] = df["value"].astype(float)
    for col in ("indicator_code", "subject", "note", "scope", "assumed"):
        df[col] = df[col].replace({"": None})
    return df


def read_named_studios(facts: pd.DataFrame, regions: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    """Studios the source names (lead, employer), linked to the facts about them."""
    path = path or DATA_DIR / "named_studios.csv"
    if not path.exists():
        return pd.DataFrame(columns=STUDIO_COLUMNS)
    ids = set(facts["fact_id"])
    adcodes = set(regions["adcode"])
    rows = []
    for line, r in _read_csv_rows(path, STUDIO_COLUMNS):
        if not r["lead"].strip():
            raise BuildError(path, line, "lead is required")
        if r["region_code"] not in adcodes:
            raise BuildError(path, line, f"unknown region_code {r['region_code']!r}")
        if r["level"] not in STUDIO_LEVELS:
            raise BuildError(path, line, f"unknown level {r['level']!r}")
        unknown = [f for f in r["fact_ids"].split(";") if f and f not in ids]
        if unknown:
            raise BuildError(path, line, f"unknown fact_ids {unknown}")
        rows.append(r)
    return pd.DataFrame(rows, columns=STUDIO_COLUMNS)


def read_drivers(path: Path | None = None) -> pd.DataFrame:
    """Province population and urban share (2020 census) that size the demo data."""
    path = path or DATA_DIR / "drivers" / "provinces.csv"
    try:
        return demo.read_drivers(path)
    except (ValueError, pd.errors.ParserError) as err:
        raise BuildError(path, None, str(err).removeprefix(f"{path}: ")) from None


def read_sources() -> Sources:
    regions = load_regions()
    indicators = read_indicators()
    facts = read_facts(indicators, regions)
    drivers = read_drivers()
    provinces = regions.loc[(regions["level"] == "province") & regions["mainland"], "adcode"]
    missing = sorted(set(provinces) - set(drivers.index))
    if missing:
        raise BuildError(DATA_DIR / "drivers" / "provinces.csv", None, f"no row for provinces {missing}")
    return Sources(regions, indicators, facts, read_named_studios(facts, regions), drivers)


DEMO_MODES = ("fill", "none")


def demo_mode() -> str:
    """``$JINGUO_DEMO`` (fill or none; default fill): what ``make run`` builds with."""
    mode = os.environ.get("JINGUO_DEMO") or "fill"
    if mode not in DEMO_MODES:
        raise BuildError("JINGUO_DEMO", None, f"must be one of {', '.join(DEMO_MODES)}, not {mode!r}")
    return mode
