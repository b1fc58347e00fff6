"""Import the registers provinces keep (CSV or XLSX): validate every row, report every problem,
load all or nothing.

Reading: CSV in UTF-8 (with or without BOM), GBK or GB18030, detected; XLSX whose header
row sits below merged title rows, with blank rows and a totals row (合计/总计/Total) that
are skipped with a note. Headers in Chinese or English, any order, spaces ignored.

Validation is done column by column (pandas), never row by row in Python, so a
million rows validate in seconds. Every problem is a row of the report:
(row, column, value, reason).

Loading never writes the live database in place. Under an exclusive lock file,
the live file is copied beside itself, the copy is changed in ONE transaction
(upsert by id, imported rows replace demo rows of the cities they cover, derived
indicators recomputed, an import_log row), checkpointed, closed and renamed over
the live file. Viewers keep reading the old file until their next rerun picks
up the new one; a killed import leaves only a temp file, never a changed database.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import os
import re
import shutil
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from jinguo import coords
from jinguo.access import User, can_import
from jinguo.paths import db_path

MAX_BYTES = 200 * 1024 * 1024
TOTAL_WORDS = ("合计", "总计", "小计", "total", "sum")
FORMULA = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Field:
    name: str
    zh: str
    en: str
    kind: str = "text"          # id, text, int, float, date, time, bool, region, enum
    required: bool = True
    choices: tuple[str, ...] = ()
    example: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    table: str
    id_cols: tuple[str, ...]
    fields: tuple[Field, ...]
    region_level: str = "city"  # the finest level the region column may name


B = "bool"
DATASETS = {d.name: d for d in (
    Dataset("mother_rooms", "mother_room", ("room_id",), (
        Field("room_id", "编号", "room_id", "id", example="R37IMP0001"),
        Field("name", "名称", "name", example="济南市总工会妈妈小屋"),
        Field("region", "所在区县", "region", "region", example="济南市历下区"),
        Field("address", "地址", "address", example="山东省济南市历下区泉城路1号"),
        Field("lon", "经度", "lon", "float", example="117.0230"),
        Field("lat", "纬度", "lat", "float", example="36.6650"),
        Field("kind", "类型", "kind", "enum", choices=("workplace_room", "workplace_corner", "workplace_box",
                                                       "public", "mobile_bus"), example="public"),
        Field("has_lock", "可上锁", "has_lock", B, False, example="是"),
        Field("has_sink", "洗手池", "has_sink", B, False, example="是"),
        Field("has_fridge", "冰箱", "has_fridge", B, False, example="否"),
        Field("has_outlet", "电源插座", "has_outlet", B, False, example="是"),
        Field("has_seating", "座椅", "has_seating", B, False, example="是"),
        Field("has_changing_table", "尿布台", "has_changing_table", B, False, example="是"),
        Field("open_time", "开放时间", "open_time", "time", False, example="08:30"),
        Field("close_time", "关闭时间", "close_time", "time", False, example="17:30"),
        Field("open_days", "开放日", "open_days", "text", False, example="1234567"),
        Field("opened_date", "启用日期", "opened_date", "date", example="2023-05-01"),
        Field("digital", "数字化管理", "digital", B, False, example="是"),
        Field("navigable", "可线上导航", "navigable", B, False, example="是"),
        Field("internal", "仅限内部", "internal", B, False, example="否"),
        Field("contact", "联系人", "contact", "text", False, example="工会办公室"),
    ), region_level="district"),
    Dataset("matchmaking_events", "matchmaking_event", ("event_id",), (
        Field("event_id", "编号", "event_id", "id", example="E2024-IMP-0001"),
        Field("event_date", "日期", "event_date", "date", example="2024年5月20日"),
        Field("region", "城市", "region", "region", example="哈尔滨"),
        Field("format", "形式", "format", "enum", choices=("online", "offline", "tv"), example="offline"),
        Field("session_type", "专场类型", "session_type", example="读书会"),
        Field("organiser", "主办", "organiser", example="哈尔滨市总工会"),
        Field("matchmakers", "红娘人数", "matchmakers", "int", example="12"),
        Field("units", "参与单位", "units", "int", example="30"),
        Field("participants", "参与人数", "participants", "int", example="200"),
        Field("pairs", "牵手对数", "pairs", "int", example="18"),
    )),
    Dataset("studios", "innovation_studio", ("studio_id",), (
        Field("studio_id", "编号", "studio_id", "id", example="S44IMP0001"),
        Field("name", "名称", "name", example="示例女职工创新工作室"),
        Field("lead", "领衔人", "lead", example="张某"),
        Field("employer", "单位", "employer", example="广州某公司"),
        Field("region", "城市", "region", "region", example="广州市"),
        Field("level", "层级", "level", "enum", choices=("national", "provincial", "city", "industry"),
              example="city"),
        Field("industry", "行业", "industry", example="制造"),
        Field("founded_year", "创建年份", "founded_year", "int", example="2021"),
    )),
    Dataset("studio_outputs", "studio_output", ("studio_id", "year"), (
        Field("studio_id", "工作室编号", "studio_id", "text", example="S44IMP0001"),
        Field("year", "年份", "year", "int", example="2023"),
        Field("patents", "专利", "patents", "int", example="2"),
        Field("problems_solved", "攻克难题", "problems_solved", "int", example="5"),
        Field("awards", "获奖", "awards", "int", example="1"),
        Field("trainings", "授课培训", "trainings", "int", example="10"),
        Field("trainees", "培训人次", "trainees", "int", example="240"),
        Field("talents", "培养人才", "talents", "int", example="6"),
    )),
    Dataset("indicator_values", "indicator_value", ("indicator_code", "region_code", "year"), (
        Field("indicator_code", "指标代码", "indicator_code", "text", example="og_orgs"),
        Field("region", "城市", "region", "region", example="重庆市"),
        Field("year", "年份", "year", "int", example="2023"),
        Field("value", "数值", "value", "float", example="41000"),
    )),
)}
TRUE = {"1", "true", "yes", "y", "是", "有", "√", "✓", "t"}
FALSE = {"0", "false", "no", "n", "否", "无", "×", "f", ""}


class ImportError_(ValueError):
    """The whole file is refused (empty, not CSV/XLSX, too large, header missing)."""

    def __init__(self, key: str, **kw):
        self.key, self.kw = key, kw
        super().__init__(key)


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

    @property
    def rejected(self) -> int:
        return int(self.problems["row"].nunique()) if len(self.problems) else 0


# --------------------------------------------------------------------------- reading
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


# --------------------------------------------------------------------------- validation
def _problems(mask: pd.Series, df: pd.DataFrame, col: str, reason: str) -> pd.DataFrame:
    idx = mask[mask].index
    return pd.DataFrame({"row": idx, "column": col, "value": df.loc[idx, col] if col in df else "",
                         "reason": reason})


def _parse_dates(s: pd.Series) -> pd.Series:
    t = s.str.replace(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$", r"\1-\2-\3", regex=True)
    t = t.str.replace("/", "-", regex=False).str.replace(".", "-", regex=False)
    t = t.str.replace(r"\s+00:00:00$", "", regex=True)
    return pd.to_datetime(t, format="%Y-%m-%d", errors="coerce")


class Regions:
    """Resolve a region cell (adcode, 山东省 / 山东 / Shandong, 洛阳市 / 洛阳) against the region table."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        r = con.execute("select adcode, level, name_zh, name_short, name_en, province_code, city_code "
                        "from region").df()
        self.by_code = r.set_index("adcode")
        keys = pd.concat([r.assign(k=r["adcode"]), r.assign(k=r["name_zh"]), r.assign(k=r["name_short"]),
                          r.assign(k=r["name_en"].str.lower())])
        # A city wins over a district of the same name (洛阳 is the city, not some 洛阳镇).
        g = keys.groupby("k")["adcode"].agg(lambda s: sorted(set(s)))
        self.lookup = g.to_dict()

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


def _map_headers(df: pd.DataFrame, ds: Dataset) -> tuple[pd.DataFrame, list[str], list[str]]:
    alias = {}
    for f in ds.fields:
        for h in (f.zh, f.en, f.name):
            alias[h.strip().lower()] = f.name
    rename, unknown = {}, []
    for c in df.columns:
        k = str(c).strip().lower()
        if k in alias:
            rename[c] = alias[k]
        else:
            unknown.append(str(c))
    out = df.rename(columns=rename)[[c for c in rename.values()]]
    missing = [f.name for f in ds.fields if f.required and f.name not in out.columns]
    return out, unknown, missing


def validate(data: bytes, dataset: str, con: duckdb.DuckDBPyConnection, crs: str = "gcj02",
             user: User | None = None, file_name: str = "", max_bytes: int = MAX_BYTES) -> Report:
    """Read and check a file; return the report with the good rows ready to load."""
    ds = DATASETS[dataset]
    raw, notes, _ = read_table(data, file_name, max_bytes)
    rep = Report(dataset, rows=len(raw), notes=notes)
    df, unknown, missing = _map_headers(raw, ds)
    if unknown:
        rep.notes.append("import.note_unknown_columns:" + "、".join(unknown[:10]))
    if missing:
        names = "、".join(next(f.zh for f in ds.fields if f.name == m) + f"/{m}" for m in missing)
        raise ImportError_("import.missing_columns", columns=names)
    if not len(df):
        raise ImportError_("import.empty")
    probs: list[pd.DataFrame] = []
    out = pd.DataFrame(index=df.index)
    for f in ds.fields:
        if f.name not in df:
            continue
        s = df[f.name]
        empty = s == ""
        if f.required:
            probs.append(_problems(empty, df, f.name, "import.err_required"))
        formula = s.str.startswith(FORMULA) & ~s.str.fullmatch(r"[-+]?\d+(\.\d+)?") if f.kind in (
            "text", "id", "region") else pd.Series(False, index=s.index)
        probs.append(_problems(formula, df, f.name, "import.err_formula"))
        if f.kind in ("int", "float"):
            num = pd.to_numeric(s.str.replace(",", "", regex=False).str.replace("，", "", regex=False),
                                errors="coerce")
            bad = ~empty & num.isna()
            probs.append(_problems(bad, df, f.name, "import.err_number"))
            if f.kind == "int":
                probs.append(_problems(~bad & ~empty & (num != num.round()), df, f.name, "import.err_integer"))
                probs.append(_problems(~bad & (num < 0), df, f.name, "import.err_negative"))
            out[f.name] = num
        elif f.kind == "date":
            d = _parse_dates(s)
            probs.append(_problems(~empty & d.isna(), df, f.name, "import.err_date"))
            out[f.name] = d.dt.date
        elif f.kind == "time":
            tm = pd.to_datetime(s, format="%H:%M", errors="coerce").fillna(
                pd.to_datetime(s, format="%H:%M:%S", errors="coerce"))
            probs.append(_problems(~empty & tm.isna(), df, f.name, "import.err_time"))
            out[f.name] = tm.dt.strftime("%H:%M:%S").where(~tm.isna(), None)   # text; DuckDB casts to TIME
        elif f.kind == "bool":
            low = s.str.lower()
            probs.append(_problems(~low.isin(TRUE | FALSE), df, f.name, "import.err_bool"))
            out[f.name] = low.isin(TRUE)
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
        ok = set(r[0] for r in con.execute("select code from indicator where detail_table is null "
                                            "and agg <> 'ratio'").fetchall())
        probs.append(_problems(~out["indicator_code"].isin(ok), df, "indicator_code", "import.err_indicator"))
    if dataset == "studio_outputs" and "studio_id" in out:
        known = set(r[0] for r in con.execute("select studio_id from innovation_studio").fetchall())
        probs.append(_problems(~out["studio_id"].isin(known) & (out["studio_id"] != ""), df, "studio_id",
                               "import.err_studio"))
    return probs


def _provinces(dataset, out, con) -> pd.Series:
    if "region_code" in out:
        return out["region_code"].where(out["region_code"] != "", None).str.slice(0, 2) + "0000"
    if dataset == "studio_outputs":
        m = dict(con.execute("select studio_id, province_code from innovation_studio").fetchall())
        return out["studio_id"].map(m)
    return pd.Series(None, index=out.index, dtype=object)


# --------------------------------------------------------------------------- loading
def _rows_for_table(dataset: str, good: pd.DataFrame, con) -> pd.DataFrame:
    g = good.copy()
    g["origin"] = "imported"
    if dataset == "mother_rooms":
        r = con.execute("select adcode, level, city_code from region").df().set_index("adcode")
        lvl = g["region_code"].map(r["level"])
        g["city_code"] = np.where(lvl == "district", g["region_code"].map(r["city_code"]), g["region_code"])
        g["district_code"] = np.where(lvl == "district", g["region_code"], None)
        for c in ("has_lock", "has_sink", "has_fridge", "has_outlet", "has_seating", "has_changing_table",
                  "digital", "navigable", "internal"):
            g[c] = g[c].fillna(False).astype(bool)
        if "service_area" not in g:   # optional: a bus's served districts (see jinguo/room_demo.py)
            g["service_area"] = None
    elif dataset == "matchmaking_events":
        g["city_code"] = g["region_code"]
        g["fact_id"] = None
    elif dataset == "studios":
        g["fact_id"] = None
    elif dataset == "indicator_values":
        g["value"] = g["value"].astype(float)
    cols = [r[0] for r in con.execute(f"describe {DATASETS[dataset].table}").fetchall()]  # noqa: S608
    for c in cols:
        if c not in g:
            g[c] = None
    return g[cols]


def _lock(path: Path):
    fh = open(str(path) + ".lock", "w")  # noqa: SIM115 - held for the whole import
    fcntl.flock(fh, fcntl.LOCK_EX)
    return fh


def load(rep: Report, db: Path | None = None, file_name: str = "", sha256: str = "",
         user_name: str | None = None, on_copy: Callable[[Path], None] | None = None) -> Report:
    """Apply the report's good rows to the database at ``db`` atomically (copy, change, rename)."""
    ds = DATASETS[rep.dataset]
    live = Path(db or db_path())
    lock = _lock(live)
    tmp = live.with_name(f"{live.name}.importing.{os.getpid()}.{uuid.uuid4().hex[:6]}")
    try:
        shutil.copyfile(live, tmp)
        if on_copy:
            on_copy(tmp)
        con = duckdb.connect(str(tmp))
        try:
            con.execute("begin transaction")
            rows = _rows_for_table(rep.dataset, rep.good, con)
            con.register("_rows", rows)
            # A temp table typed like the target, so comparisons and inserts need no guessing.
            # Cast from the data itself: DuckDB 2.0 loses the rows of an empty "limit 0" copy filled with
            # more than one row group (122,880 rows) inside a transaction.
            typed = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in
                              con.execute(f"select column_name, column_type from (describe {ds.table})").fetchall())  # noqa: S608
            con.execute(f"create temp table _new as select {typed} from _rows")  # noqa: S608
            con.unregister("_rows")
            key = " and ".join(f"t.{c} = n.{c}" for c in ds.id_cols)
            cols = [c for c in rows.columns if c not in ds.id_cols]
            same = " and ".join(f"t.{c} is not distinct from n.{c}" for c in cols)
            table = ds.table
            existing = con.execute(f"select count(*) from {table} t join _new n on {key}").fetchone()[0]  # noqa: S608
            unchanged = con.execute(f"select count(*) from {table} t join _new n on {key} where {same}").fetchone()[0]  # noqa: S608,E501
            rep.added = len(rows) - existing
            rep.updated = existing - unchanged
            rep.unchanged = unchanged
            if rep.dataset in ("mother_rooms", "matchmaking_events", "studios"):
                city_col = "region_code" if rep.dataset == "studios" else "city_code"
                # Imported rows replace the demo rows of the cities they cover.
                if rep.dataset == "studios":
                    con.execute("delete from studio_output where studio_id in (select studio_id from "
                                "innovation_studio where origin = 'demo' and region_code in "
                                "(select distinct region_code from _new))")
                con.execute(f"delete from {table} where origin = 'demo' and {city_col} in "  # noqa: S608
                            f"(select distinct {city_col} from _new)")
            con.execute(f"delete from {table} t using _new n where {key}")  # noqa: S608
            con.execute(f"insert into {table} select * from _new")  # noqa: S608
            con.execute("drop table _new")
            from jinguo.build import derive_detail_indicators

            derive_detail_indicators(con)
            con.execute("insert into import_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [uuid.uuid4().hex, datetime.now(), rep.dataset, file_name[:200], sha256, rep.added,
                         rep.updated, rep.unchanged, rep.rejected, user_name])
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, live)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    return rep


def run_import(dataset: str, path: Path, db: Path | None = None, crs: str = "gcj02", dry_run: bool = False,
               skip_bad_rows: bool = False, user: User | None = None, max_bytes: int = MAX_BYTES) -> Report:
    """Validate ``path`` and, unless dry-run or any row is bad (without skip_bad_rows), load it."""
    data = Path(path).read_bytes()
    live = Path(db or db_path())
    con = duckdb.connect(str(live), read_only=True)
    try:
        rep = validate(data, dataset, con, crs=crs, user=user, file_name=Path(path).name, max_bytes=max_bytes)
    finally:
        con.close()
    if dry_run or (rep.rejected and not skip_bad_rows) or rep.good is None or rep.good.empty:
        return rep
    load(rep, live, Path(path).name, hashlib.sha256(data).hexdigest(), user.name if user else None)
    try:
        from jinguo import auth

        auth.record("import", user.name if user else None, dataset=dataset, file=Path(path).name,
                    added=rep.added, updated=rep.updated, unchanged=rep.unchanged, rejected=rep.rejected)
    except Exception:  # noqa: BLE001 - the audit file must not undo a finished import
        pass
    return rep


def message(key: str, lang: str = "zh") -> str:
    """A report reason or note key (with ':args') in the user's language."""
    from jinguo import i18n

    k, _, arg = key.partition(":")
    text = i18n.t(k, lang) if i18n.has(k, lang) else k
    return text.format(arg=arg) if "{arg}" in text else text


def report_frame(rep: Report, lang: str = "zh") -> pd.DataFrame:
    p = rep.problems.copy()
    p["reason"] = p["reason"].map(lambda k: message(k, lang))
    return p


# --------------------------------------------------------------------------- templates and CLI
def write_templates(out_dir: Path) -> list[Path]:
    """CSV and XLSX templates, Chinese and English headers, one valid example row each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for ds in DATASETS.values():
        for lang in ("zh", "en"):
            header = [f.zh if lang == "zh" else f.en for f in ds.fields]
            row = [f.example for f in ds.fields]
            frame = pd.DataFrame([row], columns=header)
            p = out_dir / f"{ds.name}_{lang}.csv"
            p.write_bytes(("\ufeff" + frame.to_csv(index=False, lineterminator="\r\n")).encode("utf-8"))
            written.append(p)
            x = out_dir / f"{ds.name}_{lang}.xlsx"
            with pd.ExcelWriter(x, engine="xlsxwriter",
                                engine_kwargs={"options": {"strings_to_formulas": False}}) as xw:
                frame.to_excel(xw, index=False, sheet_name=ds.name[:31])
            written.append(x)
    return written


def _cli(args) -> int:
    from jinguo import i18n

    lang = args.lang
    if args.dataset == "templates":
        for p in write_templates(Path(args.file)):
            print(p)
        return 0
    path = Path(args.file)
    if not path.exists():
        print(i18n.t("import.no_file", lang).format(path=path), file=sys.stderr)
        return 2
    user = User(args.user, "data_officer", args.province) if args.province else None
    try:
        rep = run_import(args.dataset, path, db=args.db, crs=args.crs, dry_run=args.dry_run,
                         skip_bad_rows=args.skip_bad_rows, user=user, max_bytes=args.max_bytes)
    except ImportError_ as e:
        print(i18n.t(e.key, lang).format(**e.kw), file=sys.stderr)
        return 2
    for n in rep.notes:
        print(message(n, lang))
    if rep.rejected:
        rj = path.with_name(path.name + ".rejects.csv")
        report_frame(rep, lang).to_csv(rj, index=False, encoding="utf-8-sig")
        print(i18n.t("import.rejects_file", lang).format(path=rj))
    print(i18n.t("import.summary", lang).format(added=rep.added, updated=rep.updated, unchanged=rep.unchanged,
                                                 rejected=rep.rejected))
    if args.dry_run:
        print(i18n.t("import.dry_run", lang))
    return 1 if rep.rejected and not args.skip_bad_rows else 0


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="validate and load a register (CSV/XLSX), all or nothing")
    p.add_argument("dataset", choices=[*DATASETS, "templates"])
    p.add_argument("file", help="the CSV/XLSX file (for 'templates': the output folder)")
    p.add_argument("--crs", default="gcj02", type=coords.normalise_crs, help="wgs84, gcj02 or bd09 (rooms)")
    p.add_argument("--dry-run", action="store_true", help="validate only, change nothing")
    p.add_argument("--skip-bad-rows", action="store_true", help="load the good rows, write the bad ones beside "
                   "the input with their reasons")
    p.add_argument("--db", type=Path, default=None)
    p.add_argument("--user", default=None, help="who imports (recorded in import_log)")
    p.add_argument("--province", default=None, help="restrict to this province (a data officer's)")
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES)
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.set_defaults(func=_cli)
