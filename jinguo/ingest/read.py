"""Reading a register file: bytes -> a frame of strings with the file's row numbers.

The format is told by content (see :mod:`.office`): workbooks (.xls, .xlsx, .xlsm, .xlsb, .ods, WPS .et)
through python-calamine; anything else is read as CSV in UTF-8 (with or without BOM), GBK or GB18030,
detected, so a CSV saved under a .xls name still reads. In a workbook the sheet whose header matches the
dataset best is used (an instructions sheet such as 填表说明 before it is skipped, with a note); with
several matching sheets the others are named in a note and ``sheet=`` picks one (a name, or its
position counting from 1). The header row may sit below merged title rows; a city written once and
merged down over its rows is filled down (merged ranges only, never a blank cell by itself); blank rows,
a totals row (合计/总计/Total) and a signature footer (填表人：…) are skipped, each with a note.
Nothing here validates values.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jinguo.ingest import office
from jinguo.ingest.cells import norm_header, note
from jinguo.store.datasets import DATASETS, ImportError_

MAX_BYTES = 200 * 1024 * 1024
UPLOAD_TYPES = ("csv", "txt", "xls", "xlsx", "xlsm", "xlsb", "ods", "et")
HEADER_SEARCH = 30
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "total", "sum")
FOOTER_WORDS = ("填表人", "填报人", "制表人", "审核人", "负责人", "填表日期", "填报日期", "注：", "注:", "备注：", "说明：")
ALL_HEADERS = frozenset(norm_header(h) for d in DATASETS.values() for f in d.fields for h in (f.zh, f.en, f.name))


@dataclass
class Table:
    """What was read: ``frame`` has the header texts as columns and the file's row numbers as index."""
    frame: pd.DataFrame
    notes: list[str]
    first_row: int
    kind: str = "csv"
    sheet: str = ""                                          # the sheet read ('' for CSV)
    sheets: list[str] = field(default_factory=list)         # every sheet whose header matched
    epoch1904: bool = False


def read_table(data: bytes, name: str = "", max_bytes: int = MAX_BYTES) -> tuple[pd.DataFrame, list[str], int]:
    """Bytes of a CSV or workbook -> (frame of strings, notes, first data row number in the file)."""
    t = read_file(data, name, max_bytes)
    return t.frame, t.notes, t.first_row


def read_file(data: bytes, name: str = "", max_bytes: int = MAX_BYTES, sheet: str | int | None = None,
              known: frozenset[str] = ALL_HEADERS) -> Table:
    """Bytes -> :class:`Table`. ``known``: normalised header names (:func:`norm_header`) that identify the
    header row and rank the sheets."""
    if len(data) > max_bytes:
        raise ImportError_("import.too_big", mb=max_bytes // (1024 * 1024))
    if not data.strip():
        raise ImportError_("import.empty")
    kind = office.sniff(data)
    if kind == "zip":
        raise ImportError_("import.not_table")
    if kind != "text":
        return _read_workbook(data, kind, sheet, known)
    if b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff") or data[:8] in (
            b"\x89PNG\r\n\x1a\n",) or data[:4] == b"%PDF":
        raise ImportError_("import.not_table")
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        raise ImportError_("import.web_page")      # "Excel" files some systems export: HTML or XML 2003
    text = _decode(data)
    del data
    try:
        raw = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False,
                          engine="c", on_bad_lines="error")   # ragged rows: the csv module below
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        rows = list(csv.reader(io.StringIO(text)))
        width = max((len(r) for r in rows), default=0)
        raw = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    raw = raw.fillna("").astype(str)
    raw.index = np.arange(1, len(raw) + 1)
    raw.columns = range(raw.shape[1])
    at, _ = _find_header([list(r) for r in raw.head(HEADER_SEARCH).itertuples(index=False)], known)
    if at is None:
        raise ImportError_("import.no_header")
    frame, notes, first = _frame(raw, at)
    return Table(frame, notes, first)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
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


def _find_header(rows: list[list[str]], known: frozenset[str]) -> tuple[int | None, int]:
    """-> (0-based header row among ``rows``, number of known names in it); the first row naming at least
    two known columns."""
    for i, r in enumerate(rows):
        cells = {norm_header(c) for c in r if str(c).strip()}
        score = len(cells & known)
        if score >= 2:
            return i, score
    return None, 0


def _pick_sheet(wb: office.Workbook, sheet: str | int | None, known: frozenset[str]):
    found = []
    for info in wb.sheets:
        at, score = _find_header(wb.head(info, HEADER_SEARCH), known)
        found.append((info, at, score))
    matching = [x for x in found if x[1] is not None]
    names = [i.name for i in wb.sheets]
    if sheet is not None and str(sheet).strip() != "":
        s = str(sheet).strip()
        hit = [x for x in found if x[0].name == s]
        if not hit and s.isdigit() and 1 <= int(s) <= len(found):
            hit = [found[int(s) - 1]]
        if not hit:
            raise ImportError_("import.no_sheet", sheet=s, sheets="、".join(names))
        if hit[0][1] is None:
            raise ImportError_("import.no_header_in_sheet", sheet=hit[0][0].name)
        chosen = hit[0]
    else:
        if not matching:
            raise ImportError_("import.no_header")
        chosen = sorted(matching, key=lambda x: (x[0].hidden, -x[2], x[0].index))[0]
    return chosen, [x[0].name for x in matching]


def _read_workbook(data: bytes, kind: str, sheet, known) -> Table:
    try:
        wb = office.open_workbook(data)
    except office.NotAWorkbook as e:
        raise ImportError_(e.key) from None
    try:
        (info, at, _), matching = _pick_sheet(wb, sheet, known)
        raw = wb.read(info)
        epoch = wb.epoch1904
    except ImportError_:
        raise
    except Exception:  # noqa: BLE001 - a sheet the reader cannot parse is one message, never a traceback
        raise ImportError_("import.not_workbook") from None
    finally:
        wb.close()
    notes: list[str] = []
    skipped = [s.name for s in wb.sheets if s.name != info.name]
    if len(wb.sheets) > 1:
        notes.append(note("import.note_sheet_used", sheet=info.name))
    if skipped:
        notes.append(note("import.note_sheets_skipped", sheets="、".join(skipped)))
    if len(matching) > 1:
        notes.append(note("import.note_sheets_several", sheets="、".join(matching)))
    filled = office.fill_merged_down(raw.frame, raw.merges, at)
    frame, more, first = _frame(raw.frame, at)
    header = list(frame.columns)
    for pos, n in sorted(filled.items()):
        if pos < len(header):
            notes.append(note("import.note_merged_down", column=header[pos], n=n))
    return Table(frame, notes + more, first, kind, info.name, matching, epoch)


def _frame(raw: pd.DataFrame, header_at: int) -> tuple[pd.DataFrame, list[str], int]:
    """Skip what is above the header row (0-based position), name the columns, drop blank, totals and
    footer rows. ``raw`` has positional columns and the file's row numbers as index."""
    notes: list[str] = []
    if header_at:
        notes.append(f"import.note_title_rows:{header_at}")
    header, names, seen = [str(c).strip() for c in raw.iloc[header_at]], [], set()
    for j, h in enumerate(header):
        h = " ".join(h.split())                   # a header typed over two lines (Alt+Enter) reads as one
        name = h or f"col{j + 1}"
        while name in seen:
            name += "'"
        seen.add(name)
        names.append(name)
    df = raw.iloc[header_at + 1:].copy()
    df.columns = names
    df = df.apply(lambda s: s.str.strip())
    blank = (df == "").all(axis=1)
    if blank.any():
        notes.append(f"import.note_blank_rows:{int(blank.sum())}")
        df = df[~blank]
    for _ in range(4):      # at the bottom: 小计 then 合计, a signature line (填表人：…)
        if not len(df):
            break
        last = df.iloc[-1]
        filled = last[last != ""]
        if filled.str.lower().map(lambda v: any(v.startswith(w) for w in TOTAL_WORDS)).any():
            notes.append(f"import.note_totals_row:{int(df.index[-1])}")
        elif len(filled) <= 3 and filled.map(lambda v: v.startswith(FOOTER_WORDS)).any():
            notes.append(note("import.note_footer_row", row=int(df.index[-1])))
        else:
            break
        df = df.iloc[:-1]
    return df, notes, int(raw.index[header_at]) + 1
