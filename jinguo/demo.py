"""Deterministic demo data, calibrated to the reported facts.

The source document reports a handful of regions, mostly as five-year totals.
A national dashboard needs every province, year by year, and points for the
map. This module generates that with a fixed seed. Every generated row has
``origin = 'demo'``. Where a reported fact (``data/reported_facts.csv``) covers a
region and period with a catalogue indicator, the generated rows roll up to
exactly the reported value, at every ``scale`` (scale multiplies only the
volume of cells that no fact pins down).

Calibration rules, by the indicator's aggregation:

* flow: the sum over the fact's region and years equals the value;
* stock: the level at the end of the fact's period equals the value;
* ratio: the denominator is set so that the recomputed ratio equals the value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jinguo import room_demo
from jinguo.alloc import scale_to_total, split_total

YEARS = tuple(range(2019, 2025))
SEED = 20240426
NATIONAL_EVENTS_PER_YEAR = 25_000
NATIONAL_ROOMS = 56_000
NATIONAL_STUDIOS = 4_600

SESSION_TYPES = np.array(["综合联谊", "读书会", "户外拓展", "假面舞会", "星空下午茶", "军警专场", "非遗手作"])
SESSION_WEIGHTS = np.array([0.45, 0.12, 0.14, 0.08, 0.09, 0.05, 0.07])
FORMATS = np.array(["offline", "online", "tv"])
FORMAT_WEIGHTS = np.array([0.7, 0.25, 0.05])
STREETS = np.array(["人民路", "解放路", "建设路", "中山路", "文化路", "和平路", "新华路", "长江路",
                    "黄河路", "胜利路", "工业路", "青年路", "南京路", "光明路", "幸福路", "团结路"])
EMPLOYERS = np.array(["供电公司", "自来水公司", "第一人民医院", "中心医院", "公交集团", "电信分公司",
                      "纺织厂", "电子科技公司", "食品公司", "机械制造公司", "商业银行分行", "物流园",
                      "税务局", "实验中学", "中心小学", "制药公司", "服装公司", "汽车零部件公司"])
PUBLIC_PLACES = np.array(["火车站", "汽车客运站", "妇幼保健院", "人民医院", "图书馆", "博物馆", "万达广场",
                          "人民公园", "政务服务中心", "劳动者港湾", "工人文化宫", "体育中心", "景区游客中心"])
INDUSTRIES = np.array(["电力", "制造", "医疗卫生", "信息通信", "农业", "交通运输", "金融", "教育",
                       "纺织服装", "化工", "建筑", "商贸服务"])
SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"))
GIVEN = np.array(["丽", "敏", "静", "燕", "艳", "娟", "霞", "芳", "娜", "丹", "玲", "萍", "红", "玉兰",
                  "秀英", "桂英", "晓梅", "雪", "慧", "颖", "琳", "倩", "婷", "洁", "春梅", "海燕", "冬梅"])


@dataclass
class Demo:
    matchmaking_event: pd.DataFrame
    mother_room: pd.DataFrame
    innovation_studio: pd.DataFrame
    studio_output: pd.DataFrame
    indicator_value: pd.DataFrame


class Geography:
    """Mainland provinces, cities and districts with stable demo weights."""

    def __init__(self, regions: pd.DataFrame, rng: np.random.Generator):
        r = regions[regions["mainland"]].copy()
        self.regions = r.set_index("adcode", drop=False)
        self.provinces = sorted(r.loc[r["level"] == "province", "adcode"])
        cities = r[r["level"] == "city"].sort_values("adcode")
        districts = r[r["level"] == "district"].sort_values("adcode")
        n_d = districts.groupby("city_code").size()
        cw = cities["adcode"].map(n_d).fillna(1).to_numpy() * rng.lognormal(0, 0.35, len(cities))
        self.cities = cities.assign(w=cw)
        pw = self.cities.groupby("province_code")["w"].sum()
        pw = pw * rng.lognormal(0, 0.25, len(pw))
        self.province_share = (pw / pw.sum()).reindex(self.provinces).fillna(0)
        self.districts = districts
        self.district_by_city = {c: g for c, g in districts.groupby("city_code")}

    def cities_of(self, code: str) -> pd.DataFrame:
        """Cities inside a province code, or the city itself."""
        if code in self.province_share.index:
            return self.cities[self.cities["province_code"] == code]
        return self.cities[self.cities["adcode"] == code]

    def name(self, code: str) -> str:
        return self.regions.at[code, "name_zh"]


def _facts(facts: pd.DataFrame, code: str) -> pd.DataFrame:
    f = facts[facts["indicator_code"] == code].copy()
    return f.sort_values("fact_id")


def _whole_years(row) -> tuple[int, ...] | None:
    s, e = pd.Timestamp(row.period_start), pd.Timestamp(row.period_end)
    if s.month == 1 and s.day == 1 and e.month == 12 and e.day == 31:
        return tuple(range(s.year, e.year + 1))
    return None


class Calibration:
    """Targets for one indicator: ``{(region, years): value}`` from whole-year facts."""

    def __init__(self, facts: pd.DataFrame, code: str, agg: str):
        self.flow: dict[str, tuple[tuple[int, ...], int]] = {}
        self.stock: dict[tuple[str, int], int] = {}
        for row in _facts(facts, code).itertuples():
            if agg == "stock":
                self.stock[(row.region_code, pd.Timestamp(row.period_end).year)] = int(round(row.value))
            elif agg == "flow":
                years = _whole_years(row)
                if years:
                    self.flow[row.region_code] = (years, int(round(row.value)))


def generate(regions: pd.DataFrame, indicators: pd.DataFrame, facts: pd.DataFrame,
             scale: float = 1.0, seed: int = SEED, named_studios: pd.DataFrame | None = None) -> Demo:
    rng = np.random.default_rng(seed)
    geo = Geography(regions, rng)
    events = _matchmaking(geo, facts, scale, np.random.default_rng([seed, 1]))
    rooms = _mother_rooms(geo, facts, scale, np.random.default_rng([seed, 2]))
    if named_studios is None:
        named_studios = pd.DataFrame(columns=["lead", "studio_name", "employer", "region_code", "level",
                                              "industry", "fact_ids"])
    studios, outputs = _studios(geo, facts, scale, np.random.default_rng([seed, 3]), named_studios)
    values = _indicator_values(geo, indicators, facts, np.random.default_rng([seed, 4]))
    return Demo(events, rooms, studios, outputs, values)


# --------------------------------------------------------------------------- matchmaking
def _matchmaking(geo: Geography, facts: pd.DataFrame, scale: float, rng) -> pd.DataFrame:
    cal_events = Calibration(facts, "mm_events", "flow").flow
    cal_part = Calibration(facts, "mm_participants", "flow").flow
    cal_pairs = Calibration(facts, "mm_pairs", "flow").flow
    reported = _reported_events(geo, facts)
    frames = [reported] if len(reported) else []
    growth = np.array([0.8, 0.6, 0.75, 0.9, 1.0, 1.08])  # 2020-2022 hit by the pandemic
    for p in geo.provinces:
        base = NATIONAL_EVENTS_PER_YEAR * scale * geo.province_share[p]
        fixed = reported[reported["province_code"] == p] if len(reported) else reported
        counts = {y: max(1, int(round(base * g))) for y, g in zip(YEARS, growth)}
        cal_years: tuple[int, ...] = ()
        if p in cal_events:
            cal_years, total = cal_events[p]
            fixed_n = int(fixed["event_date"].dt.year.isin(cal_years).sum()) if len(fixed) else 0
            gw = np.array([growth[YEARS.index(y)] for y in cal_years])
            split = split_total(total - fixed_n, gw, rng, minimum=1)
            counts.update(dict(zip(cal_years, split)))
            mean = total / len(cal_years)
            for y in YEARS:
                if y not in cal_years:
                    counts[y] = max(1, int(round(mean * growth[YEARS.index(y)])))
        cities = geo.cities_of(p)
        for y in YEARS:
            n = int(counts[y])
            frames.append(_event_rows(geo, p, y, n, cities, rng))
        df_p = pd.concat(frames[-len(YEARS):], ignore_index=True)
        in_cal = df_p["event_date"].dt.year.isin(cal_years)
        # Participants and pairs: calibrated over the fact's window, else generated.
        part = 10 + np.floor(rng.lognormal(4.4, 0.6, len(df_p))).astype(np.int64)
        if p in cal_part and in_cal.any():
            years, total = cal_part[p]
            fixed_sum = int(fixed.loc[fixed["event_date"].dt.year.isin(years), "participants"].sum())
            w = rng.lognormal(0, 0.6, int(in_cal.sum()))
            part[in_cal.to_numpy()] = split_total(total - fixed_sum, w, rng, minimum=10)
        pairs = rng.binomial(part // 2, 0.085)
        if p in cal_pairs and in_cal.any():
            years, total = cal_pairs[p]
            fixed_sum = int(fixed.loc[fixed["event_date"].dt.year.isin(years), "pairs"].sum())
            m = in_cal.to_numpy()
            pairs[m] = split_total(total - fixed_sum, part[m], rng, cap=part[m] // 2)
        df_p["participants"] = part
        df_p["pairs"] = pairs
        frames[-len(YEARS):] = [df_p]
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["event_date", "city_code", "event_id"], kind="stable").reset_index(drop=True)
    return out


def _reported_events(geo: Geography, facts: pd.DataFrame) -> pd.DataFrame:
    """The reported case of the source: Heilongjiang's online event of May 2023."""
    may = facts[(facts["region_code"] == "230000") & (facts["period_start"] == "2023-05-01")]
    by_code = {r.indicator_code: r for r in may.itertuples() if isinstance(r.indicator_code, str)}
    needed = ("mm_participants", "mm_pairs", "mm_matchmakers", "mm_units")
    if not all(c in by_code for c in needed) or "230000" not in geo.province_share.index:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    return pd.DataFrame([{
        "event_id": "E2023-230000-R001",
        "event_date": pd.Timestamp("2023-05-15"),  # the day is not reported; mid-month
        "province_code": "230000", "city_code": "230100", "format": "online",
        "session_type": "云端红娘", "organiser": "黑龙江省总工会",
        "matchmakers": int(by_code["mm_matchmakers"].value), "units": int(by_code["mm_units"].value),
        "participants": int(by_code["mm_participants"].value), "pairs": int(by_code["mm_pairs"].value),
        "origin": "reported", "fact_id": by_code["mm_participants"].fact_id,
    }])


EVENT_COLUMNS = ["event_id", "event_date", "province_code", "city_code", "format", "session_type",
                 "organiser", "matchmakers", "units", "participants", "pairs", "origin", "fact_id"]


def _event_rows(geo: Geography, p: str, year: int, n: int, cities: pd.DataFrame, rng) -> pd.DataFrame:
    w = cities["w"].to_numpy()
    city = cities["adcode"].to_numpy()[rng.choice(len(cities), n, p=w / w.sum())]
    day = rng.integers(0, 365, n)
    dates = pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(day, unit="D")
    if p == "230000" and year == 2023:
        # The reported May 2023 online event is the only one that month, so the
        # month's rollup reproduces its reported figures.
        may = dates.month == 5
        dates = dates.where(~may, dates + pd.Timedelta(days=31))
    fmt = FORMATS[rng.choice(3, n, p=FORMAT_WEIGHTS)]
    stype = SESSION_TYPES[rng.choice(len(SESSION_TYPES), n, p=SESSION_WEIGHTS)]
    names = pd.Series(city).map(geo.cities.set_index("adcode")["name_zh"])
    org = np.where(rng.random(n) < 0.1, geo.name(p) + "总工会", names.to_numpy() + "总工会")
    ids = [f"E{year}-{p}-{i:06d}" for i in range(n)]
    return pd.DataFrame({
        "event_id": ids, "event_date": dates, "province_code": p, "city_code": city,
        "format": fmt, "session_type": stype, "organiser": org,
        "matchmakers": rng.integers(2, 40, n), "units": rng.integers(3, 100, n),
        "participants": 0, "pairs": 0, "origin": "demo", "fact_id": None,
    })


# --------------------------------------------------------------------------- mother rooms
KINDS = np.array(["workplace_room", "workplace_corner", "workplace_box", "public"])
KIND_WEIGHTS = np.array([0.55, 0.15, 0.10, 0.20])


def _mother_rooms(geo: Geography, facts: pd.DataFrame, scale: float, rng) -> pd.DataFrame:
    stock = Calibration(facts, "mr_rooms", "stock").stock          # {(region, year): n}
    public = Calibration(facts, "mr_public_rooms", "stock").stock
    navigable = Calibration(facts, "mr_navigable_rooms", "stock").stock
    digital = Calibration(facts, "mr_digital_rooms", "stock").stock
    new_rooms = Calibration(facts, "mr_new_rooms", "flow").flow    # {region: (years, n)}
    mobile = Calibration(facts, "mr_mobile_rooms", "stock").stock
    frames = []
    for p in geo.provinces:
        cities = geo.cities_of(p)
        n_base = max(5, int(round(NATIONAL_ROOMS * scale * geo.province_share[p])))
        # Opening year of each fixed room: before 2019, then 2019..2024.
        year_w = np.array([0.35, 0.08, 0.07, 0.1, 0.12, 0.14, 0.14])  # <=2018, 2019..2024
        year_of = np.array([2018, *YEARS])
        cal_end = [(y, v) for (r, y), v in stock.items() if r == p]
        if cal_end:
            y_end, n_end = cal_end[0]
            upto = year_of <= y_end
            n_after = int(round(n_end * year_w[~upto].sum() / year_w[upto].sum()))
            counts = np.concatenate([split_total(n_end, year_w[upto], rng, minimum=0),
                                     split_total(n_after, year_w[~upto], rng, minimum=0)])
        else:
            counts = split_total(n_base, year_w, rng)
        years = np.repeat(year_of, counts)
        n = len(years)
        w = cities["w"].to_numpy()
        city = cities["adcode"].to_numpy()[rng.choice(len(cities), n, p=w / w.sum())]
        kind = KINDS[rng.choice(len(KINDS), n, p=KIND_WEIGHTS)]
        dig = rng.random(n) < 0.6
        nav = (kind == "public") & (rng.random(n) < 0.8)
        if cal_end:
            y_end = cal_end[0][0]
            m = years <= y_end
            if (p, y_end) in public:
                kind[m] = _exact_kind(kind[m], public[(p, y_end)], rng)
            if (p, y_end) in navigable:
                k = navigable[(p, y_end)]
                if (p, y_end) not in public and k > int((kind[m] == "public").sum()):
                    # "1667 public-place rooms can be found by online navigation":
                    # at least that many public rooms, all of them navigable.
                    kind[m] = _exact_kind(kind[m], k, rng)
                idx = np.flatnonzero(m & (kind == "public"))
                if k <= len(idx):
                    nav[m] = False
                    nav[rng.choice(idx, k, replace=False)] = True
            if (p, y_end) in digital:
                idx = np.flatnonzero(m)
                dig[m] = False
                dig[rng.choice(idx, min(digital[(p, y_end)], len(idx)), replace=False)] = True
        df = pd.DataFrame({"province_code": p, "city_code": city, "kind": kind,
                           "year": years, "digital": dig, "navigable": nav})
        # City-level calibrations inside the province (Luoyang's 295 new rooms 2019-2023).
        for c in cities["adcode"]:
            if c in new_rooms:
                yrs, total = new_rooms[c]
                df = df[~((df["city_code"] == c) & df["year"].isin(yrs))]
                split = split_total(total, np.ones(len(yrs)), rng)
                extra = pd.DataFrame({"province_code": p, "city_code": c,
                                      "kind": KINDS[rng.choice(len(KINDS), total, p=KIND_WEIGHTS)],
                                      "year": np.repeat(yrs, split), "digital": rng.random(total) < 0.6})
                extra["navigable"] = (extra["kind"] == "public") & (rng.random(total) < 0.8)
                df = pd.concat([df, extra], ignore_index=True)
        for (c, y_end), total in mobile.items():
            if c in set(cities["adcode"]):
                yrs = np.array([y for y in YEARS if y <= y_end])
                split = split_total(total, np.ones(len(yrs)), rng)
                df = pd.concat([df, pd.DataFrame({
                    "province_code": p, "city_code": c, "kind": "mobile_bus",
                    "year": np.repeat(yrs, split), "digital": True, "navigable": False})],
                    ignore_index=True)
        frames.append(df)
    rooms = pd.concat(frames, ignore_index=True)
    return _room_details(geo, rooms, rng)


def _exact_kind(kind: np.ndarray, n_public: int, rng) -> np.ndarray:
    """Re-draw kinds so that exactly ``n_public`` rooms are in public places."""
    out = KINDS[rng.choice(3, len(kind), p=KIND_WEIGHTS[:3] / KIND_WEIGHTS[:3].sum())]
    out[rng.choice(len(kind), n_public, replace=False)] = "public"
    return out


def _room_details(geo: Geography, rooms: pd.DataFrame, rng) -> pd.DataFrame:
    n = len(rooms)
    rooms = rooms.sort_values(["province_code", "city_code", "year", "kind"], kind="stable")
    rooms = rooms.reset_index(drop=True)
    # District and coordinates: near a district centroid of the room's city.
    dcode = np.empty(n, dtype=object)
    lon = np.empty(n)
    lat = np.empty(n)
    city_idx = geo.cities.set_index("adcode")
    for c, idx in rooms.groupby("city_code").indices.items():
        ds = geo.district_by_city.get(c)
        if ds is None or ds.empty:
            dcode[idx] = None
            lon[idx] = city_idx.at[c, "lon"]
            lat[idx] = city_idx.at[c, "lat"]
        else:
            pick = rng.choice(len(ds), len(idx))
            dcode[idx] = ds["adcode"].to_numpy()[pick]
            lon[idx] = ds["lon"].to_numpy()[pick]
            lat[idx] = ds["lat"].to_numpy()[pick]
    lon = np.round(lon + rng.normal(0, 0.02, n), 6)
    lat = np.round(lat + rng.normal(0, 0.015, n), 6)
    names_zh = geo.regions["name_zh"]
    pname = rooms["province_code"].map(names_zh)
    cname = rooms["city_code"].map(names_zh)
    dname = pd.Series(dcode).map(names_zh).fillna("")
    cname_addr = cname.where(cname != pname, "")
    street = STREETS[rng.integers(0, len(STREETS), n)]
    num = rng.integers(1, 400, n).astype(str)
    address = pname + cname_addr + dname + street + num + "号"
    kind = rooms["kind"].to_numpy()
    short_city = cname.str.replace(r"(市|地区|自治州|盟)$", "", regex=True)
    employer = short_city + EMPLOYERS[rng.integers(0, len(EMPLOYERS), n)]
    place = short_city + dname.str.replace(r"(区|县|市)$", "", regex=True) + PUBLIC_PLACES[
        rng.integers(0, len(PUBLIC_PLACES), n)]
    name = np.select(
        [kind == "workplace_room", kind == "workplace_corner", kind == "workplace_box",
         kind == "public", kind == "mobile_bus"],
        [employer + "工会妈妈小屋", employer + "女职工关爱角", employer + "女职工关爱箱",
         place + "爱心妈咪小屋", short_city + "公交" + pd.Series(rng.integers(1, 120, n)).astype(str)
         + "路流动妈咪小屋"], default="")
    workplace = np.char.startswith(kind.astype(str), "workplace")
    is_public = kind == "public"
    hospital = is_public & pd.Series(name).str.contains("医院|保健院").to_numpy()
    open_t = np.where(workplace, "08:30:00", np.where(kind == "mobile_bus", "06:30:00", "09:00:00"))
    close_t = np.where(workplace, "17:30:00", np.where(kind == "mobile_bus", "21:00:00", "21:00:00"))
    open_t = np.where(hospital, None, open_t)
    close_t = np.where(hospital, None, close_t)
    days = np.where(workplace, "12345", "1234567")
    full = kind == "workplace_room"
    opened = pd.to_datetime(rooms["year"].astype(str) + "-01-01") + pd.to_timedelta(
        rng.integers(0, 365, n), unit="D")
    p_code = rooms["province_code"].str[:2]
    out = pd.DataFrame({
        "room_id": [f"R{pc}{i:07d}" for i, pc in enumerate(p_code)],
        "name": name, "province_code": rooms["province_code"], "city_code": rooms["city_code"],
        "district_code": dcode, "address": address, "lon": lon, "lat": lat, "crs_in": "gcj02",
        "kind": kind,
        "has_lock": np.where(full | is_public, rng.random(n) < 0.9, rng.random(n) < 0.3),
        "has_sink": np.where(full | is_public, rng.random(n) < 0.7, rng.random(n) < 0.1),
        "has_fridge": np.where(full, rng.random(n) < 0.8, rng.random(n) < 0.25),
        "has_outlet": rng.random(n) < 0.9,
        "has_seating": rng.random(n) < 0.97,
        "has_changing_table": np.where(is_public | (kind == "mobile_bus"), rng.random(n) < 0.85,
                                       rng.random(n) < 0.4),
        "open_time": open_t, "close_time": close_t, "open_days": days,
        "opened_date": opened.dt.date, "digital": rooms["digital"].to_numpy(),
        "navigable": rooms["navigable"].to_numpy(),
        "internal": workplace & (rng.random(n) < 0.7),
        "contact": np.where(workplace, "工会办公室 分机" + pd.Series(rng.integers(8000, 8999, n)).astype(str),
                            None),
        "origin": "demo",
    })
    return room_demo.bus_service(out, geo.district_by_city)


# --------------------------------------------------------------------------- studios
LEVELS = np.array(["national", "provincial", "city", "industry"])
LEVEL_WEIGHTS = np.array([0.03, 0.25, 0.5, 0.22])


def _studios(geo: Geography, facts: pd.DataFrame, scale: float, rng, named: pd.DataFrame):
    prov_cal = Calibration(facts, "in_studios_provincial", "stock").stock
    ci_cal = Calibration(facts, "in_studios_city_industry", "stock").stock
    frames = []
    for p in geo.provinces:
        n = max(3, int(round(NATIONAL_STUDIOS * scale * geo.province_share[p])))
        founded = rng.choice(np.arange(2012, 2025), n)
        level = LEVELS[rng.choice(4, n, p=LEVEL_WEIGHTS)]
        cal = {k[1]: v for k, v in prov_cal.items() if k[0] == p}
        cal_ci = {k[1]: v for k, v in ci_cal.items() if k[0] == p}
        if cal or cal_ci:
            y_end = next(iter(cal or cal_ci))
            n_prov = cal.get(y_end, int(n * 0.25))
            n_ci = cal_ci.get(y_end, int(n * 0.7))
            n_nat = max(1, int(n * 0.03))
            n_new = int(round((n_prov + n_ci) * 0.08))
            level = np.concatenate([
                np.repeat(["provincial"], n_prov),
                LEVELS[2 + rng.choice(2, n_ci, p=[0.65, 0.35])],
                np.repeat(["national"], n_nat),
                LEVELS[1 + rng.choice(3, n_new, p=[0.25, 0.5, 0.25])]])
            founded = np.concatenate([rng.choice(np.arange(2012, y_end + 1), n_prov + n_ci + n_nat),
                                      np.full(n_new, y_end + 1)])
            n = len(level)
        cities = geo.cities_of(p)
        w = cities["w"].to_numpy()
        city = cities["adcode"].to_numpy()[rng.choice(len(cities), n, p=w / w.sum())]
        lead = SURNAMES[rng.integers(0, len(SURNAMES), n)] + GIVEN[rng.integers(0, len(GIVEN), n)]
        # A generated lead never takes the name of a lead the source names.
        lead = lead.astype(object)
        clash = np.isin(lead, named["lead"].to_numpy())
        lead[clash] = [x[0] + "晓" + x[1:] for x in lead[clash]]
        cname = pd.Series(city).map(geo.regions["name_zh"]).str.replace(r"(市|地区|自治州|盟)$", "",
                                                                         regex=True)
        employer = cname + EMPLOYERS[rng.integers(0, len(EMPLOYERS), n)]
        industry = INDUSTRIES[rng.integers(0, len(INDUSTRIES), n)]
        name = lead + np.where(level == "provincial", "女职工创新工作室", "创新工作室")
        df = pd.DataFrame({"province_code": p, "region_code": city, "level": level,
                           "founded_year": founded, "lead": lead, "employer": employer,
                           "industry": industry, "name": name, "origin": "demo", "fact_id": None})
        df = _name_reported_studios(df, named[named["region_code"].str[:2] == p[:2]], geo)
        frames.append(df)
    studios = pd.concat(frames, ignore_index=True)
    studios = studios.sort_values(["province_code", "founded_year", "region_code"], kind="stable")
    studios = studios.reset_index(drop=True)
    studios.insert(0, "studio_id", [f"S{p[:2]}{i:06d}" for i, p in enumerate(studios["province_code"])])
    outputs = _studio_outputs(studios, facts, named, rng)
    cols = ["studio_id", "name", "lead", "employer", "province_code", "region_code", "level",
            "industry", "founded_year", "origin", "fact_id"]
    return studios[cols], outputs


def _name_reported_studios(df: pd.DataFrame, named: pd.DataFrame, geo: Geography) -> pd.DataFrame:
    """Give generated studios the leads, employers and levels the source names.

    The row stays ``origin = 'demo'`` (its founding year and place are generated);
    ``fact_id`` links it to the first reported fact about its lead.
    """
    df = df.copy()
    taken: set[int] = set()
    for r in named.itertuples():
        pool = df.index[(df["level"] == r.level) & (df["founded_year"] <= 2018) & ~df.index.isin(taken)]
        if not len(pool):
            pool = df.index[~df.index.isin(taken)]
        i = pool[0]
        taken.add(i)
        df.loc[i, ["lead", "employer", "industry", "name"]] = [
            r.lead, r.employer or "未披露", r.industry or df.loc[i, "industry"], r.studio_name]
        if r.region_code in set(geo.cities["adcode"]):
            df.loc[i, "region_code"] = r.region_code
        df.loc[i, "founded_year"] = min(int(df.loc[i, "founded_year"]), 2018)
        ids = [f for f in r.fact_ids.split(";") if f]
        df.loc[i, "fact_id"] = ids[0] if ids else None
        df.loc[i, "named_facts"] = ";".join(ids)
    return df


def _studio_outputs(studios: pd.DataFrame, facts: pd.DataFrame, named: pd.DataFrame, rng) -> pd.DataFrame:
    start = np.maximum(studios["founded_year"].to_numpy(), YEARS[0])
    n_years = YEARS[-1] - start + 1
    sid = np.repeat(studios["studio_id"].to_numpy(), n_years)
    year = np.concatenate([np.arange(s, YEARS[-1] + 1) for s in start])
    m = len(sid)
    trainings = rng.poisson(8, m)
    out = pd.DataFrame({
        "studio_id": sid, "year": year, "patents": rng.poisson(1.2, m),
        "problems_solved": rng.poisson(3, m), "awards": rng.poisson(0.6, m),
        "trainings": trainings, "trainees": trainings * rng.integers(10, 35, m),
        "talents": rng.poisson(5, m), "origin": "demo",
    })
    # The named studios reproduce their leads' reported outputs over the facts' years.
    by_id = facts.set_index("fact_id")
    if "named_facts" not in studios:
        return out
    for row in studios[studios["named_facts"].fillna("") != ""].itertuples():
        for fid in row.named_facts.split(";"):
            f = by_id.loc[fid]
            col = _output_column(f)
            if col is None:
                continue
            yrs = _whole_years(f) or tuple(range(2019, 2024))
            mask = (out["studio_id"] == row.studio_id) & out["year"].isin(yrs)
            k = int(mask.sum())
            if k:
                out.loc[mask, col] = split_total(int(round(f.value)), np.ones(k), rng)
    return out.reset_index(drop=True)


OUTPUT_WORDS = (  # (unit, a word of the quote) -> studio_output column
    (("次", "场"), ("授课", "培训", "讲课"), "trainings"),
    (("人次",), ("培训", "授课"), "trainees"),
    (("名", "人"), ("培养", "带徒", "徒弟"), "talents"),
    (("项", "件"), ("专利",), "patents"),
    (("项", "个"), ("难题", "攻关"), "problems_solved"),
    (("项", "个", "次"), ("奖",), "awards"),
)


def _output_column(fact) -> str | None:
    """Which output a fact about a studio lead reports, from its unit and wording."""
    for units, words, col in OUTPUT_WORDS:
        if fact.unit in units and any(w in fact.quote for w in words):
            return col
    return None


# --------------------------------------------------------------------------- other indicators
# Typical value per province and year (flow) or per province (stock, at 2023).
BASE = {
    "mr_services": 350_000, "cc_holiday_classes": 800, "cc_children": 22_000, "cc_places": 9_000,
    "cc_model_units": 10, "rt_documents": 35, "rt_proposals": 130, "rt_special_contracts": 30_000,
    "rt_family_friendly": 35, "og_orgs": 38_000, "og_members": 1_900_000, "pc_events": 600,
    "pc_served": 450_000, "sk_trained": 180_000, "sk_women_tech_workers": 400_000,
    "sk_tech_workers": 1_300_000,
}


def _indicator_values(geo: Geography, indicators: pd.DataFrame, facts: pd.DataFrame, rng) -> pd.DataFrame:
    plain = indicators[indicators["detail_table"].isna() & (indicators["agg"] != "ratio")]
    cities = geo.cities
    frames = []
    store: dict[str, pd.DataFrame] = {}
    for ind in plain.itertuples():
        base = BASE.get(ind.code, 100)
        share = cities["province_code"].map(geo.province_share).to_numpy()
        within = cities["w"] / cities.groupby("province_code")["w"].transform("sum")
        level = base * len(geo.provinces) * share * within.to_numpy() * rng.lognormal(0, 0.2, len(cities))
        grid = []
        for y in YEARS:
            g = (1.06 ** (y - 2023)) * (rng.lognormal(0, 0.08, len(cities)) if ind.agg == "flow" else 1)
            grid.append(level * g)
        mat = np.vstack(grid).T  # cities x years
        codes = cities["adcode"].to_numpy()
        prov = cities["province_code"].to_numpy()
        facts_i = _facts(facts, ind.code)
        # City-level facts first, then provinces (which keep their cities' figures fixed).
        facts_i = facts_i.assign(is_city=facts_i["region_code"].isin(codes)).sort_values(
            ["is_city", "fact_id"], ascending=[False, True])
        fixed = np.zeros_like(mat, dtype=bool)
        for f in facts_i.itertuples():
            rows = np.flatnonzero(codes == f.region_code) if f.is_city else np.flatnonzero(prov == f.region_code)
            if not len(rows):
                continue
            target = int(round(f.value))
            if ind.agg == "stock":
                y_end = pd.Timestamp(f.period_end).year
                cols = [YEARS.index(y_end)] if y_end in YEARS else []
            else:
                yrs = _whole_years(f) or ()
                cols = [YEARS.index(y) for y in yrs if y in YEARS]
            if not cols:
                continue
            block = mat[np.ix_(rows, cols)]
            fx = fixed[np.ix_(rows, cols)]
            free_total = target - int(np.rint(block[fx]).sum())
            newvals = block.copy()
            newvals[~fx] = scale_to_total(block[~fx], max(free_total, 0))
            if ind.agg == "stock":
                # Keep the path: scale the other years of these regions by the same factor.
                factor = newvals.sum(axis=1) / np.maximum(block.sum(axis=1), 1e-9)
                others = [j for j in range(len(YEARS)) if j not in cols]
                mat[np.ix_(rows, others)] *= factor[:, None]
            mat[np.ix_(rows, cols)] = newvals
            fixed[np.ix_(rows, cols)] = True
        mat = np.rint(mat)
        store[ind.code] = mat
        frames.append(pd.DataFrame({
            "indicator_code": ind.code, "region_code": np.repeat(codes, len(YEARS)),
            "province_code": np.repeat(prov, len(YEARS)), "year": np.tile(YEARS, len(codes)),
            "value": mat.ravel(), "origin": "demo"}))
    out = pd.concat(frames, ignore_index=True)
    out = _calibrate_ratios(out, indicators, facts, geo)
    return out


def _calibrate_ratios(values: pd.DataFrame, indicators: pd.DataFrame, facts: pd.DataFrame,
                      geo: Geography) -> pd.DataFrame:
    """Set a ratio's denominator so that factor*num/den reproduces a reported ratio."""
    ratios = indicators[indicators["agg"] == "ratio"].set_index("code")
    for f in facts[facts["indicator_code"].isin(ratios.index)].itertuples():
        r = ratios.loc[f.indicator_code]
        if not pd.isna(r.detail_table):
            continue  # detail-backed ratios (match rate) are reproduced by their parts
        year = pd.Timestamp(f.period_end).year
        in_region = (values["province_code"] == f.region_code) | (values["region_code"] == f.region_code)
        at = in_region & (values["year"] == year)
        num = values.loc[at & (values["indicator_code"] == r.numerator), "value"].sum()
        den_mask = at & (values["indicator_code"] == r.denominator)
        target_den = int(round(num * r.factor / f.value))
        values.loc[den_mask, "value"] = scale_to_total(values.loc[den_mask, "value"], target_den)
    return values
