"""Hand-typed cells, normalised column by column (pandas string operations, never a Python loop per
cell), with every change counted so the report can say what was done.

Each function takes a column of strings and returns the parsed column plus a dict of counts
{note key: cells changed}; the caller turns counts into report notes with :func:`note`.

- :func:`invisible`: zero-width characters and BOMs removed, NBSP and the ideographic space read as a
  space, the cell trimmed (every text column);
- :func:`fold`: NFKC (full-width digits and letters ``１１７．０２３０`` -> ``117.0230``), for columns that
  are parsed (numbers, dates, codes, yes/no), not for names and addresses, which keep their punctuation;
- :func:`number`: thousands separators (``1,200``), a unit in the cell (``1200个``, ``12人``, ``29.3%``),
  ``1.2万``;
- :func:`date`: ISO dates (what the workbook reader gives for a date cell), ``2023/5/1``, ``2023.5.1``,
  ``2023年5月1日``, ``20230501``, and Excel serial numbers (1900 or 1904 date system);
- :func:`time`: ``08:30``, ``8:30``, ``8点30分``, an Excel day fraction (``0.354166…``);
- :func:`yes_no`: 是/否, 有/无, √/×, Y/N, TRUE/FALSE, 1/0.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pandas as pd

INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
SPACES = "[\u00a0\u3000\u2002\u2003\u2009\u202f]"
COMPAT = "[\u00a0-\u00bf\u2000-\u2bff\u2e80-\u2fff\u3000\u3200-\u33ff\uf900-\ufaff\ufb00-\ufb4f\ufe30-\ufe6f\uff00-\uffef]"
UNITS = ("人次", "小时", "个", "人", "次", "对", "家", "场", "名", "项", "位", "户", "所", "间", "元", "条", "件",
         "套", "期", "批", "班", "天", "年", "场次", "万人", "%", "‰", "°")
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_NUM = re.compile(rf"^(?P<n>[+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<wan>万|亿)?\s*(?P<unit>{_UNIT_RE})?$")
TRUE = ("是", "有", "√", "✓", "✔", "y", "yes", "true", "t", "1", "对")
FALSE = ("否", "无", "×", "✗", "✘", "x", "n", "no", "false", "f", "0", "没有", "")
CANONICAL_BOOL = ("是", "否", "")
EXCEL_1900 = pd.Timestamp("1899-12-30")
EXCEL_1904 = pd.Timestamp("1904-01-01")
SERIAL_MIN, SERIAL_MAX = 18264, 73415      # 1950-01-01 .. 2100-12-31 in the 1900 system


def note(key: str, **kw) -> str:
    """A report note: a message key with named arguments (read by ``messages.message``)."""
    return f"{key}:{json.dumps(kw, ensure_ascii=False, sort_keys=True)}" if kw else key


def _changed(before: pd.Series, after: pd.Series) -> int:
    return int((before != after).sum())


def _some(mask: pd.Series) -> bool:
    return bool(mask.any())


def invisible(s: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Remove zero-width characters, read NBSP / ideographic spaces as spaces, trim."""
    odd = s.str.contains(f"{INVISIBLE}|{SPACES}", regex=True)
    if not _some(odd):
        return s, {}
    out = s.copy()
    sub = s[odd]
    out[odd] = sub.str.replace(INVISIBLE, "", regex=True).str.replace(SPACES, " ", regex=True).str.strip()
    return out, {"import.note_invisible": _changed(sub.str.strip(), out[odd])}


def fold(s: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """NFKC on the cells that need it (non-ASCII ones only, so ASCII columns cost one scan)."""
    wide = s.str.contains("[^\x00-\x7f]", regex=True)
    if not _some(wide):
        return s, {}
    out = s.copy()
    out[wide] = s[wide].str.normalize("NFKC").str.strip()
    return out, {"import.note_fullwidth": _changed(s[wide], out[wide])}


def number(s: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Text -> float (NaN where unreadable or empty). ``s`` must already be folded (NFKC)."""
    out = pd.to_numeric(s, errors="coerce")
    rest = out.isna() & (s != "")
    if not _some(rest):
        return out, {}
    t = s[rest]
    grouped = t.str.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?\s*\S*")
    t = t.where(~grouped, t.str.replace(",", "", regex=False))
    parts = t.str.extract(_NUM)
    val = pd.to_numeric(parts["n"], errors="coerce")
    mult = parts["wan"].map({"万": 1e4, "亿": 1e8}).astype(float).fillna(1.0)
    out[rest] = val * mult
    ok = out[rest].notna()
    return out, {"import.note_thousands": int((grouped & ok).sum()), "import.note_unit": int(parts["unit"].notna().sum()),
                 "import.note_wan": int(parts["wan"].notna().sum())}


def date(s: pd.Series, epoch1904: bool = False) -> tuple[pd.Series, dict[str, int]]:
    """Text -> datetime64 (NaT where unreadable). ``s`` must already be folded (NFKC)."""
    out = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    todo = out.isna() & (s != "")
    if not _some(todo):
        return out, {}
    t = s[todo]
    cn = t.str.fullmatch(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]?")
    u = t.str.replace(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$", r"\1-\2-\3", regex=True)
    dots = u.str.fullmatch(r"\d{4}[./]\d{1,2}[./]\d{1,2}")
    u = u.str.replace(r"^(\d{4})[./-](\d{1,2})[./-](\d{1,2})(\s+\d{1,2}:\d{2}(:\d{2})?)?$", r"\1-\2-\3",
                      regex=True)
    compact = u.str.fullmatch(r"(19|20)\d{6}")
    u = u.where(~compact, u.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True))
    parsed = pd.to_datetime(u, format="%Y-%m-%d", errors="coerce")
    serial = pd.to_numeric(t.where(parsed.isna()), errors="coerce")
    is_serial = serial.notna() & (serial >= SERIAL_MIN) & (serial <= SERIAL_MAX) & (serial == serial.round())
    base = EXCEL_1904 if epoch1904 else EXCEL_1900
    parsed = parsed.where(parsed.notna(), base + pd.to_timedelta(serial.where(is_serial), unit="D"))
    out[todo] = parsed
    ok = parsed.notna()
    return out, {"import.note_date_cn": int((cn & ok).sum()), "import.note_date_dots": int((dots & ok).sum()),
                 "import.note_date_compact": int((compact & ok).sum()),
                 "import.note_date_serial": int((is_serial & ok).sum())}


def time(s: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Text -> 'HH:MM:SS' text (None where unreadable or empty). ``s`` must already be folded."""
    tm = pd.to_datetime(s, format="%H:%M", errors="coerce")
    todo = tm.isna() & (s != "")
    counts: dict[str, int] = {}
    if _some(todo):
        t = s[todo]
        u = t.str.replace(r"^(\d{1,2})\s*[点时:]\s*(\d{1,2})?\s*分?$", r"\1:\2", regex=True)
        u = u.str.replace(r":$", ":00", regex=True)
        got = pd.to_datetime(u, format="%H:%M", errors="coerce")
        got = got.fillna(pd.to_datetime(u, format="%H:%M:%S", errors="coerce"))
        frac = pd.to_numeric(t.where(got.isna()), errors="coerce")
        is_frac = frac.notna() & (frac >= 0) & (frac < 1)
        secs = (frac.where(is_frac) * 86400).round()
        got = got.fillna(pd.Timestamp("1900-01-01") + pd.to_timedelta(secs, unit="s"))
        tm[todo] = got
        counts = {"import.note_time_fraction": int(is_frac.sum()),
                  "import.note_time_cn": int((t.str.contains("[点时]", regex=True) & got.notna()).sum())}
    return tm.dt.strftime("%H:%M:%S").where(tm.notna(), None), counts


def yes_no(s: pd.Series) -> tuple[pd.Series, pd.Series, dict[str, int]]:
    """Text -> (bool column, unreadable mask). ``s`` must already be folded."""
    yes = s.isin(("是", "1"))
    plain = yes | s.isin(("否", "", "0"))
    if bool(plain.all()):
        return yes, ~plain, {}
    low = s.str.lower()
    yes, no = low.isin(TRUE), low.isin(FALSE)
    other = ~(yes | no)
    mapped = ~other & ~s.isin(CANONICAL_BOOL)
    return yes, other, {"import.note_yes_no": int(mapped.sum())}


def norm_header(text: object) -> str:
    """A header cell -> the key it is matched by: NFKC, lower case, no spaces or line breaks, no
    required-marker stars, no trailing unit in brackets (``经度\\n（GCJ-02）`` -> ``经度``)."""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    s = re.sub(INVISIBLE, "", s)
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[(（\[【][^()（）\[\]【】]*[)）\]】]$", "", s)
    return re.sub(r"[*＊:：_\-]+", "", s)


def counts_to_notes(column: str, counts: dict[str, int]) -> list[str]:
    return [note(k, column=column, n=n) for k, n in counts.items() if n]

