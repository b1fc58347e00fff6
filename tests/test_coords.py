"""Coordinate conversions against published reference pairs, round trips, parsing and distance."""

import math

import numpy as np
import pytest

from jinguo.geo import coords

# googollee/eviltransform python/test.py (also larryli/eviltransform tests): (wgsLat, wgsLng, gcjLat, gcjLng)
EVIL_WGS_GCJ = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),    # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),    # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),    # Beijing
]
# (eviltransform's TESTS_bd pairs come from Baidu's own service, not the public BD-09 formula, and are
# 10-40 m from it: not used as references.)
# dromara/hutool CoordinateUtilTest (reference: wandergis/coordtransform)
HUTOOL_WGS_GCJ = ((116.404, 39.915), (116.41024449916938, 39.91640428150164))
HUTOOL_GCJ_BD = ((116.404, 39.915), (116.41036949371029, 39.92133699351021))
# wandergis/coordtransform tests (index.test.ts): bd09ToGcj02(116.404, 39.915)
COORDTRANSFORM_BD_GCJ = ((116.404, 39.915), (116.39762729119315, 39.90865673957631))


def dist(a, b):
    return coords.haversine_m(a[0], a[1], b[0], b[1])


@pytest.mark.parametrize("wlat, wlon, glat, glon", EVIL_WGS_GCJ)
def test_wgs84_to_gcj02_matches_published_pairs(wlat, wlon, glat, glon):
    assert dist(coords.wgs84_to_gcj02(wlon, wlat), (glon, glat)) < 0.01


@pytest.mark.parametrize("wlat, wlon, glat, glon", EVIL_WGS_GCJ)
def test_gcj02_to_wgs84_inverts_published_pairs_within_a_centimetre(wlat, wlon, glat, glon):
    assert dist(coords.gcj02_to_wgs84(glon, glat), (wlon, wlat)) < 0.01


def test_bd09_to_gcj02_matches_published_pair():
    assert dist(coords.bd09_to_gcj02(*COORDTRANSFORM_BD_GCJ[0]), COORDTRANSFORM_BD_GCJ[1]) < 0.01


def test_hutool_reference_pairs():
    assert dist(coords.wgs84_to_gcj02(*HUTOOL_WGS_GCJ[0]), HUTOOL_WGS_GCJ[1]) < 0.01
    assert dist(coords.gcj02_to_bd09(*HUTOOL_GCJ_BD[0]), HUTOOL_GCJ_BD[1]) < 0.01


def test_round_trips_across_china_stay_within_a_metre():
    lon, lat = np.meshgrid(np.arange(74.0, 135.0, 3.7), np.arange(18.5, 53.5, 2.9))
    lon, lat = lon.ravel(), lat.ravel()
    back = coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(lon, lat))
    assert np.max(coords.haversine_m(lon, lat, *back)) < 0.01
    back = coords.bd09_to_gcj02(*coords.gcj02_to_bd09(lon, lat))
    assert np.max(coords.haversine_m(lon, lat, *back)) < 1.0
    for crs in ("wgs84", "bd09", "GCJ-02"):
        back = coords.to_gcj02(*coords.from_gcj02(lon, lat, crs), crs)
        assert np.max(coords.haversine_m(lon, lat, *back)) < 1.0, crs


def test_the_offset_is_hundreds_of_metres_inside_china_and_zero_outside():
    assert 100 < dist(coords.wgs84_to_gcj02(116.39, 39.9), (116.39, 39.9)) < 1000
    assert coords.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)   # Paris


def test_unknown_crs_is_refused():
    with pytest.raises(ValueError, match="unknown coordinate system"):
        coords.to_gcj02(116.4, 39.9, "utm")


def test_haversine_against_hand_computed_values():
    # one degree of a meridian: 2*pi*6371008.8/360 = 111195.08 m
    assert coords.haversine_m(116.0, 39.0, 116.0, 40.0) == pytest.approx(2 * math.pi * 6371008.8 / 360, abs=0.01)
    # on the equator, 90 degrees of longitude = a quarter of the circumference = 10007557.2 m
    assert coords.haversine_m(0.0, 0.0, 90.0, 0.0) == pytest.approx(math.pi * 6371008.8 / 2, abs=0.01)


@pytest.mark.parametrize("text, expect", [
    ("116.397,39.909", (116.397, 39.909, False)), ("116.397， 39.909", (116.397, 39.909, False)),
    ("116.397 39.909", (116.397, 39.909, False)), ("39.909,116.397", (116.397, 39.909, True)),
])
def test_parse_point(text, expect):
    assert coords.parse_point(text) == expect


@pytest.mark.parametrize("text", ["", "abc", "1,2", "116.4;39.9", "'; drop table mother_room; --"])
def test_parse_point_refuses_garbage_with_a_message(text):
    with pytest.raises(ValueError, match="经度|中国"):
        coords.parse_point(text)


def test_navigation_links_open_amap_and_baidu_at_the_room():
    a = coords.amap_nav_url(112.454, 34.619, "洛阳 妈咪小屋")
    assert a.startswith("https://uri.amap.com/marker?position=112.454000,34.619000&name=")
    assert "%E6%B4%9B%E9%98%B3" in a and "coordinate=gaode" in a
    b = coords.baidu_nav_url(112.454, 34.619, "x")
    assert "location=34.619000,112.454000" in b and "coord_type=gcj02" in b
