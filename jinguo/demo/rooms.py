"""Mother rooms: how many by city and opening year (drivers, calibration), then their details.

The steps of :func:`mother_rooms` are separate functions: ``room_counts`` (how
many), ``fixed_rooms`` (kind, digital, navigable), ``mobile_rooms`` (the
rooms on buses) and ``room_details`` (place, name, amenities, hours).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jinguo.demo import baseline as B
from jinguo.demo import buses
from jinguo.demo.alloc import scale_to_total
from jinguo.demo.calibrate import Calibration
from jinguo.demo.drivers import Geography

KINDS = np.array(["workplace_room", "workplace_corner", "workplace_box", "public"])
KIND_WEIGHTS = np.array([0.55, 0.15, 0.10, 0.20])
YEAR_OF = np.array([2018, *B.YEARS])  # 2018 stands for "opened up to 2018"
STREETS = np.array(["人民路", "解放路", "建设路", "中山路", "文化路", "和平路", "新华路", "长江路",
                    "黄河路", "胜利路", "工业路", "青年路", "南京路", "光明路", "幸福路", "团结路"])
EMPLOYERS = np.array(["供电公司", "自来水公司", "第一人民医院", "中心医院", "公交集团", "电信分公司",
                      "纺织厂", "电子科技公司", "食品公司", "机械制造公司", "商业银行分行", "物流园",
                      "税务局", "实验中学", "中心小学", "制药公司", "服装公司", "汽车零部件公司"])
PUBLIC_PLACES = np.array(["火车站", "汽车客运站", "妇幼保健院", "人民医院", "图书馆", "博物馆", "万达广场",
                          "人民公园", "政务服务中心", "劳动者港湾", "工人文化宫", "体育中心", "景区游客中心"])


def mother_rooms(geo: Geography, facts: pd.DataFrame, scale: float, rng) -> pd.DataFrame:
    counts = room_counts(geo, facts, scale, rng)
    rooms = fixed_rooms(counts, facts, rng)
    rooms = pd.concat([rooms, mobile_rooms(geo, facts, rng)], ignore_index=True)
    return room_details(geo, rooms, rng)


def room_counts(geo: Geography, facts: pd.DataFrame, scale: float, rng) -> pd.DataFrame:
    """Rooms opened by city and year (2018 = up to 2018): columns province_code, city_code, year, n.

    A province's rooms follow ``ROOM_YEAR_WEIGHTS`` (so its stock grows smoothly), are split over
    its cities by their weight, and are calibrated to a reported stock (山东 4923 at the end of
    2023) or a city's reported new rooms (洛阳 295 in 2019-2023; its other years move by the same
    factor, so its trend continues).
    """
    stock = Calibration(facts, "mr_rooms", "stock").stock
    new_rooms = Calibration(facts, "mr_new_rooms", "flow").flow
    effort = geo.effort(rng)
    w = B.ROOM_YEAR_WEIGHTS
    frames = []
    for p in geo.provinces:
        cal = [(y, v) for (r, y), v in stock.items() if r == p]
        if cal:
            y_end, n_end = cal[0]
            upto = YEAR_OF <= y_end
            n_after = int(round(n_end * w[~upto].sum() / w[upto].sum()))
            by_year = np.concatenate([scale_to_total(w[upto], n_end), scale_to_total(w[~upto], n_after)])
        else:
            total = max(B.MIN_ROOMS, B.ROOMS_PER_M_URBAN * geo.urban[p] / 1e6 * effort[p]) * scale
            by_year = scale_to_total(w, int(round(total)))
        cities = geo.cities_of(p)
        grid = np.column_stack([scale_to_total(cities["w"], int(n)) for n in by_year])  # cities x years
        for i, c in enumerate(cities["adcode"]):
            if c in new_rooms:
                yrs, total = new_rooms[c]
                cols = np.isin(YEAR_OF, yrs)
                factor = total / max(grid[i, cols].sum(), 1)
                grid[i, cols] = scale_to_total(grid[i, cols], total)
                grid[i, ~cols] = np.rint(grid[i, ~cols] * factor)
        frames.append(pd.DataFrame({"province_code": p, "city_code": np.repeat(cities["adcode"], len(YEAR_OF)),
                                    "year": np.tile(YEAR_OF, len(cities)), "n": grid.ravel()}))
    return pd.concat(frames, ignore_index=True)


def fixed_rooms(counts: pd.DataFrame, facts: pd.DataFrame, rng) -> pd.DataFrame:
    """One row per room: kind, digital, navigable; a province's reported shares made exact."""
    public = Calibration(facts, "mr_public_rooms", "stock").stock
    navigable = Calibration(facts, "mr_navigable_rooms", "stock").stock
    digital = Calibration(facts, "mr_digital_rooms", "stock").stock
    stock_end = {r: y for (r, y) in Calibration(facts, "mr_rooms", "stock").stock}
    frames = []
    for p, c in counts.groupby("province_code", sort=True):
        city = np.repeat(c["city_code"].to_numpy(), c["n"].to_numpy())
        years = np.repeat(c["year"].to_numpy(), c["n"].to_numpy())
        n = len(years)
        kind = KINDS[rng.choice(len(KINDS), n, p=KIND_WEIGHTS)]
        dig = rng.random(n) < 0.6
        nav = (kind == "public") & (rng.random(n) < 0.8)
        y_end = stock_end.get(p)
        if y_end is not None:
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
        frames.append(pd.DataFrame({"province_code": p, "city_code": city, "kind": kind,
                                    "year": years, "digital": dig, "navigable": nav}))
    return pd.concat(frames, ignore_index=True)


def mobile_rooms(geo: Geography, facts: pd.DataFrame, rng) -> pd.DataFrame:
    """Rooms on buses (洛阳: 1200 at the end of 2023), added evenly over the years up to the fact."""
    frames = []
    for (c, y_end), total in Calibration(facts, "mr_mobile_rooms", "stock").stock.items():
        if c not in set(geo.cities["adcode"]):
            continue
        yrs = np.array([y for y in B.YEARS if y <= y_end])
        frames.append(pd.DataFrame({
            "province_code": c[:2] + "0000", "city_code": c, "kind": "mobile_bus",
            "year": np.repeat(yrs, scale_to_total(np.ones(len(yrs)), total)), "digital": True,
            "navigable": False}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["province_code", "city_code", "kind", "year", "digital", "navigable"])


def _exact_kind(kind: np.ndarray, n_public: int, rng) -> np.ndarray:
    """Re-draw kinds so that exactly ``n_public`` rooms are in public places."""
    out = KINDS[rng.choice(3, len(kind), p=KIND_WEIGHTS[:3] / KIND_WEIGHTS[:3].sum())]
    out[rng.choice(len(kind), n_public, replace=False)] = "public"
    return out


def room_details(geo: Geography, rooms: pd.DataFrame, rng) -> pd.DataFrame:
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
    # The district keeps its suffix (洛阳涧西区工人文化宫): stripped, 涧西+工人 would read as "西工".
    place = short_city + dname + PUBLIC_PLACES[rng.integers(0, len(PUBLIC_PLACES), n)]
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
    return buses.bus_service(out, geo.district_by_city)   # buses: a service area and bus hours


