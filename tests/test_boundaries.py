"""The committed, simplified boundaries: complete, valid, small, and where places are."""

from shapely.geometry import Point, shape

from jinguo import boundaries as b

PROVINCES = {
    "110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000",
    "330000", "340000", "350000", "360000", "370000", "410000", "420000", "430000", "440000", "450000",
    "460000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000",
    "650000", "710000", "810000", "820000",
}


def by_code(fc):
    return {f["properties"]["adcode"]: shape(f["geometry"]) for f in fc["features"]}


def test_all_34_province_level_units_are_there_and_valid():
    geoms = by_code(b.provinces_geojson())
    assert set(geoms) == PROVINCES
    assert all(g.is_valid and not g.is_empty for g in geoms.values())


def test_places_fall_in_their_province():
    geoms = by_code(b.provinces_geojson())
    assert geoms["110000"].contains(Point(116.4039, 39.9151))   # Tiananmen, GCJ-02
    assert geoms["370000"].contains(Point(117.0009, 36.6758))   # Jinan
    assert geoms["410000"].contains(Point(112.454, 34.619))     # Luoyang
    assert not geoms["370000"].contains(Point(116.4039, 39.9151))


def test_cities_belong_to_provinces_and_filter_by_province():
    cities = b.cities_geojson()
    assert len(cities["features"]) > 300
    assert {f["properties"]["province_adcode"] for f in cities["features"]} <= PROVINCES
    henan = by_code(b.cities_geojson("410000"))
    assert "410300" in henan and henan["410300"].contains(Point(112.454, 34.619))
    assert all(code.startswith("41") for code in henan)


def test_files_stay_small_enough_to_ship_to_a_browser():
    assert (b.OUT / "provinces.geojson").stat().st_size < 600_000
    assert (b.OUT / "cities.geojson").stat().st_size < 2_500_000


def test_the_maritime_line_is_drawn_as_paths():
    rows = b.boundary_paths(b.nation_extra_geojson())
    assert len(rows) >= 9  # the dashes of the South China Sea line
    assert all(105 < x < 125 and 3 < y < 26 for r in rows for x, y in r["path"])


def test_boundary_paths_are_closed_rings():
    rows = b.boundary_paths(b.provinces_geojson())
    assert {r["adcode"] for r in rows} == PROVINCES
    assert all(r["path"][0] == r["path"][-1] and len(r["path"]) >= 4 for r in rows)
