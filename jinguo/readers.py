"""Read a register file (bytes of a CSV or XLSX) into a frame of strings.

* CSV in UTF-8 (with or without BOM), GBK or GB18030 (detected with charset-normalizer,
  GBK read as its superset GB18030), UTF-16 with BOM (Excel's "Unicode text"); comma,
  tab or semicolon separated (sniffed).
* XLSX (first sheet with a header): the header row may sit below merged title rows;
  dates, times and numbers typed by Excel come back as the text a person would type.
* The header row is found among the first rows (the cells must name at least two known
  columns); title rows above it, blank rows and a totals row at the bottom (合计/总计/小计/
  Total) are skipped, each with a note.
* A file that cannot be a table (empty, binary, old .xls, over the size limit) raises
  :class:`FileRefused` with a message key: one line for the user, never a traceback.

Every cell comes back as a stripped string; the row index is the row number in the
file (1-based, as Excel shows it), so reports point at the right line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

MAX_BYTES = 200 * 1024 * 1024          # .streamlit/config.toml server.maxUploadSize = 200 (MB)
CSV_HEADER_SEARCH = 10                 # rows looked at for the header
XLSX_HEADER_SEARCH = 20
TOTAL_WORDS = frozenset({"合计", "总计", "小计", "共计", "累计", "total", "totals", "grandtotal", "sum",
                         "subtotal"})
BINARY_MAGIC = (b"\x89PNG\r\n\x1a\n", b"%PDF", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf",
                b"BM")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # legacy .xls / .doc


class FileRefused(ValueError):
    """The whole file is refused; ``key`` is a message key of the [import] catalogue section."""

    def __init__(self, key: str, **kw):
        self.key, self.kw = key, kw
        super().__init__(key)


def norm_header(text: object) -> str:
    """Header cell -> matching key: lower case, no spaces/underscores/stars, no trailing (unit)."""
    s = str(text).strip().lower()
    s = re.sub(r"[（(][^（）()]*[)）]\s*$", "", s)          # 经度（GCJ-02） -> 经度
    return re.sub(r"[\s_\-*＊:：\u3000]+", "", s)


def _is_total(cell: str) -> bool:
    return norm_header(cell).rstrip(".") in TOTAL_WORDS


def read_table(data: bytes, known_headers: Iterable[str], max_bytes: int = MAX_BYTES
               ) -> tuple[pd.DataFrame, list[str]]:
    """Bytes -> (frame of stripped strings indexed by file row number, notes).

    ``known_headers``: normalised header names (see :func:`norm_header`) that identify the header row.
    Notes are message keys with an argument after ``:`` (``import.note_blank_rows:3``).
    """
    known = frozenset(known_headers)
    if len(data) > max_bytes:
        raise FileRefused("import.too_big", mb=max(1, max_bytes // (1024 * 1024)))
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not body.strip():
        raise FileRefused("import.empty")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, known)
    if data[:8] == OLE2:
        raise FileRefused("import.old_xls")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    elif data.startswith(BINARY_MAGIC) or b"\x00" in data[:8192]:
        raise FileRefused("import.not_table")
    else:
        text = _decode(data)
    del data, body
    if _looks_binary(text[:8192]):
        raise FileRefused("import.not_table")
    return _read_csv_text(text, known)


def _looks_binary(sample: str) -> bool:
    ctrl = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return ctrl > max(3, len(sample) // 100)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            raise FileRefused("import.encoding") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    enc = (best.encoding if best else "gb18030").lower().replace("-", "").replace("_", "")
    # GB18030 is a superset of GBK/GB2312 (cp936): decoding as GB18030 never loses a character
    # GBK can hold, and also reads the rare characters only GB18030 has (㐀, 𠀀 …).
    if enc in ("gbk", "gb2312", "cp936", "gb18030", "hz", "big5", "cp950"):
        enc = "gb18030"
    for e in (enc, "gb18030"):
        try:
            return data.decode(e)
        except (UnicodeDecodeError, LookupError):
            continue
    raise FileRefused("import.encoding")


def _sniff(lines: list[str]) -> str:
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv_text(text: str, known: frozenset[str]) -> tuple[pd.DataFrame, list[str]]:
    head_lines = text[:200_000].splitlines()[:CSV_HEADER_SEARCH]
    sep = _sniff(head_lines)
    head_rows = list(csv.reader(head_lines, delimiter=sep))
    header_at = _find_header([[c for c in r] for r in head_rows], known)
    header = [str(c).strip() for c in head_rows[header_at]]
    try:
        # The C parser, all text: a million rows in a few seconds. Physical lines = file rows as long as no
        # quoted cell spans lines; the csv module below handles what the C parser refuses (ragged rows).
        raw = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, na_filter=False,
                          skip_blank_lines=False, engine="c", sep=sep, skiprows=header_at + 1,
                          names=range(len(header)), on_bad_lines="error", quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))[header_at + 1:]
        width = max([len(header), *(len(r) for r in rows)]) if rows else len(header)
        raw = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], columns=range(width), dtype=object)
    return _frame(raw, header, header_at)


def _cell(v) -> str:
    """An Excel cell value as the text a person would have typed."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d") if v.time() == dt.time(0) else v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M") if not v.second else v.strftime("%H:%M:%S")
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    return str(v)


def _read_xlsx(data: bytes, known: frozenset[str]) -> tuple[pd.DataFrame, list[str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook (a .docx, a broken zip) is one message
        raise FileRefused("import.not_table") from None
    try:
        notes: list[str] = []
        for n, ws in enumerate(wb.worksheets):
            rows = [[_cell(v) for v in r] for r in ws.iter_rows(values_only=True)]
            try:
                header_at = _find_header(rows[:XLSX_HEADER_SEARCH], known)
            except FileRefused:
                continue
            if n:
                notes.append(f"import.note_sheet:{ws.title}")
            header = [str(c).strip() for c in rows[header_at]]
            body = rows[header_at + 1:]
            width = max([len(header), *(len(r) for r in body)]) if body else len(header)
            raw = pd.DataFrame([r + [""] * (width - len(r)) for r in body], columns=range(width), dtype=object)
            frame, more = _frame(raw, header, header_at)
            return frame, notes + more
    finally:
        wb.close()
    raise FileRefused("import.no_header")


def _find_header(rows: list[list], known: frozenset[str]) -> int:
    for i, r in enumerate(rows):
        cells = {norm_header(c) for c in r if str(c).strip()}
        if len(cells & known) >= 2:
            return i
    raise FileRefused("import.no_header")


def _frame(raw: pd.DataFrame, header: list[str], header_at: int) -> tuple[pd.DataFrame, list[str]]:
    """Name the columns, number the rows as in the file, drop blank rows and a totals row at the bottom."""
    notes: list[str] = []
    if header_at:
        notes.append(f"import.note_title_rows:{header_at}")
    width = max(len(header), raw.shape[1])
    header = header + [""] * (width - len(header))
    raw = raw.reindex(columns=range(width), fill_value="")
    names, seen = [], set()
    for j, h in enumerate(header):
        name = h or f"col{j + 1}"
        while name in seen:
            name += "'"
        seen.add(name)
        names.append(name)
    raw.columns = names
    raw.index = np.arange(header_at + 2, header_at + 2 + len(raw))   # 1-based file row numbers
    df = raw.fillna("").astype(str)
    for c in df.columns:
        df[c] = df[c].str.strip()
    blank = (df == "").all(axis=1)
    if blank.any():
        notes.append(f"import.note_blank_rows:{int(blank.sum())}")
        df = df[~blank]
    for _ in range(3):   # 小计 then 合计 …
        if not len(df) or not any(_is_total(v) for v in df.iloc[-1]):
            break
        notes.append(f"import.note_totals_row:{int(df.index[-1])}")
        df = df.iloc[:-1]
    return df, notes
