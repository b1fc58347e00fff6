"""Import the registers provinces keep (CSV or XLSX): validate every row, report every problem,
load all or nothing.

Reading (:mod:`jinguo.readers`): CSV in UTF-8 (with or without BOM), GBK or GB18030, detected;
XLSX whose header row sits below merged title rows, with blank rows and a totals row that are
skipped with a note. Headers in Chinese or English, any order, spaces ignored.

Validation is column by column (pandas, numpy, one DuckDB join for ids already in the
database), never row by row in Python: a million rows validate in seconds. Every problem is
a row of the report: (row, column, value, reason key). A row with any problem is rejected.

What an import replaces ("cover"): imported rows carry ``origin = 'imported'`` and are
upserted by id. Besides, they replace the *demo* rows of what they cover:

* ``mother_rooms``: every demo room of each city (``city_code``) the file has a room in
  (a register is the full list of a city's rooms, buses included);
* ``matchmaking_events``: every demo event of each (city, calendar year) the file has an
  event in (a register of 2024 says nothing about 2019);
* ``studios``: every demo studio of each city the file has a studio in, with its demo outputs;
* ``studio_outputs``, ``indicator_values``: only the rows with the same key
  ((studio, year); (indicator, city, year)).

Reported rows (the source document's figures) are never replaced; an id already used in
another province is refused. Detail-backed indicators are then re-derived
(:func:`jinguo.build.derive_detail_indicators`), so the dashboard shows the change.

Loading never writes the live database in place (DuckDB allows one writing process, and
viewers hold read-only connections). Under an exclusive lock file
(``<db>.importing-lock``, so two imports queue instead of losing each other's rows) the
live file is copied to ``<db>.importing.<pid>.<random>`` in the same directory, the copy is
changed in ONE transaction (demo rows covered, upsert, derived indicators, an
``import_log`` row), checkpointed, closed, fsynced and renamed over the live file with
``os.replace``. Viewers keep reading the old file until their next rerun sees the new
inode (:func:`jinguo.db.db_key`) and reopens; a killed import leaves only a temp file
(removed by the next import under the lock), never a changed database.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import os
import re
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from jinguo import coords
from jinguo.access import User, can_import
from jinguo.paths import db_path
from jinguo.readers import MAX_BYTES, FileRefused, norm_header, read_table

ImportError_ = FileRefused          # the name the first callers used
FORMULA = ("=", "+", "-", "@")
INT_MAX = 2_147_483_647             # DuckDB INTEGER
FIRST_YEAR = 1949
PROVINCE_SLACK_DEG = 0.1            # a point may lie this far outside its province's simplified outline


@dataclass(frozen=True)
class Field:
    name: str
    zh: str
    en: str
    kind: str = "text"          # id, text, int, year, float, date, time, bool, region, enum, days
    required: bool = True
    choices: tuple[str, ...] = ()
    example: str = ""           # in the English template; the Chinese one uses example_zh when set
    example_zh: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    name: str
    table: str
    id_cols: tuple[str, ...]
    fields: tuple[Field, ...]
    districts: str = "city"     # a district in the region column: 'keep' it, map it to its 'city', or 'reject'

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


REGION_ALIASES = ("地区", "所在地区", "城市", "所在城市", "地市", "区县", "所在区县", "行政区划", "行政区划代码",
                  "地区代码", "adcode", "region", "city", "district", "regioncode")
B = "bool"
DATASETS = {d.name: d for d in (
    Dataset("mother_rooms", "mother_room", ("room_id",), (
        Field("room_id", "编号", "room_id", "id", example="R37IMP0001", aliases=("小屋编号", "id")),
        Field("name", "名称", "name", example="Jinan Federation of Trade Unions mother room",
              example_zh="济南市总工会妈妈小屋", aliases=("小屋名称",)),
        Field("region", "所在区县", "region", "region", example="370102", example_zh="济南市历下区",
              aliases=REGION_ALIASES),
        Field("address", "地址", "address", example="1 Quancheng Road, Lixia District, Jinan, Shandong",
              example_zh="山东省济南市历下区泉城路1号", aliases=("详细地址",)),
        Field("lon", "经度", "lon", "float", example="117.0230", aliases=("lng", "longitude", "x")),
        Field("lat", "纬度", "lat", "float", example="36.6650", aliases=("latitude", "y")),
        Field("kind", "类型", "kind", "enum", choices=("workplace_room", "workplace_corner", "workplace_box",
                                                       "public", "mobile_bus"), example="public",
              example_zh="公共场所小屋", aliases=("小屋类型",)),
        Field("has_lock", "可上锁", "has_lock", B, False, example="yes", example_zh="是"),
        Field("has_sink", "洗手池", "has_sink", B, False, example="yes", example_zh="是"),
        Field("has_fridge", "冰箱", "has_fridge", B, False, example="no", example_zh="否"),
        Field("has_outlet", "电源插座", "has_outlet", B, False, example="yes", example_zh="是"),
        Field("has_seating", "座椅", "has_seating", B, False, example="yes", example_zh="是"),
        Field("has_changing_table", "尿布台", "has_changing_table", B, False, example="yes", example_zh="是"),
        Field("open_time", "开放时间", "open_time", "time", False, example="08:30"),
        Field("close_time", "关闭时间", "close_time", "time", False, example="17:30"),
        Field("open_days", "开放日", "open_days", "days", False, example="12345", example_zh="周一至周五"),
        Field("opened_date", "启用日期", "opened_date", "date", example="2023-05-01", example_zh="2023年5月1日",
              aliases=("建成日期", "开放日期")),
        Field("digital", "数字化管理", "digital", B, False, example="yes", example_zh="是"),
        Field("navigable", "可线上导航", "navigable", B, False, example="yes", example_zh="是"),
        Field("internal", "仅限内部", "internal", B, False, example="no", example_zh="否"),
        Field("contact", "联系人", "contact", "text", False, example="Union office", example_zh="工会办公室"),
    ), districts="keep"),
    Dataset("matchmaking_events", "matchmaking_event", ("event_id",), (
        Field("event_id", "编号", "event_id", "id", example="E2024-IMP-0001", aliases=("活动编号", "id")),
        Field("event_date", "日期", "event_date", "date", example="2024-05-20", example_zh="2024年5月20日",
              aliases=("活动日期", "date")),
        Field("region", "城市", "region", "region", example="Harbin", example_zh="哈尔滨", aliases=REGION_ALIASES),
        Field("format", "形式", "format", "enum", choices=("online", "offline", "tv"), example="offline",
              example_zh="线下", aliases=("活动形式",)),
        Field("session_type", "专场类型", "session_type", example="Book club", example_zh="读书会",
              aliases=("类型", "活动类型")),
        Field("organiser", "主办", "organiser", example="Harbin Federation of Trade Unions",
              example_zh="哈尔滨市总工会", aliases=("主办单位", "organizer")),
        Field("matchmakers", "红娘人数", "matchmakers", "int", example="12"),
        Field("units", "参与单位", "units", "int", example="30", aliases=("参与单位数",)),
        Field("participants", "参与人数", "participants", "int", example="200"),
        Field("pairs", "牵手对数", "pairs", "int", example="18", aliases=("牵手", "配对数")),
    )),
    Dataset("studios", "innovation_studio", ("studio_id",), (
        Field("studio_id", "编号", "studio_id", "id", example="S44IMP0001", aliases=("工作室编号", "id")),
        Field("name", "名称", "name", example="Example women workers' innovation studio",
              example_zh="示例女职工创新工作室", aliases=("工作室名称",)),
        Field("lead", "领衔人", "lead", example="Zhang", example_zh="张某"),
        Field("employer", "单位", "employer", example="A Guangzhou company", example_zh="广州某公司",
              aliases=("所在单位",)),
        Field("region", "城市", "region", "region", example="440100", example_zh="广州市", aliases=REGION_ALIASES),
        Field("level", "层级", "level", "enum", choices=("national", "provincial", "city", "industry"),
              example="city", example_zh="地市级", aliases=("级别",)),
        Field("industry", "行业", "industry", example="Manufacturing", example_zh="制造"),
        Field("founded_year", "创建年份", "founded_year", "year", example="2021", aliases=("命名年份",)),
    )),
    Dataset("studio_outputs", "studio_output", ("studio_id", "year"), (
        Field("studio_id", "工作室编号", "studio_id", "text", example="S44IMP0001", aliases=("编号",)),
        Field("year", "年份", "year", "year", example="2023"),
        Field("patents", "专利", "patents", "int", example="2", aliases=("专利数",)),
        Field("problems_solved", "攻克难题", "problems_solved", "int", example="5"),
        Field("awards", "获奖", "awards", "int", example="1", aliases=("获奖数",)),
        Field("trainings", "授课培训", "trainings", "int", example="10", aliases=("培训场次",)),
        Field("trainees", "培训人次", "trainees", "int", example="240"),
        Field("talents", "培养人才", "talents", "int", example="6"),
    )),
    Dataset("indicator_values", "indicator_value", ("indicator_code", "region_code", "year"), (
        Field("indicator_code", "指标代码", "indicator_code", "text", example="og_orgs", aliases=("指标",)),
        Field("region", "城市", "region", "region", example="Chongqing", example_zh="重庆市", aliases=REGION_ALIASES),
        Field("year", "年份", "year", "year", example="2023"),
        Field("value", "数值", "value", "float", example="41000", aliases=("值",)),
    ), districts="reject"),
)}
TRUE = {"1", "true", "yes", "y", "是", "有", "√", "✓", "✔", "t", "对"}
FALSE = {"0", "false", "no", "n", "否", "无", "×", "✗", "f", "", "没有"}
# Enum values may be given as the code or as the label the app shows (either language).
CHOICE_LABELS = {"kind": "rooms.kind_", "format": "mm.format_", "level": "st.level_"}
CHOICE_EXTRA = {"公共场所": "public", "公共场所母婴室": "public", "流动小屋": "mobile_bus", "流动妈咪小屋": "mobile_bus",
                "母婴巴士": "mobile_bus", "妈妈小屋": "workplace_room", "关爱角": "workplace_corner",
                "关爱箱": "workplace_box", "网上": "online", "线下活动": "offline", "线上活动": "online",
                "全国": "national", "省": "provincial", "市": "city", "地市": "city", "产业": "industry",
                "系统": "industry"}
DAYS_WORDS = {"每天": "1234567", "每日": "1234567", "全周": "1234567", "全年": "1234567", "全天": "1234567",
              "周一至周日": "1234567", "周一到周日": "1234567", "工作日": "12345", "周一至周五": "12345",
              "周一到周五": "12345", "周一至周六": "123456", "周一到周六": "123456", "周末": "67",
              "daily": "1234567", "everyday": "1234567", "weekdays": "12345", "monfri": "12345",
              "monsat": "123456", "monsun": "1234567", "weekends": "67"}
REPORT_COLUMNS = ["row", "column", "value", "reason"]
# English names people write that pinyin does not give (哈尔滨 is Haerbin in pinyin, Harbin on the map).
EXONYMS = {"Harbin": "230100", "Hohhot": "150100", "Huhhot": "150100", "Lhasa": "540100", "Urumqi": "650100",
           "Tibet": "540000", "Macau": "820000", "Xi'an": "610100", "Amoy": "350200", "Canton": "440100"}


@dataclass
class Report:
    """What validation found and, after :func:`load`, what the import did."""

    dataset: str
    rows: int = 0
    notes: list[str] = field(default_factory=list)          # message keys with args, e.g. totals row skipped
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))
    good: pd.DataFrame | None = None                        # the accepted rows, typed, ready to load
    bad_rows: pd.DataFrame | None = None                    # the rejected rows as they were in the file
    file_name: str = ""
    sha256: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    replaced: int = 0                                       # demo rows removed because the import covers them
    covered: list[str] = field(default_factory=list)        # what the import covers (city adcodes, city:year)
    loaded: bool = False

    @property
    def rejected(self) -> int:
        return int(self.problems["row"].nunique()) if len(self.problems) else 0

    @property
    def accepted(self) -> int:
        return 0 if self.good is None else len(self.good)


ImportResult = Report


# --------------------------------------------------------------------------- headers and values
def _aliases(ds: Dataset) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in ds.fields:
        for h in (f.name, f.en, f.zh, *f.aliases):
            out.setdefault(norm_header(h), f.name)
    for f in ds.fields:                       # a field's own names win over another field's alias
        for h in (f.name, f.en, f.zh):
            out[norm_header(h)] = f.name
    return out


def known_headers() -> frozenset[str]:
    return frozenset(k for d in DATASETS.values() for k in _aliases(d))


def _map_headers(raw: pd.DataFrame, ds: Dataset) -> tuple[pd.DataFrame, list[str], list[str]]:
    alias = _aliases(ds)
    rename, unknown = {}, []
    for c in raw.columns:
        name = alias.get(norm_header(c))
        if name is None or name in rename.values():
            if not re.fullmatch(r"col\d+'*", str(c)) or raw[c].ne("").any():
                unknown.append(str(c))
            continue
        rename[c] = name
    df = raw[list(rename)].rename(columns=rename)
    missing = [f.name for f in ds.fields if f.required and f.name not in df.columns]
    return df, unknown, missing


@cache
def _choice_map(field_name: str, choices: tuple[str, ...]) -> dict[str, str]:
    from jinguo import i18n

    out = {norm_header(c): c for c in choices}
    prefix = CHOICE_LABELS.get(field_name)
    for c in choices:
        for lang in i18n.LANGS:
            if prefix and i18n.has(prefix + c, lang):
                out.setdefault(norm_header(i18n.t(prefix + c, lang)), c)
    for k, v in CHOICE_EXTRA.items():
        if v in choices:
            out.setdefault(norm_header(k), v)
    return out


def _days(text: str) -> str | None:
    """'12345', '1,2,3', '周一至周五', 'weekdays' -> ISO weekday digits; None when unreadable."""
    if text == "":
        return "1234567"
    t = norm_header(text).replace("～", "至").replace("~", "至").replace("—", "至")
    if t in DAYS_WORDS:
        return DAYS_WORDS[t]
    digits = re.sub(r"[,，、;；/ ]", "", t)
    if re.fullmatch(r"[1-7]{1,7}", digits):
        return "".join(sorted(set(digits)))
    return None


def _nfkc(s: pd.Series) -> pd.Series:
    """Full-width digits and colons (２０２３，０８：３０) to ASCII, for the columns that hold numbers."""
    if not s.str.contains(r"[^\x00-\x7f]", regex=True).any():
        return s
    return s.str.normalize("NFKC")


def _parse_dates(s: pd.Series) -> pd.Series:
    t = s.str.replace(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$", r"\1-\2-\3", regex=True)
    t = t.str.replace(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3", regex=True)
    t = t.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True)
    t = t.str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "", regex=True)      # a time part from Excel
    return pd.to_datetime(t, format="%Y-%m-%d", errors="coerce")


def _problems(mask: pd.Series, df: pd.DataFrame, col: str, reason: str,
              values: Callable[[pd.Index], pd.Series] | None = None) -> pd.DataFrame:
    """Report rows for the cells where ``mask`` holds; ``values(idx)`` gives what to show (default: the cell)."""
    idx = mask[mask.fillna(False).astype(bool)].index
    if not len(idx):
        return pd.DataFrame(columns=REPORT_COLUMNS)
    if values is not None:
        shown = values(idx)
    else:
        shown = df.loc[idx, col] if col in df else pd.Series("", index=idx)
    return pd.DataFrame({"row": idx, "column": col, "value": pd.Series(shown).astype(str).to_numpy(),
                         "reason": reason})


# --------------------------------------------------------------------------- regions
class Regions:
    """Resolve a region cell against ``region``: an adcode, 山东省 / 山东 / Shandong, 洛阳市 / 洛阳,
    or a chain of names (山东省济南市历下区, 济南市市中区). Each distinct text is resolved once."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        r = con.execute("select adcode, level, name_zh, name_short, name_en, province_code, city_code "
                        "from region").df()
        r = r.astype(object).where(r.notna(), None)
        self.level = dict(zip(r["adcode"], r["level"]))
        self.province = dict(zip(r["adcode"], r["province_code"]))
        self.city = dict(zip(r["adcode"], r["city_code"]))
        lookup: dict[str, set[str]] = {}
        for col in ("adcode", "name_zh", "name_short", "name_en"):
            for k, code in zip(r[col], r["adcode"]):
                if k:
                    lookup.setdefault(self._key(k), set()).add(code)
        for k, code in EXONYMS.items():
            if code in self.level:
                lookup.setdefault(self._key(k), set()).add(code)
        self.lookup = lookup
        self._memo: dict[str, set[str]] = {}

    @staticmethod
    def _key(text: str) -> str:
        key = re.sub(r"[\s\u3000'’]+", "", str(text)).lower()
        return key[:6] if re.fullmatch(r"\d{6}0{6}", key) else key     # 12-digit statistical codes

    def resolve(self, s: pd.Series, districts: str, prefer: str | None = None) -> tuple[pd.Series, pd.Series]:
        """-> (adcode or '', reason key or '') per cell."""
        codes, reasons = {}, {}
        for text in s.unique():
            codes[text], reasons[text] = self.one(text, districts, prefer) if text else ("", "")
        return s.map(codes), s.map(reasons)

    def candidates(self, text: str) -> set[str]:
        key = self._key(text)
        if key not in self._memo:
            self._memo[key] = self._candidates(key)
        return set(self._memo[key])

    def _candidates(self, key: str) -> set[str]:
        found = set(self.lookup.get(key, ()))
        if found or len(key) < 3:
            return found
        for cut in range(2, len(key) - 1):          # a chain: a head that contains the tail
            heads = self.lookup.get(key[:cut])
            if not heads:
                continue
            for tail in self.candidates(key[cut:]):
                if any(self._contains(h, tail) for h in heads):
                    found.add(tail)
        return found

    def _contains(self, outer: str, inner: str) -> bool:
        if outer == inner:
            return False
        lv = self.level[outer]
        return (lv == "province" and self.province[inner] == outer) or (lv == "city" and self.city[inner] == outer)

    def one(self, text: str, districts: str = "city", prefer: str | None = None) -> tuple[str, str]:
        found = self.candidates(text)
        if not found:
            return "", "import.err_region_unknown"
        if len(found) > 1 and prefer:
            mine = {c for c in found if self.province[c] == prefer}
            found = mine or found
        if len(found) > 1:
            # 北京/重庆 name a province and its one city, 吉林 a province and a city: the city is meant.
            # Several districts of one name (鼓楼区) stay ambiguous.
            cities = {c for c in found if self.level[c] == "city"}
            if len(cities) == 1:
                found = cities
        if len(found) > 1:
            return "", "import.err_region_ambiguous"
        code = found.pop()
        level = self.level[code]
        if level == "province":
            return "", "import.err_region_too_coarse"
        if level == "district" and districts == "reject":
            return "", "import.err_region_too_fine"
        if level == "district" and districts == "city":
            code = self.city[code] or code
        return code, ""


@cache
def _province_shape(adcode: str):
    """A province's outline (GCJ-02) grown by PROVINCE_SLACK_DEG, prepared for fast point tests; None
    without boundary data (the check is then skipped, not the import)."""
    try:
        import shapely
        from shapely.geometry import shape

        from jinguo import boundaries

        feat = next((f for f in boundaries.provinces_geojson()["features"]
                     if f["properties"]["adcode"] == adcode), None)
    except Exception:  # noqa: BLE001
        return None
    if feat is None:
        return None
    g = shape(feat["geometry"]).buffer(PROVINCE_SLACK_DEG)
    shapely.prepare(g)
    return g


def _outside_province(lon: pd.Series, lat: pd.Series, province: pd.Series) -> pd.Series:
    import shapely

    out = pd.Series(False, index=lon.index)
    for prov in province.dropna().unique():
        g = _province_shape(prov)
        if g is None:
            continue
        m = (province == prov) & lon.notna() & lat.notna()
        if m.any():
            inside = shapely.contains_xy(g, lon[m].to_numpy(), lat[m].to_numpy())
            out.loc[m[m].index] = ~inside
    return out


# --------------------------------------------------------------------------- validation
def validate(data: bytes, dataset: str, con: duckdb.DuckDBPyConnection, crs: str = "gcj02",
             user: User | None = None, file_name: str = "", max_bytes: int = MAX_BYTES) -> Report:
    """Read and check a file against the database ``con`` (read-only is enough); return the report
    with the accepted rows typed and ready to :func:`load`. Raises :class:`FileRefused` when the
    whole file is refused (one message)."""
    if dataset not in DATASETS:
        raise FileRefused("import.unknown_dataset", dataset=dataset)
    ds = DATASETS[dataset]
    sha = hashlib.sha256(data).hexdigest()
    raw, notes = read_table(data, known_headers(), max_bytes)
    del data
    rep = Report(dataset, rows=len(raw), notes=notes, file_name=file_name, sha256=sha)
    df, unknown, missing = _map_headers(raw, ds)
    if unknown:
        rep.notes.append("import.note_unknown_columns:" + "、".join(unknown[:10]) + ("…" if len(unknown) > 10 else ""))
    if missing:
        names = "、".join(f"{ds.field(m).zh} / {ds.field(m).en}" for m in missing)
        raise FileRefused("import.missing_columns", columns=names)
    if not len(df):
        raise FileRefused("import.no_rows")
    cur = con.cursor()
    try:
        out, probs = _check_fields(ds, df, cur, crs, user)
        probs += _dataset_checks(ds, df, out, cur, crs)
        out["province_code"] = _provinces(ds, out, cur)
        probs += _scope_checks(ds, df, out, cur, user)
    finally:
        cur.close()
    probs = [p for p in probs if len(p)]
    if probs:
        problems = pd.concat(probs, ignore_index=True)
        problems["value"] = problems["value"].astype(str).str.slice(0, 80)
        problems["row"] = problems["row"].astype(int)
        rep.problems = problems.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
    bad = out.index.isin(rep.problems["row"].unique())
    rep.good = out[~bad].copy()
    rep.bad_rows = raw[bad].copy() if bad.any() else raw.iloc[:0].copy()
    return rep


def _check_fields(ds: Dataset, df: pd.DataFrame, cur, crs: str, user: User | None):
    probs: list[pd.DataFrame] = []
    out = pd.DataFrame(index=df.index)
    too_late = pd.Timestamp(date.today() + timedelta(days=366))
    for f in ds.fields:
        if f.name not in df:
            if f.kind != "region":      # optional columns absent from the file: defaults
                out[f.name] = False if f.kind == "bool" else ("1234567" if f.kind == "days" else None)
            continue
        s = df[f.name]
        empty = s == ""
        if f.required:
            probs.append(_problems(empty, df, f.name, "import.err_required"))
        if f.kind in ("text", "id", "region"):
            formula = s.str.startswith(FORMULA) & (s.str.len() > 1) & ~s.str.fullmatch(r"[-+]?\d+(\.\d+)?")
            probs.append(_problems(formula, df, f.name, "import.err_formula"))
        if f.kind in ("int", "year", "float"):
            t = _nfkc(s).str.replace(r"[,，\s]", "", regex=True)
            num = pd.to_numeric(t, errors="coerce").astype(float)
            bad = ~empty & ~np.isfinite(num)
            probs.append(_problems(bad, df, f.name, "import.err_number"))
            ok = ~empty & ~bad
            if f.kind in ("int", "year"):
                probs.append(_problems(ok & (num != np.round(num)), df, f.name, "import.err_integer"))
            if f.kind == "int" or f.name == "value":
                probs.append(_problems(ok & (num < 0), df, f.name, "import.err_negative"))
            if f.kind == "int":
                probs.append(_problems(ok & (num > INT_MAX), df, f.name, "import.err_too_large"))
            if f.kind == "year":
                probs.append(_problems(ok & ((num < FIRST_YEAR) | (num > date.today().year + 1)), df, f.name,
                                       "import.err_year"))
            out[f.name] = num.where(ok)
        elif f.kind == "date":
            d = _parse_dates(_nfkc(s))
            probs.append(_problems(~empty & d.isna(), df, f.name, "import.err_date"))
            probs.append(_problems(d.notna() & ((d < pd.Timestamp(FIRST_YEAR, 1, 1)) | (d > too_late)), df, f.name,
                                   "import.err_date_range"))
            out[f.name] = d
        elif f.kind == "time":
            t = _nfkc(s).str.replace("：", ":", regex=False)
            tm = pd.to_datetime(t, format="%H:%M", errors="coerce").fillna(
                pd.to_datetime(t, format="%H:%M:%S", errors="coerce"))
            probs.append(_problems(~empty & tm.isna(), df, f.name, "import.err_time"))
            out[f.name] = tm.dt.strftime("%H:%M:%S").where(tm.notna(), None)   # text; DuckDB casts to TIME
        elif f.kind == "bool":
            low = s.str.lower()
            probs.append(_problems(~low.isin(TRUE | FALSE), df, f.name, "import.err_bool"))
            out[f.name] = low.isin(TRUE)
        elif f.kind == "enum":
            cmap = _choice_map(f.name, f.choices)
            values = {v: cmap.get(norm_header(v)) for v in s.unique()}
            code = s.map(values)
            probs.append(_problems(~empty & code.isna(), df, f.name, "import.err_choice:" + "/".join(f.choices)))
            out[f.name] = code
        elif f.kind == "days":
            values = {v: _days(v) for v in s.unique()}
            days = s.map(values)
            probs.append(_problems(days.isna(), df, f.name, "import.err_days"))
            out[f.name] = days
        elif f.kind == "region":
            code, why = Regions(cur).resolve(s, ds.districts, prefer=user.province if user else None)
            for reason in why[why != ""].unique():
                probs.append(_problems((why == reason) & ~empty, df, f.name, reason))
            out["region_code"] = code
        else:
            out[f.name] = s
    key = list(ds.id_cols)
    if all(c in out for c in key):
        dup = out.duplicated(subset=key, keep="first") & out[key].notna().all(axis=1) & \
            (out[key] != "").all(axis=1)
        col = key[0] if key[0] in df else "region"
        probs.append(_problems(dup, df, col, "import.err_duplicate",
                               values=lambda idx: out.loc[idx, key].astype(str).agg(" / ".join, axis=1)))
    return out, probs


def _pair(df: pd.DataFrame) -> Callable[[pd.Index], pd.Series]:
    return lambda idx: df.loc[idx, "lon"] + ", " + df.loc[idx, "lat"]


def _dataset_checks(ds: Dataset, df: pd.DataFrame, out: pd.DataFrame, cur, crs: str) -> list[pd.DataFrame]:
    probs = []
    if ds.name == "mother_rooms":
        lon, lat = out["lon"], out["lat"]
        ok = lon.notna() & lat.notna()
        lo, la = lon.fillna(0).to_numpy(), lat.fillna(0).to_numpy()
        inside = pd.Series(coords.in_china_bbox(lo, la), index=out.index)
        swapped = pd.Series(coords.looks_swapped(lo, la), index=out.index)
        probs.append(_problems(ok & swapped, df, "lon", "import.err_swapped", values=_pair(df)))
        probs.append(_problems(ok & ~inside & ~swapped, df, "lon", "import.err_outside", values=_pair(df)))
        glon, glat = coords.to_gcj02(lo, la, crs)          # stored in GCJ-02
        out["lon"] = pd.Series(np.round(glon, 6), index=out.index).where(ok)
        out["lat"] = pd.Series(np.round(glat, 6), index=out.index).where(ok)
        out["crs_in"] = coords.normalise_crs(crs)
        both = out["open_time"].isna() == out["close_time"].isna()
        probs.append(_problems(~both, df, "close_time", "import.err_hours"))
        order = out["open_time"].notna() & out["close_time"].notna() & (out["close_time"] <= out["open_time"])
        probs.append(_problems(order, df, "close_time", "import.err_hours_order"))
    if ds.name == "matchmaking_events":
        probs.append(_problems(out["pairs"] * 2 > out["participants"], df, "pairs", "import.err_pairs",
                               values=lambda idx: df.loc[idx, "pairs"] + " × 2 > " + df.loc[idx, "participants"]))
    if ds.name == "indicator_values":
        ok = {r[0] for r in cur.execute("select code from indicator where detail_table is null "
                                        "and agg <> 'ratio'").fetchall()}
        s = out["indicator_code"]
        probs.append(_problems(~s.isin(ok) & (s != ""), df, "indicator_code", "import.err_indicator"))
    if ds.name == "studio_outputs":
        cur.register("_imp_ids", pd.DataFrame({"studio_id": out["studio_id"].unique()}))
        known = {r[0] for r in cur.execute("select i.studio_id from _imp_ids i join innovation_studio s "
                                           "using (studio_id)").fetchall()}
        cur.unregister("_imp_ids")
        s = out["studio_id"]
        probs.append(_problems(~s.isin(known) & (s != ""), df, "studio_id", "import.err_studio"))
    return probs


def _provinces(ds: Dataset, out: pd.DataFrame, cur) -> pd.Series:
    if "region_code" in out:
        rc = out["region_code"].where(out["region_code"] != "", None)
        return rc.str.slice(0, 2) + "0000"
    if ds.name == "studio_outputs":
        cur.register("_imp_ids", pd.DataFrame({"studio_id": out["studio_id"].unique()}))
        m = dict(cur.execute("select s.studio_id, s.province_code from _imp_ids i join innovation_studio s "
                             "using (studio_id)").fetchall())
        cur.unregister("_imp_ids")
        return out["studio_id"].map(m)
    return pd.Series(None, index=out.index, dtype=object)


def _scope_checks(ds: Dataset, df: pd.DataFrame, out: pd.DataFrame, cur, user: User | None
                  ) -> list[pd.DataFrame]:
    """Rows outside the importer's province; ids that belong to a reported row or to another province;
    points outside the province their region names."""
    probs = []
    prov = out["province_code"]
    where = "region" if "region" in df else ds.id_cols[0]
    if user is not None and user.role != "admin":
        allowed = {p: can_import(user, p) for p in prov.dropna().unique()}
        probs.append(_problems(prov.notna() & ~prov.map(allowed).fillna(True).astype(bool), df, where,
                               "import.err_other_province"))
    clash = _id_clashes(ds, out, cur)
    if len(clash):
        first = ds.id_cols[0] if ds.id_cols[0] in df else where
        for reason in clash.unique():
            probs.append(_problems(out.index.to_series().isin(clash[clash == reason].index), df, first, reason))
    if ds.name == "mother_rooms":
        # The check runs on the converted (GCJ-02) point, the system of the boundaries.
        far = _outside_province(out["lon"], out["lat"], prov)
        probs.append(_problems(far, df, "lon", "import.err_not_in_province", values=_pair(df)))
    return probs


def _id_clashes(ds: Dataset, out: pd.DataFrame, cur) -> pd.Series:
    """Per row index: reason key where the id is already a reported row, or a row of another province."""
    keys = list(ds.id_cols)
    if not all(k in out for k in keys):
        return pd.Series(dtype=object)
    has_prov = ds.table != "studio_output"
    frame = out[keys].copy()
    frame["_r"] = out.index.to_numpy()
    frame["_p"] = out["province_code"] if "province_code" in out else None
    cur.register("_imp_keys", frame)
    try:
        on = " and ".join(f"k.{c} = t.{c}" for c in keys)
        prov = "t.province_code" if has_prov else "null"
        rows = cur.execute(f"select k._r, t.origin, {prov}, k._p from _imp_keys k join {ds.table} t on {on} "  # noqa: S608
                           "where t.origin = 'reported' or (k._p is not null and " + prov + " <> k._p)").fetchall()
    finally:
        cur.unregister("_imp_keys")
    return pd.Series({r: ("import.err_id_reported" if origin == "reported" else "import.err_id_other_province")
                      for r, origin, _, _ in rows}, dtype=object)


# --------------------------------------------------------------------------- staging, counting, loading
def _rows_for_table(ds: Dataset, good: pd.DataFrame, cur) -> pd.DataFrame:
    g = good.copy()
    g["origin"] = "imported"
    if ds.name == "mother_rooms":
        reg = cur.execute("select adcode, level, city_code from region").fetchall()
        district = g["region_code"].map({a: lv == "district" for a, lv, _ in reg}).fillna(False).astype(bool)
        g["city_code"] = g["region_code"].where(~district, g["region_code"].map({a: c for a, _, c in reg}))
        g["district_code"] = g["region_code"].where(district, None)
        for c in ("has_lock", "has_sink", "has_fridge", "has_outlet", "has_seating", "has_changing_table",
                  "digital", "navigable", "internal"):
            g[c] = g[c].fillna(False).astype(bool)
        g["contact"] = g["contact"].where(g["contact"].notna() & (g["contact"] != ""), None)
    elif ds.name == "matchmaking_events":
        g["city_code"] = g["region_code"]
        g["fact_id"] = None
    elif ds.name == "studios":
        g["fact_id"] = None
    cols = [r[0] for r in cur.execute(f"describe {ds.table}").fetchall()]  # noqa: S608
    for c in cols:
        if c not in g:
            g[c] = None
    return g[cols].reset_index(drop=True)


def _cover(ds: Dataset, new: str) -> str | None:
    """SQL condition on table alias ``t``: the demo rows the staged rows in ``new`` cover."""
    if ds.name == "mother_rooms":
        return f"t.origin = 'demo' and t.city_code in (select distinct city_code from {new})"  # noqa: S608 - internal names
    if ds.name == "matchmaking_events":
        return (f"t.origin = 'demo' and exists (select 1 from {new} n where n.city_code = t.city_code "  # noqa: S608 - internal names
                "and year(n.event_date) = year(t.event_date))")
    if ds.name == "studios":
        return f"t.origin = 'demo' and t.region_code in (select distinct region_code from {new})"  # noqa: S608 - internal names
    return None


def _covered_units(ds: Dataset, cur, new: str) -> list[str]:
    if ds.name == "mother_rooms":
        q = f"select distinct city_code from {new} order by 1"  # noqa: S608 - internal names
    elif ds.name == "matchmaking_events":
        q = f"select distinct city_code || ':' || year(event_date) from {new} order by 1"  # noqa: S608 - internal names
    elif ds.name == "studios":
        q = f"select distinct region_code from {new} order by 1"  # noqa: S608 - internal names
    else:
        return []
    return [r[0] for r in cur.execute(q).fetchall()]   # noqa: S608


def _stage(ds: Dataset, cur, rows: pd.DataFrame) -> str:
    """A temp table typed like the target, holding ``rows``; returns its name."""
    name = f"_imp_new_{uuid.uuid4().hex[:8]}"
    types = cur.execute(f"describe {ds.table}").fetchall()  # noqa: S608
    cols = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t, *_ in types)
    cur.register("_imp_rows", rows)
    try:
        # Not "create … as select * from target limit 0" and then insert: in DuckDB 2.0.0, inside an
        # explicit transaction, a table created empty that way and then given more than one row group
        # (122,880 rows) reads back as empty (tests/test_importer.py keeps a regression test).
        cur.execute(f"create temp table {name} as select {cols} from _imp_rows")  # noqa: S608
    finally:
        cur.unregister("_imp_rows")
    return name


def _count(ds: Dataset, cur, new: str, n: int) -> tuple[int, int, int, int]:
    """(added, updated, unchanged, demo rows replaced) if ``new`` were loaded now."""
    key = " and ".join(f"t.{c} = n.{c}" for c in ds.id_cols)
    cols = [r[0] for r in cur.execute(f"describe {ds.table}").fetchall() if r[0] not in ds.id_cols]  # noqa: S608
    same = " and ".join(f"t.{c} is not distinct from n.{c}" for c in cols)
    existing, unchanged = cur.execute(
        f"select count(*), count(*) filter (where {same}) from {ds.table} t join {new} n on {key}").fetchone()  # noqa: S608
    cover = _cover(ds, new)
    replaced = 0
    if cover:
        replaced = cur.execute(f"select count(*) from {ds.table} t where {cover} and not exists "  # noqa: S608
                               f"(select 1 from {new} n where {key})").fetchone()[0]
    return n - existing, existing - unchanged, unchanged, replaced


def preview(rep: Report, con: duckdb.DuckDBPyConnection) -> Report:
    """Fill the report's counts (added / updated / unchanged / demo rows replaced / covered) as a load
    would now, without changing anything (works on a read-only connection)."""
    ds = DATASETS[rep.dataset]
    if rep.good is None or rep.good.empty:
        return rep
    cur = con.cursor()
    try:
        new = _stage(ds, cur, _rows_for_table(ds, rep.good, cur))
        try:
            rep.added, rep.updated, rep.unchanged, rep.replaced = _count(ds, cur, new, len(rep.good))
            rep.covered = _covered_units(ds, cur, new)
        finally:
            cur.execute(f"drop table if exists {new}")
    finally:
        cur.close()
    return rep


class LockTimeout(RuntimeError):
    """Another import holds the database's write lock."""


def lock_path(live: Path) -> Path:
    return live.with_name(live.name + ".importing-lock")


@contextlib.contextmanager
def write_lock(live: Path, timeout: float | None = None) -> Iterator[None]:
    """Exclusive lock for everything that replaces the database file (imports; builds should take it too).
    ``timeout`` None waits as long as it takes."""
    fh = open(lock_path(Path(live)), "a+")  # noqa: SIM115 - held for the whole block
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(str(live)) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    finally:
        fh.close()


def _remove_stale(live: Path) -> None:
    """Temp copies left by a killed import (only the lock holder writes one, and we hold the lock)."""
    for p in live.parent.glob(live.name + ".importing.*"):
        p.unlink(missing_ok=True)


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load(rep: Report, db: Path | None = None, file_name: str = "", sha256: str = "",
         user_name: str | None = None, on_copy: Callable[[Path], None] | None = None,
         lock_timeout: float | None = None) -> Report:
    """Apply the report's accepted rows to the database at ``db`` atomically (lock, copy, one transaction,
    rename). Fills added / updated / unchanged / replaced from what the transaction saw."""
    ds = DATASETS[rep.dataset]
    if rep.good is None or rep.good.empty:
        return rep
    live = Path(db or db_path())
    with write_lock(live, lock_timeout):
        _remove_stale(live)
        tmp = live.with_name(f"{live.name}.importing.{os.getpid()}.{uuid.uuid4().hex[:6]}")
        try:
            shutil.copyfile(live, tmp)
            if on_copy:
                on_copy(tmp)
            con = duckdb.connect(str(tmp))
            try:
                con.execute("begin transaction")
                rows = _rows_for_table(ds, rep.good, con)
                new = _stage(ds, con, rows)
                # Another import may have landed since validation: ids must still be free to take.
                if len(_id_clashes(ds, rep.good.reset_index(drop=True), con)):
                    raise FileRefused("import.changed_meanwhile")
                rep.added, rep.updated, rep.unchanged, rep.replaced = _count(ds, con, new, len(rows))
                rep.covered = _covered_units(ds, con, new)
                key = " and ".join(f"t.{c} = n.{c}" for c in ds.id_cols)
                cover = _cover(ds, new)
                if ds.name == "studios":
                    con.execute(f"delete from studio_output where origin = 'demo' and studio_id in "  # noqa: S608
                                f"(select t.studio_id from innovation_studio t where {cover})")
                if cover:
                    con.execute(f"delete from {ds.table} t where {cover}")  # noqa: S608
                con.execute(f"delete from {ds.table} t where exists (select 1 from {new} n where {key})")  # noqa: S608
                con.execute(f"insert into {ds.table} select * from {new}")  # noqa: S608
                con.execute(f"drop table {new}")
                from jinguo.build import derive_detail_indicators

                derive_detail_indicators(con)
                con.execute("insert into import_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [uuid.uuid4().hex, datetime.now(), rep.dataset, (file_name or rep.file_name)[:200],
                             sha256 or rep.sha256, rep.added, rep.updated, rep.unchanged, rep.rejected, user_name])
                con.execute("commit")
                con.execute("checkpoint")
            finally:
                con.close()
            _fsync(tmp)
            os.replace(tmp, live)
            _fsync(live.parent, directory=True)
        finally:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
    rep.loaded = True
    return rep


def run_import(dataset: str, path: Path | str, db: Path | None = None, crs: str = "gcj02", dry_run: bool = False,
               skip_bad_rows: bool = False, user: User | None = None, max_bytes: int = MAX_BYTES,
               user_name: str | None = None, lock_timeout: float | None = None) -> Report:
    """Validate ``path`` and, unless ``dry_run`` or a row is bad (without ``skip_bad_rows``), load it.

    The one entry point of the CLI and the bench (the page calls :func:`validate`, :func:`preview` and
    :func:`load` itself, with a confirmation between). Counts on a dry run say what a load would do.
    """
    path = Path(path)
    if path.stat().st_size > max_bytes:
        raise FileRefused("import.too_big", mb=max(1, max_bytes // (1024 * 1024)))
    data = path.read_bytes()
    live = Path(db or db_path())
    con = duckdb.connect(str(live), read_only=True)
    try:
        rep = validate(data, dataset, con, crs=crs, user=user, file_name=path.name, max_bytes=max_bytes)
        del data
        blocked = rep.rejected and not skip_bad_rows
        if dry_run and not blocked:
            preview(rep, con)
    finally:
        con.close()
    if dry_run or blocked or not rep.accepted:
        return rep
    who = user_name or (user.name if user else None)
    load(rep, live, path.name, rep.sha256, who, lock_timeout=lock_timeout)
    try:
        from jinguo import auth

        auth.record("import", who, dataset=dataset, file=path.name, added=rep.added, updated=rep.updated,
                    unchanged=rep.unchanged, rejected=rep.rejected)
    except Exception:  # noqa: BLE001 - the audit file must not undo a finished import
        pass
    return rep


# --------------------------------------------------------------------------- report output
def message(key: str, lang: str = "zh") -> str:
    """A report reason or note key (with ':args') in the user's language."""
    from jinguo import i18n

    k, _, arg = key.partition(":")
    text = i18n.t(k, lang) if i18n.has(k, lang) else k
    return text.replace("{arg}", arg)


def _headers(lang: str) -> dict[str, str]:
    from jinguo import i18n

    return {c: i18n.t(f"import.col_{c}", lang) for c in REPORT_COLUMNS}


def report_frame(rep: Report, lang: str = "zh") -> pd.DataFrame:
    """The report with reasons in ``lang`` (columns row, column, value, reason)."""
    p = rep.problems.copy()
    if len(p):
        texts = {k: message(k, lang) for k in p["reason"].unique()}
        p["reason"] = p["reason"].map(texts)
    return p


def reason_counts(rep: Report, lang: str = "zh") -> pd.DataFrame:
    """Problems per (column, reason), most frequent first: the summary above a long report."""
    if not len(rep.problems):
        return pd.DataFrame(columns=["column", "reason", "rows"])
    c = rep.problems.groupby(["column", "reason"], sort=False)["row"].nunique().reset_index(name="rows")
    c["reason"] = c["reason"].map(lambda k: message(k, lang))
    return c.sort_values("rows", ascending=False, kind="stable").reset_index(drop=True)


def _safe(df: pd.DataFrame) -> pd.DataFrame:
    from jinguo.extract import FORMULA_START

    out = df.copy()
    for c in out.columns:
        s = out[c].astype(str)
        risky = s.str.startswith(FORMULA_START)
        if risky.any():
            out[c] = s.where(~risky, "'" + s)
    return out


def report_csv(rep: Report, lang: str = "zh") -> bytes:
    """The whole report as CSV (UTF-8 with BOM, formula-like cells neutralised), headers in ``lang``."""
    return ("\ufeff" + _safe(report_frame(rep, lang)).rename(columns=_headers(lang)).to_csv(
        index=False, lineterminator="\r\n")).encode("utf-8")


def rejects_csv(rep: Report, lang: str = "zh") -> bytes:
    """The rejected rows as they were in the file, with their row number and reasons: fix and re-import."""
    from jinguo import i18n

    bad = rep.bad_rows if rep.bad_rows is not None else pd.DataFrame()
    reasons = report_frame(rep, lang)
    if len(reasons):
        joined = (reasons["column"] + "：" + reasons["reason"]).groupby(reasons["row"]).agg("；".join)
    else:
        joined = pd.Series(dtype=str)
    out = bad.copy()
    out.insert(0, i18n.t("import.col_row", lang), out.index)
    out[i18n.t("import.col_reason", lang)] = joined.reindex(out.index).fillna("").to_numpy()
    return ("\ufeff" + _safe(out).to_csv(index=False, lineterminator="\r\n")).encode("utf-8")


# --------------------------------------------------------------------------- templates, big files, CLI
XLSX_DATE = datetime(2024, 4, 26)   # fixed document date: regenerated templates are byte-identical


def write_templates(out_dir: Path) -> list[Path]:
    """CSV and XLSX templates, Chinese and English headers, one valid example row each (deterministic)."""
    from jinguo import i18n

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for ds in DATASETS.values():
        for lang in ("zh", "en"):
            header = [f.zh if lang == "zh" else f.en for f in ds.fields]
            row = [(f.example_zh or f.example) if lang == "zh" else f.example for f in ds.fields]
            frame = pd.DataFrame([row], columns=header)
            p = out_dir / f"{ds.name}_{lang}.csv"
            p.write_bytes(("\ufeff" + frame.to_csv(index=False, lineterminator="\r\n")).encode("utf-8"))
            written.append(p)
            notes = pd.DataFrame({
                i18n.t("import.tpl_column", lang): header,
                i18n.t("import.tpl_required", lang): [i18n.t("import.tpl_yes" if f.required else "import.tpl_no",
                                                             lang) for f in ds.fields],
                i18n.t("import.tpl_format", lang): [_format_hint(f, lang) for f in ds.fields],
            })
            x = out_dir / f"{ds.name}_{lang}.xlsx"
            with pd.ExcelWriter(x, engine="xlsxwriter",
                                engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False,
                                                           "strings_to_numbers": False}}) as xw:
                xw.book.set_properties({"created": XLSX_DATE, "author": "jinguo"})
                frame.to_excel(xw, index=False, sheet_name=ds.name[:31])
                notes.to_excel(xw, index=False, sheet_name=i18n.t("import.tpl_sheet", lang))
                for ws in xw.sheets.values():
                    ws.set_column(0, len(header), 16)
            written.append(x)
    return written


def _format_hint(f: Field, lang: str) -> str:
    from jinguo import i18n

    if f.kind == "enum":
        return i18n.t("import.err_choice", lang).replace("{arg}", "/".join(f.choices))
    return i18n.t(f"import.tpl_kind_{f.kind}", lang)


def make_rooms_csv(path: Path | str, n: int, bad_every: int = 0, prefix: str = "R37M") -> Path:
    """A large mother-room register for benchmarks and tests: ``n`` rows in Jinan (UTF-8, Chinese headers),
    deterministic; with ``bad_every`` k > 0 every k-th row carries one problem (cycling through
    unparseable number, swapped point, bad date, unknown region, formula)."""
    head = "编号,名称,所在区县,地址,经度,纬度,类型,可上锁,开放时间,关闭时间,启用日期\n"
    i = np.arange(n)
    lon = np.char.mod("%.4f", 117 + (i % 1000) / 10000)
    cols = {
        "id": np.char.add(prefix, np.char.zfill(i.astype(str), 7)),
        "name": np.char.add("小屋", i.astype(str)),
        "region": np.full(n, "济南市历下区"),
        "addr": np.char.add(np.char.add("山东省济南市历下区某路", i.astype(str)), "号"),
        "lon": lon, "lat": np.full(n, "36.6600"),
        "kind": np.full(n, "public"), "lock": np.full(n, "是"),
        "open": np.full(n, "08:30"), "close": np.full(n, "17:30"), "date": np.full(n, "2023-05-01"),
    }
    frame = pd.DataFrame(cols)
    if bad_every:
        bad = i[(i % bad_every) == bad_every - 1]
        kinds = (bad // bad_every) % 5
        frame.loc[bad[kinds == 0], "lon"] = "abc"
        frame.loc[bad[kinds == 1], ["lon", "lat"]] = ["36.6600", "117.0000"]
        frame.loc[bad[kinds == 2], "date"] = "2023-13-45"
        frame.loc[bad[kinds == 3], "region"] = "不存在区"
        frame.loc[bad[kinds == 4], "name"] = "=1+1"
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(head)
        frame.to_csv(fh, index=False, header=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return path


def _cli_user(args) -> tuple[User | None, str | None, str | None]:
    """(user whose scope applies, name for the log, refusal key). An account named by --user brings its
    role and province; --province makes an unknown name a data officer of that province."""
    name = args.user
    if name:
        try:
            from jinguo import auth

            acc = next((a for a in auth.list_users() if a["name"] == name), None)
        except Exception:  # noqa: BLE001 - no accounts file: the name is only recorded
            acc = None
        if acc is not None:
            if acc.get("disabled") or acc["role"] not in ("data_officer", "admin"):
                return None, name, "import.cli_not_allowed"
            return User(name, acc["role"], acc.get("province")), name, None
    if args.province:
        return User(name or "cli", "data_officer", args.province), name, None
    return None, name, None


def _cli(args) -> int:
    from jinguo import i18n

    lang = args.lang
    if args.dataset == "templates":
        for p in write_templates(Path(args.file)):
            print(p)
        return 0
    if args.dataset == "bigfile":
        print(make_rooms_csv(Path(args.file), args.rows, args.bad_every))
        return 0
    path = Path(args.file)
    if not path.is_file():
        print(i18n.t("import.no_file", lang, path=path), file=sys.stderr)
        return 2
    user, who, refusal = _cli_user(args)
    if refusal:
        print(i18n.t(refusal, lang, user=who), file=sys.stderr)
        return 2
    try:
        rep = run_import(args.dataset, path, db=args.db, crs=args.crs, dry_run=args.dry_run,
                         skip_bad_rows=args.skip_bad_rows, user=user, max_bytes=args.max_bytes, user_name=who)
    except FileRefused as e:
        print(message(e.key, lang).format(**e.kw) if e.kw else message(e.key, lang), file=sys.stderr)
        return 2
    except LockTimeout:
        print(i18n.t("import.busy", lang), file=sys.stderr)
        return 2
    for n in rep.notes:
        print(message(n, lang))
    if rep.rejected:
        for _, r in report_frame(rep, lang).head(20).iterrows():
            print(i18n.t("import.cli_problem", lang, row=r["row"], column=r["column"], value=r["value"],
                         reason=r["reason"]))
        if len(rep.problems) > 20:
            print(i18n.t("import.cli_more", lang, n=len(rep.problems) - 20))
        rj = path.with_name(path.name + ".rejects.csv")
        rj.write_bytes(rejects_csv(rep, lang))
        print(i18n.t("import.rejects_file", lang, path=rj))
    blocked = rep.rejected and not args.skip_bad_rows
    if blocked:
        print(i18n.t("import.blocked", lang, rejected=rep.rejected))
    print(i18n.t("import.summary", lang, added=rep.added, updated=rep.updated, unchanged=rep.unchanged,
                 rejected=rep.rejected, replaced=rep.replaced))
    if args.dry_run:
        print(i18n.t("import.dry_run", lang))
    return 1 if blocked else 0


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="validate and load a register (CSV/XLSX), all or nothing",
                       description="python -m jinguo import DATASET FILE  |  import templates DIR  |  "
                                   "import bigfile FILE --rows N [--bad-every K]")
    p.add_argument("dataset", choices=[*DATASETS, "templates", "bigfile"])
    p.add_argument("file", help="the CSV/XLSX file (templates: the output folder; bigfile: the CSV to write)")
    p.add_argument("--crs", default="gcj02", type=coords.normalise_crs, help="wgs84, gcj02 or bd09 (rooms)")
    p.add_argument("--dry-run", action="store_true", help="validate and count, change nothing")
    p.add_argument("--skip-bad-rows", action="store_true", help="load the good rows; the bad ones go to "
                   "FILE.rejects.csv with their reasons")
    p.add_argument("--db", type=Path, default=None, help="database (default $JINGUO_DB or data/jinguo.duckdb)")
    p.add_argument("--user", default=None, help="who imports: recorded in import_log; an account's role and "
                   "province apply")
    p.add_argument("--province", default=None, help="import as a data officer of this province (adcode)")
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES, help="size limit (default 200 MB)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of messages (default zh)")
    p.add_argument("--rows", type=int, default=1_000_000, help="bigfile: rows to write")
    p.add_argument("--bad-every", type=int, default=0, help="bigfile: every k-th row is bad")
    p.set_defaults(func=_cli)

