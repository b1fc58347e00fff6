"""Checking a register: every problem is a row of the report (row, column, value, reason).

Validation is done column by column (pandas), never row by row in Python, so a million rows validate
in seconds. Regions are resolved against the ``region`` table of the analytics file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from jinguo.auth.access import User, can_import
from jinguo.geo import coords
from jinguo.ingest import cells
from jinguo.ingest.read import MAX_BYTES, read_file
from jinguo.store.datasets import DATASETS, Dataset, ImportError_
from jinguo.store.ingest_sql import fetch, frame, frame_with

FORMULA = ("=", "+", "-", "@")
PREVIEW_ROWS = 10
PARSED = ("id", "int", "float", "date", "time", "bool", "enum", "region")


@dataclass
class Report:
    dataset: str
    rows: int = 0
    notes: list[str] = field(default_factory=list)          # message keys with args, e.g. totals row skipped
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["row", "column", "value",
                                                                                 "reason"]))
    good: pd.DataFrame | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    import_id: str | None = None
    sheet: str = ""                                          # the sheet read ('' for CSV)
    sheets: list[str] = field(default_factory=list)         # every sheet whose header matched
    columns: list[tuple[str, str]] = field(default_factory=list)   # (header in the file, field or '')
    preview: pd.DataFrame | None = None                     # the first rows as read, header texts as columns
    kind: str = "csv"

    @property
    def rejected(self) -> int:
        return int(self.problems["row"].nunique()) if len(self.problems) else 0


def _problems(mask: pd.Series, df: pd.DataFrame, col: str, reason: str) -> pd.DataFrame:
    idx = mask[mask].index
    return pd.DataFrame({"row": idx, "column": col, "value": df.loc[idx, col] if col in df else "",
                         "reason": reason})


class Regions:
    """Resolve a region cell (adcode, 山东省 / 山东 / Shandong, 洛阳市 / 洛阳) against the region table."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        r = frame(con, "ingest_regions")
        self.by_code = r.set_index("adcode")
        keys = pd.concat([r.assign(k=r["adcode"]), r.assign(k=r["name_zh"]), r.assign(k=r["name_short"]),
                          r.assign(k=r["name_en"].str.lower())])
        # A city wins over a district of the same name (洛阳 is the city, not some 洛阳镇).
        lookup: dict[str, set[str]] = {}
        for k, code in zip(keys["k"].tolist(), keys["adcode"].tolist()):   # 50k pairs: a plain loop, 0.03 s
            if isinstance(k, str):
                lookup.setdefault(k, set()).add(code)
        self.lookup = {k: sorted(v) for k, v in lookup.items()}

    def resolve(self, s: pd.Series, finest: str) -> tuple[pd.Series, pd.Series]:
        """-> (adcode or '', reason key or '') per cell; each distinct text is resolved once."""
        codes, reasons = {}, {}
        for text in s.unique():
            codes[text], reasons[text] = self._one(text, finest)
        return s.map(codes), s.map(reasons)

    def _one(self, text: str, finest: str) -> tuple[str, str]:
        key = text.lower() if re.fullmatch(r"[A-Za-z ]+", text) else text
        h = self.lookup.get(key)
        code = ""
        if h is None:
            code = self._compound(text) or ""
            if not code:
                return "", "import.err_region_unknown"
        elif len(h) == 1:
            code = h[0]
        else:
            cities = [c for c in h if self.by_code.at[c, "level"] == "city"]
            if len(cities) != 1:
                return "", "import.err_region_ambiguous"
            code = cities[0]
        level = self.by_code.at[code, "level"]
        if level == "province":
            return "", "import.err_region_too_coarse"
        if finest == "city" and level == "district":
            code = self.by_code.at[code, "city_code"] or code
        return code, ""

    def _compound(self, text: str) -> str | None:
        for cut in range(2, len(text) - 1):
            a, b = self.lookup.get(text[:cut]), self.lookup.get(text[cut:])
            if a and b:
                both = [d for d in b if any(self.by_code.at[d, "city_code"] == c or d[:4] == c[:4] for c in a)]
                if len(both) == 1:
                    return both[0]
        return None


def aliases(ds: Dataset, mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised header text -> field name: the field's Chinese and English names, then the mapping an
    officer gave (header text -> field), which wins."""
    alias = {cells.norm_header(h): f.name for f in ds.fields for h in (f.zh, f.en, f.name)}
    names = {f.name for f in ds.fields}
    for header, fname in (mapping or {}).items():
        if fname in names:
            alias[cells.norm_header(header)] = fname
    return alias


def _map_headers(df: pd.DataFrame, ds: Dataset, mapping: dict[str, str] | None = None
                 ) -> tuple[pd.DataFrame, list[tuple[str, str]], list[str]]:
    """-> (frame with field names as columns, [(header, field or '')], missing required fields)."""
    alias = aliases(ds, mapping)
    rename, pairs = {}, []
    for c in df.columns:
        k = cells.norm_header(c)
        f = alias.get(k, "")
        if f and f in rename.values():
            f = ""                   # a second column for the same field: the first one counts
        if f:
            rename[c] = f
        pairs.append((str(c), f))
    out = df[list(rename)].set_axis(list(rename.values()), axis=1)
    missing = [f.name for f in ds.fields if f.required and f.name not in out.columns]
    return out, pairs, missing


def validate(data: bytes, dataset: str, con: duckdb.DuckDBPyConnection, crs: str = "gcj02",
             user: User | None = None, file_name: str = "", max_bytes: int = MAX_BYTES,
             sheet: str | int | None = None, mapping: dict[str, str] | None = None) -> Report:
    """Read and check a file; return the report with the good rows ready to load.

    ``sheet``: a sheet name or its position from 1 (default: the sheet whose header matches best);
    ``mapping``: header text -> field name for columns the registry does not know."""
    ds = DATASETS[dataset]
    tab = read_file(data, file_name, max_bytes, sheet=sheet, known=frozenset(aliases(ds, mapping)))
    raw = tab.frame
    rep = Report(dataset, rows=len(raw), notes=list(tab.notes), sheet=tab.sheet, sheets=tab.sheets,
                 preview=raw.head(PREVIEW_ROWS).copy(), kind=tab.kind)
    df, rep.columns, missing = _map_headers(raw, ds, mapping)
    unknown = [h for h, f in rep.columns if not f and not h.startswith("col")]
    if unknown:
        rep.notes.append("import.note_unknown_columns:" + "、".join(unknown[:10]))
    if missing:
        names = "、".join(next(f.zh for f in ds.fields if f.name == m) + f"/{m}" for m in missing)
        err = ImportError_("import.missing_columns", columns=names)
        err.report = rep           # headers and first rows, so the page can offer a mapping by hand
        raise err
    if not len(df):
        raise ImportError_("import.empty")
    probs: list[pd.DataFrame] = []
    out = pd.DataFrame(index=df.index)
    for f in ds.fields:
        if f.name not in df:
            continue
        s, counts = cells.invisible(df[f.name])
        if f.kind in PARSED:
            s, more = cells.fold(s)
            counts.update(more)
        empty = s == ""
        header = next((h for h, m in rep.columns if m == f.name), f.name)
        if f.required:
            probs.append(_problems(empty, df, f.name, "import.err_required"))
        formula = s.str.startswith(FORMULA) if f.kind in ("text", "id", "region") else \
            pd.Series(False, index=s.index)
        if formula.any():      # a signed number is not a formula (checked on those cells only)
            formula[formula] = ~s[formula].str.fullmatch(r"[-+]?\d+(\.\d+)?")
        probs.append(_problems(formula, df, f.name, "import.err_formula"))
        if f.kind in ("int", "float"):
            num, more = cells.number(s)
            counts.update(more)
            bad = ~empty & num.isna()
            probs.append(_problems(bad, df, f.name, "import.err_number"))
            if f.kind == "int":
                probs.append(_problems(~bad & ~empty & (num != num.round()), df, f.name, "import.err_integer"))
                probs.append(_problems(~bad & (num < 0), df, f.name, "import.err_negative"))
            out[f.name] = num
        elif f.kind == "date":
            d, more = cells.date(s, tab.epoch1904)
            counts.update(more)
            probs.append(_problems(~empty & d.isna(), df, f.name, "import.err_date"))
            out[f.name] = d.dt.date
        elif f.kind == "time":
            tm, more = cells.time(s)
            counts.update(more)
            probs.append(_problems(~empty & tm.isna(), df, f.name, "import.err_time"))
            out[f.name] = tm                     # text HH:MM:SS; DuckDB casts to TIME
        elif f.kind == "bool":
            yes, other, more = cells.yes_no(s)
            counts.update(more)
            probs.append(_problems(other, df, f.name, "import.err_bool"))
            out[f.name] = yes
        elif f.kind == "enum":
            probs.append(_problems(~empty & ~s.isin(f.choices), df, f.name, "import.err_choice:" + "/".join(f.choices)))
            out[f.name] = s
        elif f.kind == "region":
            code, why = Regions(con).resolve(s, ds.region_level)
            for reason in why[why != ""].unique():
                probs.append(_problems((why == reason) & ~empty, df, f.name, reason))
            out["region_code"] = code
        else:
            out[f.name] = s
        rep.notes += cells.counts_to_notes(header, counts)
    for f in ds.fields:  # optional columns absent from the file: defaults
        if f.name not in out and f.kind != "region":
            out[f.name] = False if f.kind == "bool" else None
    ids = list(ds.id_cols)
    key_cols = [c if c != "region_code" else "region_code" for c in ids]
    if all(c in out for c in key_cols):
        dup = out.duplicated(subset=key_cols, keep="first") & out[key_cols].notna().all(axis=1)
        probs.append(_problems(dup, df.assign(**{ids[0]: df.get(ids[0], "")}), ids[0], "import.err_duplicate"))
    probs += _dataset_checks(dataset, df, out, crs, con)
    # Province of every row (for the data officer's scope) and the officer's own province.
    prov = _provinces(dataset, out, con)
    out["province_code"] = prov
    if user is not None and user.role != "admin":
        other = prov.notna() & ~prov.map(lambda p: can_import(user, p) if isinstance(p, str) else True)
        probs.append(_problems(other, df.assign(_p=prov), "_p", "import.err_other_province"))
        probs.append(_foreign_ids(dataset, df, out, con))
    problems = pd.concat([p for p in probs if len(p)], ignore_index=True) if any(len(p) for p in probs) else \
        rep.problems
    problems["value"] = problems["value"].astype(str).str.slice(0, 80)
    rep.problems = problems.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    bad_rows = set(rep.problems["row"])
    rep.good = out[~out.index.isin(bad_rows)].copy()
    return rep


def _dataset_checks(dataset, df, out, crs, con) -> list[pd.DataFrame]:
    probs = []
    if dataset == "mother_rooms" and {"lon", "lat"} <= set(out):
        lon, lat = out["lon"], out["lat"]
        ok = lon.notna() & lat.notna()
        inside = pd.Series(coords.in_china_bbox(lon.fillna(0).to_numpy(), lat.fillna(0).to_numpy()), index=out.index)
        swapped = pd.Series(coords.looks_swapped(lon.fillna(0).to_numpy(), lat.fillna(0).to_numpy()), index=out.index)
        probs.append(_problems(ok & swapped, df, "lon", "import.err_swapped"))
        probs.append(_problems(ok & ~inside & ~swapped, df, "lon", "import.err_outside"))
        glon, glat = coords.to_gcj02(lon.fillna(0).to_numpy(), lat.fillna(0).to_numpy(), crs)
        out["lon"], out["lat"] = np.round(glon, 6), np.round(glat, 6)
        out["crs_in"] = coords.normalise_crs(crs)
        both = out["open_time"].isna() == out["close_time"].isna()
        probs.append(_problems(~both, df, "close_time", "import.err_hours"))
        out["open_days"] = out["open_days"].where(out["open_days"].notna() & (out["open_days"] != ""), "1234567")
        probs.append(_problems(~out["open_days"].str.fullmatch(r"[1-7]{1,7}"), df.assign(
            open_days=out["open_days"]), "open_days", "import.err_days"))
    if dataset == "matchmaking_events" and {"pairs", "participants"} <= set(out):
        probs.append(_problems(out["pairs"] * 2 > out["participants"], df, "pairs", "import.err_pairs"))
    if dataset == "indicator_values" and "indicator_code" in out:
        ok = set(r[0] for r in fetch(con, "ingest_importable_indicators"))
        probs.append(_problems(~out["indicator_code"].isin(ok), df, "indicator_code", "import.err_indicator"))
    if dataset == "studio_outputs" and "studio_id" in out:
        known = set(r[0] for r in fetch(con, "ingest_studio_provinces"))
        probs.append(_problems(~out["studio_id"].isin(known) & (out["studio_id"] != ""), df, "studio_id",
                               "import.err_studio"))
    return probs


def _foreign_ids(dataset: str, df: pd.DataFrame, out: pd.DataFrame, con) -> pd.DataFrame:
    """Rows whose id is already used by a row of another province: an import never replaces those
    (issue 12). The reason says only that the id is taken, never where or by what; the cell shown
    back is the file's own id."""
    if dataset not in ("mother_rooms", "matchmaking_events", "studios"):
        return _problems(pd.Series(False, index=out.index), df, "", "")   # outputs: by their studio's province
    id_col = DATASETS[dataset].id_cols[0]
    if id_col not in out:
        return _problems(pd.Series(False, index=out.index), df, "", "")
    ids = pd.DataFrame({"id": out[id_col].dropna().unique()})
    owners = frame_with(con, f"ingest_owner_{dataset}", {"_ids": ids})
    owner = out[id_col].map(dict(zip(owners["id"], owners["province_code"])))
    taken = owner.notna() & out["province_code"].notna() & (owner != out["province_code"])
    return _problems(taken, df, id_col, "import.err_id_taken")


def _provinces(dataset, out, con) -> pd.Series:
    if "region_code" in out:
        return out["region_code"].where(out["region_code"] != "", None).str.slice(0, 2) + "0000"
    if dataset == "studio_outputs":
        m = dict(fetch(con, "ingest_studio_provinces"))
        return out["studio_id"].map(m)
    return pd.Series(None, index=out.index, dtype=object)

