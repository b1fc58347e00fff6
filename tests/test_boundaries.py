"""The committed, simplified boundaries: complete, valid, small, and where places are."""

from shapely.geometry import Point, shape

from jinguo.geo import boundaries

PROVINCES = {
    "110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000",
    "330000", "340000", "350000", "360000", "370000", "410000", "420000", "430000", "440000", "450000",
    "460000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000",
    "650000", "710000", "810000", "820000",
}


def by_code(fc):
    return {f["properties"]["adcode"]: shape(f["geometry"]) for f in fc["features"]}


def test_all_34_province_level_units_are_there_and_valid():
    geoms = by_code(boundaries.provinces_geojson())
    assert set(geoms) == PROVINCES
    assert all(g.is_valid and not g.is_empty for g in geoms.values())


def test_places_fall_in_their_province():
    geoms = by_code(boundaries.provinces_geojson())
    assert geoms["110000"].contains(Point(116.4039, 39.9151))   # Tiananmen, GCJ-02
    assert geoms["370000"].contains(Point(117.0009, 36.6758))   # Jinan
    assert geoms["410000"].contains(Point(112.454, 34.619))     # Luoyang
    assert not geoms["370000"].contains(Point(116.4039, 39.9151))


def test_cities_belong_to_provinces_and_filter_by_province():
    cities = boundaries.cities_geojson()
    assert len(cities["features"]) > 300
    assert {f["properties"]["province_adcode"] for f in cities["features"]} <= PROVINCES
    henan = by_code(boundaries.cities_geojson("410000"))
    assert "410300" in henan and henan["410300"].contains(Point(112.454, 34.619))
    assert all(code.startswith("41") for code in henan)


def test_files_stay_small_enough_to_ship_to_a_browser():
    assert (boundaries.OUT / "provinces.geojson").stat().st_size < 600_000
    assert (boundaries.OUT / "cities.geojson").stat().st_size < 2_500_000


def test_the_maritime_line_is_drawn_as_paths():
    rows = boundaries.boundary_paths(boundaries.nation_extra_geojson())
    assert len(rows) >= 9  # the dashes of the South China Sea line
    assert all(105 < x < 125 and 3 < y < 26 for r in rows for x, y in r["path"])


def test_boundary_paths_are_closed_rings():
    rows = boundaries.boundary_paths(boundaries.provinces_geojson())
    assert {r["adcode"] for r in rows} == PROVINCES
    assert all(r["path"][0] == r["path"][-1] and len(r["path"]) >= 4 for r in rows)


# Luoyang's county-level units since the 2021 changes (吉利区 joined 孟津区; 偃师市 became 偃师区).
LUOYANG = {"410302": "老城区", "410303": "西工区", "410304": "瀍河回族区", "410305": "涧西区", "410307": "偃师区",
           "410308": "孟津区", "410311": "洛龙区", "410323": "新安县", "410324": "栾川县", "410325": "嵩县",
           "410326": "汝阳县", "410327": "宜阳县", "410328": "洛宁县", "410329": "伊川县"}


def test_every_province_has_its_districts_and_they_stay_small():
    files = {p.name.split(".")[0]: p.stat().st_size for p in boundaries.DISTRICTS.glob("*.geojson.gz")}
    assert set(files) == PROVINCES
    assert sum(files.values()) < 3_000_000


def test_a_citys_districts_are_its_own_and_where_places_are():
    fc = boundaries.districts_geojson("410300")
    assert {f["properties"]["adcode"]: f["properties"]["name"] for f in fc["features"]} == LUOYANG
    assert {f["properties"]["city_adcode"] for f in fc["features"]} == {"410300"}
    geoms = by_code(fc)
    assert all(g.is_valid and not g.is_empty for g in geoms.values())
    inside = {code for code, g in geoms.items() if g.contains(Point(112.4345, 34.6667))}   # Xigong, GCJ-02
    assert inside == {"410303"}
    assert geoms["410305"].contains(Point(112.3956, 34.6583))     # Jianxi, west of Xigong
    assert geoms["410311"].contains(Point(112.4703, 34.5588))     # the Longmen Grottoes, in Luolong
    assert len(boundaries.districts_geojson("110100")["features"]) == 16   # Beijing's sixteen districts


def test_a_bad_city_code_gives_no_districts_and_reads_no_file():
    for bad in ("../../etc/passwd", "41030", "4103000", "abcdef", "", None, "990100"):
        assert boundaries.districts_geojson(bad)["features"] == []


def test_every_district_has_a_name_and_its_provinces_code():
    import gzip
    import json

    for path in boundaries.DISTRICTS.glob("*.geojson.gz"):
        for f in json.loads(gzip.decompress(path.read_bytes()))["features"]:
            p = f["properties"]
            assert p["name"] and p["province_adcode"] == path.name.split(".")[0] == p["adcode"][:2] + "0000", p
    assert [f["properties"]["name"] for f in boundaries.districts_geojson("419001")["features"]] == ["济源市"]
