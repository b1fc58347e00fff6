"""Coordinate systems: WGS-84 (GPS), GCJ-02 (Amap, Tencent; our storage) and BD-09 (Baidu).

Everything is stored in GCJ-02, the system of Amap and of the boundary data.
Rooms arriving in another system are converted on the way in; the map converts
back for a base map in another system. GCJ-02 has no closed-form inverse: we
invert it by fixed-point iteration to well under a centimetre.

All functions accept floats or numpy arrays (vectorised).
"""

from __future__ import annotations

import math
import re
from urllib.parse import quote

import numpy as np

A = 6378245.0                     # Krasovsky 1940 semi-major axis used by GCJ-02
EE = 0.00669342162296594323       # its eccentricity squared
X_PI = math.pi * 3000.0 / 180.0   # BD-09's constant
EARTH_RADIUS_M = 6371008.8        # mean Earth radius (IUGG), also used by the SQL haversine
CHINA_BBOX = (73.4, 3.3, 135.1, 53.6)   # lon_min, lat_min, lon_max, lat_max
CRS = ("wgs84", "gcj02", "bd09")
_ALIASES = {"wgs84": "wgs84", "wgs-84": "wgs84", "gps": "wgs84", "gcj02": "gcj02", "gcj-02": "gcj02",
            "amap": "gcj02", "gaode": "gcj02", "bd09": "bd09", "bd-09": "bd09", "baidu": "bd09"}


def normalise_crs(crs: str) -> str:
    key = str(crs).strip().lower().replace("_", "-")
    if key not in _ALIASES:
        raise ValueError(f"unknown coordinate system {crs!r}: use wgs84, gcj02 or bd09")
    return _ALIASES[key]


def out_of_china(lon, lat):
    """The rectangle test of the GCJ-02 algorithm: outside it, GCJ-02 equals WGS-84."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _out(lon, lat, scalar):
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon, lat):
    scalar = np.isscalar(lon) and np.isscalar(lat)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * np.cos(radlat) * np.pi)
    outside = out_of_china(lon, lat)
    return _out(np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat), scalar)


def gcj02_to_wgs84(lon, lat, tol: float = 1e-10, max_iter: int = 30):
    """Inverse of :func:`wgs84_to_gcj02` by fixed-point iteration (error < 1e-9 degrees)."""
    scalar = np.isscalar(lon) and np.isscalar(lat)
    glon, glat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        tlon, tlat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - np.asarray(tlon), glat - np.asarray(tlat)
        wlon, wlat = wlon + dlon, wlat + dlat
        if np.all(np.abs(dlon) < tol) and np.all(np.abs(dlat) < tol):
            break
    return _out(wlon, wlat, scalar)


def gcj02_to_bd09(lon, lat):
    scalar = np.isscalar(lon) and np.isscalar(lat)
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * X_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, scalar)


def bd09_to_gcj02(lon, lat):
    scalar = np.isscalar(lon) and np.isscalar(lat)
    x, y = np.asarray(lon, dtype=float) - 0.0065, np.asarray(lat, dtype=float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * X_PI)
    return _out(z * np.cos(theta), z * np.sin(theta), scalar)


def wgs84_to_bd09(lon, lat):
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat):
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_gcj02(lon, lat, crs: str):
    crs = normalise_crs(crs)
    if crs == "gcj02":
        return lon, lat
    return wgs84_to_gcj02(lon, lat) if crs == "wgs84" else bd09_to_gcj02(lon, lat)


def from_gcj02(lon, lat, crs: str):
    crs = normalise_crs(crs)
    if crs == "gcj02":
        return lon, lat
    return gcj02_to_wgs84(lon, lat) if crs == "wgs84" else gcj02_to_bd09(lon, lat)


def haversine_m(lon1, lat1, lon2, lat2):
    """Great-circle distance in metres on a sphere of radius EARTH_RADIUS_M."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return float(d) if np.ndim(d) == 0 else d


def in_china_bbox(lon, lat):
    lon_min, lat_min, lon_max, lat_max = CHINA_BBOX
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    inside = (lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max)
    return bool(inside) if inside.ndim == 0 else inside


def looks_swapped(lon, lat):
    """True where (lon, lat) is outside China but (lat, lon) would be inside."""
    a, b = in_china_bbox(lon, lat), in_china_bbox(lat, lon)
    return (not a and b) if isinstance(a, bool) else (~a & b)


_NUM = r"[-+]?\d+(?:\.\d+)?"
_POINT = re.compile(rf"^\s*({_NUM})\s*[,，\s]\s*({_NUM})\s*$")


def parse_point(text: str) -> tuple[float, float, bool]:
    """'116.397,39.909' (also '，' or a space) -> (lon, lat, swapped). A 'lat,lon' pair is
    recognised by China's extent and swapped back (swapped=True)."""
    m = _POINT.match(text or "")
    if not m:
        raise ValueError("请输入“经度,纬度”，例如 116.397,39.909 / Enter \"lon,lat\", e.g. 116.397,39.909")
    a, b = float(m.group(1)), float(m.group(2))
    if in_china_bbox(a, b):
        return a, b, False
    if in_china_bbox(b, a):
        return b, a, True
    raise ValueError("坐标不在中国范围内 / The point is outside China")


def amap_nav_url(lon: float, lat: float, name: str) -> str:
    """Amap marker (opens the app on phones); input GCJ-02."""
    return (f"https://uri.amap.com/marker?position={lon:.6f},{lat:.6f}&name={quote(name)}"
            f"&coordinate=gaode&callnative=1")


def baidu_nav_url(lon: float, lat: float, name: str) -> str:
    """Baidu marker; input GCJ-02, which Baidu accepts with coord_type=gcj02."""
    return (f"https://api.map.baidu.com/marker?location={lat:.6f},{lon:.6f}&title={quote(name)}"
            f"&content={quote(name)}&output=html&coord_type=gcj02&src=webapp.jinguo")
