"""Mother-room SQL on a hand-made database: distances, nearest order, filters, public view, map payload."""

import json
import math
from datetime import datetime

import duckdb
import pytest

from jinguo.auth.access import scope_for
from jinguo.geo import coords, locate
from jinguo.store import sql
from jinguo.store.db import query
from jinguo.views import decks, nearest, rooms
from jinguo.web.escape import md_escape
from tests.conftest import SCHEMA

R = 6371008.8
ORIG = ["reported", "demo", "imported"]
BASE = (112.45, 34.62)   # a point in Luoyang


def hav(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def rooms_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("rooms") / "rooms.duckdb"
    con = duckdb.connect(str(path))
    con.execute(SCHEMA)
    con.execute("""insert into region values
        ('410000', null, 'province', '河南省', '河南', 'Henan', '410000', null, 113.6, 34.7, true),
        ('410300', '410000', 'city', '洛阳市', '洛阳', 'Luoyang', '410000', '410300', 112.45, 34.62, true),
        ('410303', '410300', 'district', '西工区', '西工', 'Xigong', '410000', '410300', 112.43, 34.66, true),
        ('410302', '410300', 'district', '老城区', '老城', 'Laocheng', '410000', '410300', 112.47, 34.68, true),
        ('370000', null, 'province', '山东省', '山东', 'Shandong', '370000', null, 117.0, 36.7, true)""")
    # id, lon, lat, kind, internal, open 08:30-17:30 weekdays (workplace) or all day (public), lock
    rows = [
        ("A", 112.4500, 34.6290, "public", False, None, None, "1234567", True, "西工区"),     # 1.0 km north
        ("B", 112.4610, 34.6200, "workplace_room", True, "08:30", "17:30", "12345", True, "西工区"),  # ~1.0 km east
        ("C", 112.4500, 34.6470, "workplace_corner", False, "08:30", "17:30", "12345", False, "老城区"),  # 3 km
        ("D", 112.5500, 34.6200, "public", False, "09:00", "21:00", "1234567", False, "老城区"),   # ~9.2 km
        ("E", 117.0000, 36.6700, "public", False, None, None, "1234567", True, "历下区"),        # Jinan
    ]
    for rid, lon, lat, kind, internal, o, c, days, lock, dist in rows:
        prov, city, dcode = ("370000", "370100", None) if rid == "E" else ("410000", "410300",
                                                                            "410303" if dist == "西工区" else "410302")
        con.execute("""insert into mother_room values (?, ?, ?, ?, ?, ?, ?, ?, 'gcj02', ?, ?, true, false, true,
                       true, false, ?, ?, ?, '2020-01-01', true, ?, ?, ?, 'demo', null)""",
                    [rid, f"小屋{rid}", prov, city, dcode, f"河南省洛阳市{dist}某路{rid}号", lon, lat, kind, lock,
                     o, c, days, kind == "public", internal, "分机8001" if kind.startswith("workplace") else None])
    # Two buses of Luoyang: one serving 西工区 and 老城区, one serving only 老城区; their base lies 90 km east, beyond every radius used here.
    for rid, area in (("BUS1", "410303,410302"), ("BUS2", "410302")):
        con.execute("""insert into mother_room values (?, ?, '410000', '410300', null, '公交场站', 113.45, 34.62,
                       'gcj02', 'mobile_bus', false, false, false, true, true, true, '07:00', '19:00', '1234567',
                       '2020-01-01', true, false, false, null, 'demo', ?)""", [rid, f"公交{rid}路流动妈咪小屋", area])
    con.close()
    return path


@pytest.fixture()
def rcon(rooms_db):
    con = duckdb.connect(str(rooms_db), read_only=True)
    yield con
    con.close()


MONDAY_NOON = datetime(2024, 4, 22, 12, 0)
SUNDAY_NIGHT = datetime(2024, 4, 28, 22, 0)


def near(con, scope=None, flt=None, radius=50_000.0, n=10, at=BASE):
    """The nearest rooms as both finders ask for them (jinguo.views.nearest over rooms_pool/rooms_passing)."""
    flt = flt or rooms.RoomFilter(now=MONDAY_NOON)
    scope = scope or sql.Scope.everything()

    def run(name, **p):
        return sql.run_arrow(con, name, scope, **p)

    return nearest.load(run).nearest(run, at[0], at[1], n, radius, {"origins": ORIG, **flt.params()}).to_pandas()


def test_sql_distance_equals_hand_computed_haversine(rcon):
    df = near(rcon).set_index("room_id")
    # A is 0.009 degrees of latitude north: 0.009 * pi/180 * 6371008.8 = 1000.76 m
    assert df.loc["A", "distance_m"] == pytest.approx(0.009 * math.pi / 180 * R, abs=0.1)
    for rid, lon, lat in (("B", 112.461, 34.62), ("C", 112.45, 34.647), ("D", 112.55, 34.62)):
        assert df.loc[rid, "distance_m"] == pytest.approx(hav(*BASE, lon, lat), abs=0.1)
        assert df.loc[rid, "distance_m"] == pytest.approx(coords.haversine_m(*BASE, lon, lat), abs=0.1)


def test_nearest_are_sorted_limited_and_within_the_radius(rcon):
    assert list(near(rcon)["room_id"]) == ["A", "B", "C", "D"]   # Jinan (E) is 500 km away
    assert list(near(rcon, n=2)["room_id"]) == ["A", "B"]
    assert list(near(rcon, radius=2000)["room_id"]) == ["A", "B"]


def test_public_view_hides_internal_rooms_and_contacts(rcon):
    pub = near(rcon, scope=scope_for(None))
    assert "B" not in set(pub["room_id"]) and pub["contact"].isna().all()
    full = near(rcon, scope=sql.Scope())
    assert full.set_index("room_id").loc["B", "contact"] == "分机8001"


def test_filters_kind_amenity_open_now(rcon):
    assert list(near(rcon, flt=rooms.RoomFilter(kinds=("public",), now=MONDAY_NOON))["room_id"]) == ["A", "D"]
    assert list(near(rcon, flt=rooms.RoomFilter(amenities=("lock",), now=MONDAY_NOON))["room_id"]) == ["A", "B"]
    # Sunday 22:00: workplace rooms closed (weekdays), D closed (09-21); A is open around the clock
    assert list(near(rcon, flt=rooms.RoomFilter(open_now=True, now=SUNDAY_NIGHT))["room_id"]) == ["A"]
    assert list(near(rcon, flt=rooms.RoomFilter(open_now=True, now=MONDAY_NOON))["room_id"]) == ["A", "B", "C", "D"]
    assert list(near(rcon, flt=rooms.RoomFilter(navigable_only=True, now=MONDAY_NOON))["room_id"]) == ["A", "D"]


def test_search_words_tolerate_missing_suffixes(rcon):
    def s(q):
        return list(query(rcon, "rooms_search", q=q, provinces=["410000", "370000"], origins=ORIG, limit=100,
                          **rooms.RoomFilter(now=MONDAY_NOON).params())["room_id"])
    assert s("洛阳 老城") == ["C", "D"]
    assert s("洛阳市 西工区") == ["A", "B"]
    assert s("小屋E") == ["E"]
    assert s("'; drop table mother_room; --") == []
    assert len(s("")) == 7     # A-E and the two buses


def test_grid_counts_rooms_per_cell(rcon):
    g = query(rcon, "rooms_grid", cell=0.5, provinces=["410000", "370000"], origins=ORIG,
              kinds=list(rooms.KINDS))
    # A-D share the cell [112.0, 112.5) x [34.5, 35.0) except D (lon 112.55) -> next cell; E alone;
    # both buses' base (113.45, 34.62) in [113.0, 113.5) x [34.5, 35.0)
    assert sorted(g["rooms"]) == [1, 1, 2, 3]
    assert g["rooms"].sum() == 7


def test_locate_by_point_and_by_address():
    regions = {"410303": (112.43, 34.66, "西工区"), "410300": (112.45, 34.62, "洛阳市"),
               "410000": (113.6, 34.7, "河南省")}
    assert locate.locate("112.45,34.62", "gcj02", regions) == (112.45, 34.62, "point")
    lon, lat, how = locate.locate("34.62,112.45", "wgs84", regions)
    assert how == "point_swapped" and 0 < coords.haversine_m(112.45, 34.62, lon, lat) < 1000
    assert locate.locate("河南省洛阳市西工区中州路", "gcj02", regions) == (112.43, 34.66, "address:西工区")
    with pytest.raises(locate.LocateError):
        locate.locate("火星基地", "gcj02", regions)


def test_national_map_payload_is_bounded_whatever_the_scale(built):
    """At national zoom the deck holds boundaries + grid cells only. Cells are at most the number of
    0.5-degree squares in China's bounding box, so the payload has a ceiling that does not grow with
    the number of rooms; we check the ceiling is under 5 MB."""
    provs = [r[0] for r in built.execute("select adcode from region where level='province'").fetchall()]
    g = query(built, "rooms_grid", cell=rooms.GRID_CELL, provinces=provs, origins=ORIG, kinds=list(rooms.KINDS))
    lon0, lat0, lon1, lat1 = coords.CHINA_BBOX
    max_cells = math.ceil((lon1 - lon0) / rooms.GRID_CELL + 1) * math.ceil((lat1 - lat0) / rooms.GRID_CELL + 1)
    assert len(g) <= max_cells
    cells = g.assign(tip="共 99999999 家").to_dict("records")
    deck = decks.build_deck(None, cells, None, (105, 35, 3))
    size = decks.payload_bytes(deck)
    per_cell = (size - decks.payload_bytes(decks.build_deck(None, cells[:1], None, (105, 35, 3)))) / max(len(cells) - 1, 1)
    ceiling = size + per_cell * (max_cells - len(cells))
    assert size < 5_000_000 and ceiling < 5_000_000, (size, ceiling)
    layers = [layer["id"] for layer in json.loads(deck.to_json())["layers"]]
    assert "rooms" not in layers and "cells" in layers


def test_city_zoom_draws_the_citys_district_borders():
    deck = json.loads(decks.build_deck(None, None, "410000", (112.43, 34.66, 11.5), city="410300").to_json())
    layers = {layer["id"]: layer for layer in deck["layers"]}
    assert layers["districts"]["@@type"] == "PathLayer"
    # Luoyang's 14 districts and counties: at least one ring each, all within the city's box
    rings = layers["districts"]["data"]
    assert len(rings) >= 14 and all(111.0 < x < 113.0 and 33.5 < y < 35.1 for r in rings for x, y in r["path"])
    plain = json.loads(decks.build_deck(None, None, "410000", (112.43, 34.66, 11.5)).to_json())
    assert "districts" not in {layer["id"] for layer in plain["layers"]}


def test_open_now_off_binds_no_clock_and_on_binds_the_minute():
    """Cached queries hit: without "open now" the clock is not bound; with it, only to the minute."""
    a = rooms.RoomFilter(now=datetime(2024, 4, 22, 12, 0, 5, 123)).params()
    b = rooms.RoomFilter(now=datetime(2024, 4, 28, 22, 59, 59)).params()
    assert a == b and a["weekday"] == "" and str(a["now_time"]) == "00:00:00"
    c = rooms.RoomFilter(open_now=True, now=datetime(2024, 4, 22, 12, 0, 5, 123)).params()
    d = rooms.RoomFilter(open_now=True, now=datetime(2024, 4, 22, 12, 0, 59)).params()
    assert c == d and c["weekday"] == "1" and str(c["now_time"]) == "12:00:00"
    assert rooms.RoomFilter(open_now=True, now=datetime(2024, 4, 22, 12, 1)).params() != c


def test_mobile_rooms_are_found_by_the_district_they_serve(rcon):
    """A bus is listed for the districts on its route, never by the distance to its base."""
    def buses(district):
        return list(query(rcon, "rooms_mobile_near", district=district, city="410300", n=5, origins=ORIG)["room_id"])
    assert buses("410303") == ["BUS1"]                  # only BUS1 serves 西工区
    assert buses("410302") == ["BUS1", "BUS2"]          # both serve 老城区
    assert buses("370102") == []                        # Jinan: none (city 410300 is not listed either)
    # and the nearest fixed rooms never hold a bus, even with a radius that reaches their base
    fixed = [k for k in rooms.KINDS if k != "mobile_bus"]
    res = near(rcon, flt=rooms.RoomFilter(kinds=tuple(fixed), now=MONDAY_NOON), radius=200_000.0)
    assert "mobile_bus" not in set(res["kind"]) and len(res) == 4


def test_markdown_escaping_neutralises_links_images_and_html():
    """Room names from an officer's file go into st.markdown as plain text."""
    assert md_escape("[x](http://evil)") == r"\[x\]\(http\:\/\/evil\)"
    assert md_escape("![](http://evil/i.png)") == r"\!\[\]\(http\:\/\/evil\/i\.png\)"
    assert md_escape("<img src=x>") == r"\<img src\=x\>"
    assert md_escape("妈咪小屋\n*一楼*") == r"妈咪小屋 \*一楼\*"
    assert md_escape(None) == ""


def test_days_distance_and_service_area_labels():
    from jinguo.text.i18n import t
    zh = lambda k, **kw: t(k, "zh", **kw)  # noqa: E731
    en = lambda k, **kw: t(k, "en", **kw)  # noqa: E731
    assert [rooms.days_label(d, zh) for d in ("1234567", "12345", "67", "135")] == [
        "每天", "周一至周五", "周末", "周一、周三、周五"]
    assert rooms.days_label("12345", en) == "Mon–Fri"
    assert [rooms.distance_label(m) for m in (4.0, 583.0, 999.4, 1949.0, None)] == [
        "0 m", "580 m", "1000 m", "1.9 km", ""]
    assert rooms.service_area_label("410303,410302", {"410303": "西工", "410302": "老城"}, zh) == "西工、老城"


def test_bus_service_gives_each_bus_its_district_and_neighbours():
    """Demo buses: home district first, then the nearest districts of the same city; bus hours."""
    import pandas as pd

    from jinguo.demo import buses

    ds = pd.DataFrame({"adcode": ["410302", "410303", "410311"], "lon": [112.47, 112.43, 112.60],
                       "lat": [34.68, 34.66, 34.60]})
    df = pd.DataFrame({"room_id": ["a", "b"], "kind": ["mobile_bus", "public"], "city_code": "410300",
                       "district_code": ["410303", "410302"], "open_time": "09:00:00", "close_time": "21:00:00",
                       "open_days": "1234567"})
    out = buses.bus_service(df, {"410300": ds})
    area = out.loc[0, "service_area"].split(",")
    # from 西工 (112.43, 34.66): 老城 is 0.045 deg away, 410311 is 0.18 deg away
    assert area[0] == "410303" and area[1] == "410302" and len(area) in (2, 3)
    assert (out.loc[0, "open_time"], out.loc[0, "close_time"], out.loc[0, "open_days"]) in [
        h for h in buses.BUS_HOURS]
    assert out.loc[1, "service_area"] is None and out.loc[1, "open_time"] == "09:00:00"


def test_nearest_ties_go_by_room_id_and_n_zero_gives_none(rcon, tmp_path):
    """Two rooms at one point: the one with the smaller id first; the pool holds the scope's rooms only."""
    res = near(rcon, at=(117.0, 36.67), radius=1000.0)
    assert list(res["room_id"]) == ["E"] and res["distance_m"].iloc[0] == 0.0
    assert near(rcon, n=0).empty


def test_nearest_reads_each_filter_once_and_reloads_a_replaced_file(rooms_db, tmp_path):
    """The filter (rooms_passing) is asked once per distinct filter, not per question; a pool is rebuilt when
    the file's key changes (a new import renamed into place), so a room added to the file is found."""
    import shutil

    from jinguo.store.db import connect, db_key

    path = tmp_path / "live.duckdb"
    shutil.copyfile(rooms_db, path)
    pools, asked = nearest.Pools(), []

    def ask(flt):
        key = db_key(path)
        con = connect(path)
        try:
            def run(name, **p):
                asked.append(name)
                return sql.run_arrow(con, name, sql.Scope(public_only=True), **p)
            return list(pools.get(key, "public", run).nearest(run, *BASE, 10, 50_000.0,
                                                                 {"origins": ORIG, **flt.params()})["room_id"].to_pylist())
        finally:
            con.close()

    monday = rooms.RoomFilter(now=MONDAY_NOON)
    assert ask(monday) == ["A", "C", "D"] and asked == ["rooms_pool", "rooms_passing"]
    assert ask(monday) == ["A", "C", "D"] and asked == ["rooms_pool", "rooms_passing"]       # nothing asked again
    assert ask(rooms.RoomFilter(kinds=("public",), now=MONDAY_NOON)) == ["A", "D"]
    assert asked[2:] == ["rooms_passing"]
    new = tmp_path / "new.duckdb"
    shutil.copyfile(path, new)
    con = duckdb.connect(str(new))
    con.execute("""insert into mother_room select 'F', '新小屋', province_code, city_code, district_code, address,
                   112.4505, 34.6201, crs_in, kind, has_lock, has_sink, has_fridge, has_outlet, has_seating,
                   has_changing_table, open_time, close_time, open_days, opened_date, digital, navigable,
                   internal, contact, origin, service_area from mother_room where room_id = 'A'""")
    con.close()
    new.rename(path)
    assert ask(monday)[0] == "F"
    assert asked[3:] == ["rooms_pool", "rooms_passing"]


def test_nearest_agrees_with_a_brute_force_scan_of_the_built_database(built):
    """At national scale, for 25 district centres: the five nearest public fixed rooms within 20 km, found by
    the pool, are exactly those of a plain scan of every public room by the hand-written haversine above."""
    import random

    fixed = tuple(k for k in rooms.KINDS if k != "mobile_bus")
    every = built.execute("select room_id, lon, lat from mother_room where not internal and kind <> 'mobile_bus' "
                          "order by room_id").fetchall()
    centres = built.execute("select lon, lat from region where level = 'district' and lon is not null "
                            "order by adcode").fetchall()
    random.seed(3)
    for lon, lat in random.sample(centres, 25):
        want = sorted((hav(lon, lat, x, y), rid) for rid, x, y in every if abs(y - lat) < 0.5)
        want = [rid for d, rid in want if d <= 20_000.0][:5]
        got = near(built, scope=scope_for(None), flt=rooms.RoomFilter(kinds=fixed, now=MONDAY_NOON), radius=20_000.0,
                   n=5, at=(lon, lat))
        assert list(got["room_id"]) == want


def test_buses_for_every_district_at_once_are_those_asked_district_by_district(built):
    """rooms_mobile_all (the public finder's, once per file) gives each district exactly the buses, in the
    order, that rooms_mobile_near gives it (the Streamlit finder's), for every district a bus serves and 30 others."""
    import random

    scope = scope_for(None)
    every = query(built, "rooms_mobile_all", scope, n=5, origins=ORIG)
    districts = [r[0] for r in built.execute("select adcode from region where level = 'district' order by adcode")
                 .fetchall()]
    random.seed(5)
    served = 0
    with_buses = sorted(set(every["district"]))        # the demo's buses run in a few cities
    for d in with_buses + random.sample(districts, 30):
        one = list(query(built, "rooms_mobile_near", scope, district=d, city=d[:4] + "00", n=5,
                         origins=ORIG)["room_id"])
        assert list(every[every["district"] == d]["room_id"]) == one, d
        served += bool(one)
    assert served >= len(with_buses) >= 5


def test_a_bus_serves_a_district_listed_or_its_city_listed_or_based_there_with_no_area(rooms_db, tmp_path):
    """BUS1 lists 西工区 itself (first); BUS3 lists no area and is based in Luoyang; BUS4 lists Luoyang (the
    city); BUS2 lists only 老城区: for 西工区 the buses are BUS1, then BUS3 and BUS4 by id, by both queries."""
    import shutil

    path = tmp_path / "buses.duckdb"
    shutil.copyfile(rooms_db, path)
    con = duckdb.connect(str(path))
    for rid, area in (("BUS3", None), ("BUS4", "410300")):
        con.execute("""insert into mother_room select ?, name, province_code, city_code, district_code, address, lon,
                       lat, crs_in, kind, has_lock, has_sink, has_fridge, has_outlet, has_seating, has_changing_table,
                       open_time, close_time, open_days, opened_date, digital, navigable, internal, contact, origin,
                       ? from mother_room where room_id = 'BUS2'""", [rid, area])
    con.close()
    con = duckdb.connect(str(path), read_only=True)
    near_ = list(query(con, "rooms_mobile_near", district="410303", city="410300", n=5, origins=ORIG)["room_id"])
    every = query(con, "rooms_mobile_all", n=5, origins=ORIG)
    con.close()
    assert near_ == ["BUS1", "BUS3", "BUS4"]
    assert list(every[every["district"] == "410303"]["room_id"]) == near_
    assert list(every[every["district"] == "410302"]["room_id"]) == ["BUS1", "BUS2", "BUS3", "BUS4"]
