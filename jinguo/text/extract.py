"""Extracts: exactly what a chart or table shows, as CSV (UTF-8 with BOM) or XLSX.

* Headers are in the reader's language; an ``origin`` column is always present.
* A text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab/CR) is prefixed
  with an apostrophe so that Excel shows it as text instead of running it.
* File names say what and which filter: ``matchmaking_by_province_2019-2023.csv``.
"""

from __future__ import annotations

import io
import re

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value):
    """Prefix a formula-like text cell with ``'``; numbers and other cells pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every formula-like text cell neutralised (vectorised: only risky cells are touched)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            s = out[col]
            risky = s.astype("string").str.match(r"[=+\-@\t\r]", na=False)
            if risky.any():
                out[col] = s.astype(object).where(~risky, "'" + s.astype("string"))
    return out


def safe_frame(df: pd.DataFrame, headers: dict[str, str] | None = None) -> pd.DataFrame:
    """A copy with formula-like text neutralised, headers renamed, and an origin column."""
    if "origin" not in df.columns:
        raise ValueError("an extract must carry an origin column")
    out = neutralise_frame(df)
    if headers:
        out = out.rename(columns=headers)
    names, seen = [], {}
    for c in (neutralise(str(c)) for c in out.columns):
        seen[c] = seen.get(c, 0) + 1
        names.append(c if seen[c] == 1 else f"{c} ({seen[c]})")  # two columns, one label: keep both
    out.columns = names
    return out


def to_csv_bytes(df: pd.DataFrame, headers: dict[str, str] | None = None) -> bytes:
    """UTF-8 with BOM, quoted only where needed, ISO dates; written by DuckDB's CSV writer (a million
    rows in about a second, where pandas' to_csv takes several)."""
    import tempfile

    import duckdb

    out = safe_frame(df, headers)
    with tempfile.TemporaryDirectory(prefix="jinguo-csv-") as d:
        path = f"{d}/x.csv"
        con = duckdb.connect()
        try:
            con.register("extract_rows", out)
            con.execute("copy extract_rows to $path (header, delimiter ',')", {"path": path})
        finally:
            con.close()
        with open(path, "rb") as fh:
            return BOM.encode("utf-8") + fh.read()


def to_xlsx_bytes(df: pd.DataFrame, headers: dict[str, str] | None = None, sheet: str = "data") -> bytes:
    out = safe_frame(df, headers)
    for col in out.columns:  # Excel cannot hold timezone-aware datetimes
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False,
                                                   "strings_to_urls": False}}) as xw:
        out.to_excel(xw, index=False, sheet_name=sheet[:31])
    return buf.getvalue()


def file_name(what: str, *parts: object, ext: str = "csv") -> str:
    """``what_part1_part2.ext`` with only safe characters (Chinese kept)."""
    bits = [what, *[str(p) for p in parts if p not in (None, "")]]
    name = "_".join(bits)
    name = re.sub(r"[^\w\-\u4e00-\u9fff]+", "-", name).strip("-_")
    return f"{name}.{ext}"
