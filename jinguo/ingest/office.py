"""Workbooks as county offices send them: bytes -> one frame of strings per sheet.

Formats are told by content, never by the file name:

- OLE2 compound file (``D0 CF 11 E0``): Excel 97-2003 ``.xls`` and WPS ``.et`` (WPS writes BIFF8 there);
- ZIP with ``xl/workbook.xml``: ``.xlsx``, ``.xlsm`` (macros are never run, only cell values read), WPS
  ``.et`` saved as OOXML; ``xl/workbook.bin``: ``.xlsb``;
- ZIP with ``mimetype`` ``application/vnd.oasis.opendocument.spreadsheet``: ``.ods``;
- anything else is left to the CSV reader (a GBK CSV named ``.xls`` is still a CSV).

Cells are read with python-calamine (Rust; xls, xlsx, xlsm, xlsb, ods) and come back as the text a
person would have typed: ``12`` not ``12.0``, ``117.023`` not ``117.02300000000001`` (15 significant digits,
as Excel shows a number), date cells as ISO dates (the workbook's 1900 or 1904 date system is applied by
calamine), times as ``08:30``. A formula gives its cached value. An error cell (``#DIV/0!``) reads as empty.
xlrd is the fallback for an old ``.xls`` calamine refuses. Merged ranges come from calamine for xls/xlsx;
for ODS (calamine gives none) from ``table:number-rows-spanned`` in ``content.xml``.

Rows are converted in chunks into Arrow-backed strings, so a million-row sheet never holds millions of
Python objects at once.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
CHUNK = 65_536


class NotAWorkbook(ValueError):
    """The bytes look like a workbook but no reader can open them; ``key`` is a message key."""

    def __init__(self, key: str):
        self.key = key
        super().__init__(key)


def sniff(data: bytes) -> str:
    """-> 'xls', 'xlsx', 'xlsm', 'xlsb', 'ods', 'zip' (another zip: docx, pptx …) or 'text'."""
    if data[:8] == OLE2:
        return "xls"
    if data[:4] != b"PK\x03\x04":
        return "text"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "mimetype" in names and z.read("mimetype").strip().startswith(ODS_MIME):
                return "ods"
            if "xl/workbook.xml" in names:
                macro = "xl/vbaProject.bin" in names or b"macroEnabled" in z.read("[Content_Types].xml") \
                    if "[Content_Types].xml" in names else False
                return "xlsm" if macro else "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "content.xml" in names and b"spreadsheet" in z.read("content.xml")[:4096]:
                return "ods"
    except (zipfile.BadZipFile, KeyError, OSError):
        return "zip"
    return "zip"


@dataclass
class SheetInfo:
    name: str
    index: int
    hidden: bool


@dataclass
class RawSheet:
    """One sheet as read: ``frame`` has positional columns 0..n-1 and the file's 1-based row numbers as
    index; every cell a string ('' when empty)."""
    info: SheetInfo
    frame: pd.DataFrame
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)   # 0-based r0, c0, r1, c1 inclusive


class Workbook:
    """An opened workbook: :attr:`sheets` lists every sheet; :meth:`head` and :meth:`read` give cells."""

    def __init__(self, data: bytes, kind: str):
        import python_calamine as pc

        self.kind = kind
        self._data = data
        self._xlrd = None
        self._loaded: dict[int, object] = {}      # the sheet head() loaded, kept for read()
        try:
            self._wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
            meta = self._wb.sheets_metadata
            self.sheets = [SheetInfo(m.name, i, str(m.visible).rsplit(".", 1)[-1] != "Visible")
                           for i, m in enumerate(meta) if str(m.typ).rsplit(".", 1)[-1] == "WorkSheet"]
        except Exception:  # noqa: BLE001 - calamine refuses some old BIFF files; xlrd may read them
            self._wb = None
            self.sheets = self._open_xlrd()
        self.epoch1904 = self._date1904()

    # ------------------------------------------------------------------ fallbacks and workbook facts
    def _open_xlrd(self) -> list[SheetInfo]:
        if self.kind != "xls":
            raise NotAWorkbook("import.not_table")
        import xlrd

        try:
            self._xlrd = xlrd.open_workbook(file_contents=self._data, formatting_info=False)
        except Exception:  # noqa: BLE001 - a .doc, an encrypted or WPS-private file: one message
            raise NotAWorkbook("import.not_workbook") from None
        return [SheetInfo(s.name, i, bool(s.visibility)) for i, s in enumerate(self._xlrd.sheets())]

    def _date1904(self) -> bool:
        """Whether plain numbers typed as Excel serial dates count from 1904 (old Mac Excel)."""
        try:
            if self.kind in ("xlsx", "xlsm"):
                with zipfile.ZipFile(io.BytesIO(self._data)) as z:
                    return re.search(rb'date1904="(1|true)"', z.read("xl/workbook.xml")) is not None
            if self.kind == "xls":
                if self._xlrd is not None:
                    return bool(self._xlrd.datemode)
                return _biff_1904(self._data)
            if self.kind == "ods":
                with zipfile.ZipFile(io.BytesIO(self._data)) as z:
                    head = z.read("content.xml")[:200_000]
                return re.search(rb'null-date[^>]*date-value="1904-01-01"', head) is not None
        except Exception:  # noqa: BLE001 - an unreadable flag means the default (1900) system
            return False
        return False

    # ------------------------------------------------------------------ cells
    def _rows(self, info: SheetInfo):
        """(row iterator from row 0, merged ranges)."""
        if self._xlrd is not None:
            sh = self._xlrd.sheet_by_index(info.index)
            merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
            return (_xlrd_row(sh, i, self._xlrd.datemode) for i in range(sh.nrows)), merges
        sh = self._loaded.get(info.index)
        if sh is None:
            sh = self._loaded[info.index] = self._wb.get_sheet_by_name(info.name)
        merges = [(a[0], a[1], b[0], b[1]) for a, b in (sh.merged_cell_ranges or [])]
        if self.kind == "ods":
            merges = _ods_merges(self._data, info.index)
        start = sh.start or (0, 0)

        def it():
            pad_left = [""] * start[1]
            for _ in range(start[0]):
                yield []
            for r in sh.iter_rows():
                yield pad_left + r if pad_left else r
        return it(), merges

    def head(self, info: SheetInfo, n: int = 30) -> list[list[str]]:
        """The first ``n`` rows of a sheet as text (to find the header)."""
        rows, _ = self._rows(info)
        out = []
        for row in rows:
            if len(out) >= n:
                break
            out.append([cell_text(v) for v in row])
        return out

    def read(self, info: SheetInfo) -> RawSheet:
        rows, merges = self._rows(info)
        frame = _to_frame(rows)
        self._loaded.clear()         # calamine holds the whole sheet in memory: let it go
        _give_back()
        return RawSheet(info, frame, merges)

    def close(self) -> None:
        self._loaded.clear()
        if self._wb is not None:
            self._wb.close()
        self._data = b""


def _give_back() -> None:
    """Return the freed heap to the system. calamine's cells are millions of small allocations in glibc's
    heap; freed, they stay in the process unless trimmed, and pandas/Arrow (another allocator) cannot reuse
    them, so a 1M-row sheet would add ~1 GB to the import's peak."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):       # not glibc: nothing to do
        pass


def open_workbook(data: bytes) -> Workbook:
    kind = sniff(data)
    if kind in ("text", "zip"):
        raise NotAWorkbook("import.not_table")
    return Workbook(data, kind)


def _biff_1904(data: bytes) -> bool:
    """The DATEMODE record of an .xls workbook's globals (xlrd's open_workbook would parse every shared
    string first: seconds for a full sheet)."""
    import struct

    from xlrd import compdoc

    cd = compdoc.CompDoc(data)
    for name in ("Workbook", "Book"):
        mem, base, size = cd.locate_named_stream(name)
        if mem is not None:
            break
    else:
        return False
    pos, end = base, base + size
    while pos + 4 <= end:
        rtype, rlen = struct.unpack_from("<HH", mem, pos)
        if rtype == 0x0022:                  # DATEMODE: 1 = 1904 system
            return struct.unpack_from("<H", mem, pos + 4)[0] == 1
        if rtype == 0x000A:                  # EOF of the globals
            return False
        pos += 4 + rlen
    return False


def _xlrd_row(sh, i: int, datemode: int) -> list:
    import xlrd

    out = []
    for c in sh.row(i):
        if c.ctype == xlrd.XL_CELL_DATE:
            try:
                out.append(xlrd.xldate.xldate_as_datetime(c.value, datemode))
            except (ValueError, OverflowError):
                out.append(c.value)
        elif c.ctype == xlrd.XL_CELL_BOOLEAN:
            out.append(bool(c.value))
        elif c.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            out.append("")
        else:
            out.append(c.value)
    return out


def cell_text(v) -> str:
    """A cell value as the text a person would have typed."""
    if v.__class__ is str:
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        s = f"{v:.15g}"
        return s
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d") if v.time() == dt.time(0) else v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M") if not v.second else v.strftime("%H:%M:%S")
    if isinstance(v, dt.timedelta):
        secs = int(round(v.total_seconds()))
        h, m, s = secs // 3600, secs // 60 % 60, secs % 60
        return f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")
    return str(v)


def _to_frame(rows) -> pd.DataFrame:
    """Row lists -> frame of Arrow strings, converted CHUNK rows at a time (a text column goes to Arrow in
    one call; only columns holding numbers, dates or booleans are converted cell by cell)."""
    import pyarrow as pa

    cols: list[list] = []
    n = 0

    def flush(chunk):
        width = max((len(r) for r in chunk), default=0)
        while len(cols) < width:
            cols.append([pa.array([""] * n, type=pa.large_string())] if n else [])
        if not all(len(r) == width for r in chunk):
            chunk = [r + [""] * (width - len(r)) for r in chunk]
        for parts, vals in zip(cols, zip(*chunk)):         # transposed in C, one tuple per column
            try:
                arr = pa.array(vals, type=pa.large_string())
            except (pa.ArrowTypeError, pa.ArrowInvalid):
                arr = pa.array([cell_text(v) for v in vals], type=pa.large_string())
            parts.append(arr)

    chunk: list[list] = []
    for r in rows:
        chunk.append(r)
        if len(chunk) == CHUNK:
            flush(chunk)
            n += len(chunk)
            chunk = []
    if chunk:
        flush(chunk)
        n += len(chunk)
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    data = {j: pd.Series(pa.chunked_array(parts, type=pa.large_string()).to_pandas(types_mapper={
        pa.large_string(): dtype}.get)) for j, parts in enumerate(cols)}
    frame = pd.DataFrame(data) if data else pd.DataFrame(index=pd.RangeIndex(n))
    # Trailing columns with nothing in them (a sheet formatted far to the right) are dropped.
    keep = len(frame.columns)
    while keep and not (frame[keep - 1] != "").any():
        keep -= 1
    frame = frame.iloc[:, :keep]
    frame.index = np.arange(1, n + 1)
    return frame


def fill_merged_down(frame: pd.DataFrame, merges: list[tuple[int, int, int, int]], below: int
                     ) -> dict[int, int]:
    """Fill each vertically merged range that starts below 0-based row ``below`` with its top-left value
    (only merged ranges, never a blank cell by itself). Returns {column position: cells filled}."""
    filled: dict[int, int] = {}
    for r0, c0, r1, _c1 in merges:
        if r1 <= r0 or r0 <= below or r0 >= len(frame) or c0 >= len(frame.columns):
            continue
        top = frame.iat[r0, c0]
        if top == "":
            continue
        stop = min(r1, len(frame) - 1)
        frame.iloc[r0 + 1: stop + 1, c0] = top
        filled[c0] = filled.get(c0, 0) + stop - r0
    return filled


# --------------------------------------------------------------------------- ODS merged ranges
_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_merges(data: bytes, sheet_index: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges of one ODS sheet from content.xml (streamed; cells never kept)."""
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        with z.open("content.xml") as fh:
            probe = fh.read()
    if b"number-rows-spanned" not in probe and b"number-columns-spanned" not in probe:
        return []
    merges: list[tuple[int, int, int, int]] = []
    table = -1
    row = col = 0
    row_rep = 1
    for event, el in ET.iterparse(io.BytesIO(probe), events=("start", "end")):
        tag = el.tag
        if tag == _T + "table":
            if event == "start":
                table += 1
                row = 0
            elif table == sheet_index:
                break
            continue
        if table != sheet_index:
            if event == "end" and tag in (_T + "table-row",):
                el.clear()
            continue
        if tag == _T + "table-row":
            if event == "start":
                col = 0
                row_rep = int(el.get(_T + "number-rows-repeated", "1"))
            else:
                row += row_rep
                el.clear()
        elif tag in (_T + "table-cell", _T + "covered-table-cell") and event == "start":
            rs = int(el.get(_T + "number-rows-spanned", "1"))
            cs = int(el.get(_T + "number-columns-spanned", "1"))
            if tag == _T + "table-cell" and (rs > 1 or cs > 1):
                merges.append((row, col, row + rs - 1, col + cs - 1))
            col += int(el.get(_T + "number-columns-repeated", "1"))
    return merges
