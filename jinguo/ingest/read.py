"""Reading a register file: bytes -> a frame of strings with the file's row numbers.

CSV in UTF-8 (with or without BOM), GBK or GB18030, detected; XLSX whose header row sits below merged
title rows, with blank rows and a totals row (合计/总计/Total) that are skipped with a note. The header
row is found among the first rows by the names the registry knows. Nothing here validates values.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from jinguo.ingest.registry import DATASETS, ImportError_

MAX_BYTES = 200 * 1024 * 1024
TOTAL_WORDS = ("合计", "总计", "小计", "total", "sum")


def read_table(data: bytes, name: str = "", max_bytes: int = MAX_BYTES) -> tuple[pd.DataFrame, list[str], int]:
    """Bytes of a CSV/XLSX -> (frame of strings, notes, first data row number in the file)."""
    if len(data) > max_bytes:
        raise ImportError_("import.too_big", mb=max_bytes // (1024 * 1024))
    if not data.strip():
        raise ImportError_("import.empty")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if b"\x00" in data[:4096] or data[:8] in (b"\x89PNG\r\n\x1a\n",) or data[:4] == b"%PDF":
        raise ImportError_("import.not_table")
    text = _decode(data)
    del data
    try:
        raw = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False,
                          engine="c", on_bad_lines="error")   # ragged rows: the csv module below
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        raw = pd.DataFrame(list(csv.reader(io.StringIO(text))), dtype=object)
    return _frame(raw, header_search=5)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    enc = best.encoding if best else "gb18030"
    if enc.lower().replace("-", "").replace("_", "") in ("gbk", "gb2312", "cp936", "big5", "hz"):
        enc = "gb18030"   # a superset of GBK/GB2312: never loses a character GBK can hold
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportError_("import.encoding") from None


def _read_xlsx(data: bytes):
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is one message to the user
        raise ImportError_("import.not_table") from None
    ws = wb.worksheets[0]
    rows = [["" if v is None else (v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v)) for v in r]
            for r in ws.iter_rows(values_only=True)]
    wb.close()
    return _frame(pd.DataFrame(rows, dtype=object), header_search=15)


ALL_HEADERS = {h.lower() for d in DATASETS.values() for f in d.fields for h in (f.zh, f.en, f.name)}


def _frame(raw: pd.DataFrame, header_search: int):
    """Find the header row among the first rows, skip what is above it, name the columns."""
    notes: list[str] = []
    raw = raw.fillna("").astype(str)
    header_at = None
    for i in range(min(header_search, len(raw))):
        cells = {str(c).strip().lower() for c in raw.iloc[i]}
        if len(cells & ALL_HEADERS) >= 2:
            header_at = i
            break
    if header_at is None:
        raise ImportError_("import.no_header")
    if header_at:
        notes.append(f"import.note_title_rows:{header_at}")
    header = [str(c).strip() for c in raw.iloc[header_at]]
    df = raw.iloc[header_at + 1:]
    df.columns = [h or f"col{j + 1}" for j, h in enumerate(header)]
    df.index = np.arange(header_at + 2, header_at + 2 + len(df))       # file row numbers (1-based)
    df = df.apply(lambda s: s.str.strip())
    blank = (df == "").all(axis=1)
    if blank.any():
        notes.append(f"import.note_blank_rows:{int(blank.sum())}")
        df = df[~blank]
    if len(df):
        first = df.iloc[-1].str.lower()
        if first.apply(lambda v: any(v.startswith(w) for w in TOTAL_WORDS)).any():
            notes.append(f"import.note_totals_row:{int(df.index[-1])}")
            df = df.iloc[:-1]
    return df, notes, header_at + 2


