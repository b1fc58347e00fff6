"""The mother-room map as a pydeck deck, built without Streamlit: boundaries, rooms as points or grid cells,
coverage gaps, place names, and an optional base map.

The map never ships every room at national zoom: when the filters select more than ``POINT_LIMIT`` rooms,
it shows grid cells counted in SQL (``rooms_grid``), whose number is bounded by the grid, not by the number
of rooms."""

from __future__ import annotations

import json
import os
import urllib.parse

import pydeck as pdk
from pydeck.types import String

from jinguo.geo import boundaries, coords

KIND_COLOURS = {
    "workplace_room": [194, 24, 91], "workplace_corner": [240, 98, 146], "workplace_box": [123, 31, 162],
    "public": [25, 118, 210], "mobile_bus": [245, 124, 0],
}


BLANK_STYLE = "data:application/json;charset=utf-8," + urllib.parse.quote(json.dumps({
    "version": 8, "sources": {},
    "layers": [{"id": "bg", "type": "background", "paint": {"background-color": "#f3f1ea"}}]}))


class CompactDeck(pdk.Deck):
    """A Deck whose JSON (what st.pydeck_chart sends) has no indentation and keeps Chinese as UTF-8:
    pydeck's own to_json() is indented and \\u-escaped, about four times larger. Layer data is kept
    aside and put into the JSON afterwards: pydeck's serialiser walks every row (0.2 s for a national
    map), the standard json module does not."""

    def __init__(self, *args, datasets: dict[str, list] | None = None, **kw):
        super().__init__(*args, **kw)
        self._datasets = datasets or {}

    def to_json(self) -> str:
        datasets = self.__dict__.pop("_datasets")   # pydeck would serialise every attribute
        try:
            spec = json.loads(super().to_json())
        finally:
            self._datasets = datasets
        for layer in spec.get("layers", []):
            if layer.get("id") in datasets:
                layer["data"] = datasets[layer["id"]]
        return json.dumps(spec, ensure_ascii=False, separators=(",", ":"), default=_plain)


TOOLTIP = {"html": "{tip}"}


# What a room point carries to the browser: the map, its tooltip and the details panel need no more.
POINT_FIELDS = ("room_id", "name", "address", "lon", "lat", "kind", "kind_label", "amenities_label", "hours_label",
                "open_label", "distance_m", "tip")


def _plain(v):
    """JSON for numpy numbers and anything else pydeck's serialiser used to stringify."""
    if hasattr(v, "item"):
        return v.item()
    return str(v)


class JsonDeck(pdk.Deck):
    """A deck whose JSON was built (and cached) before: st.pydeck_chart only calls to_json()."""

    def __init__(self, spec: str):
        super().__init__(layers=[], tooltip=TOOLTIP)
        self._spec = spec

    def to_json(self) -> str:
        return self._spec


def tiles() -> tuple[str | None, str]:
    """Optional base map: $JINGUO_TILES (URL template with {z}/{x}/{y}) in $JINGUO_TILES_CRS."""
    url = os.environ.get("JINGUO_TILES") or None
    crs = coords.normalise_crs(os.environ.get("JINGUO_TILES_CRS", "gcj02")) if url else "gcj02"
    return url, crs


def _convert(rows: list[dict], crs: str) -> list[dict]:
    if crs == "gcj02" or not rows:
        return rows
    for r in rows:
        r["lon"], r["lat"] = coords.from_gcj02(r["lon"], r["lat"], crs)
    return rows


def build_deck(points: list[dict] | None, cells: list[dict] | None, province: str | None,
               view: tuple[float, float, float], gaps: list[dict] | None = None,
               centre: tuple[float, float] | None = None, labels: list[dict] | None = None,
               city: str | None = None) -> pdk.Deck:
    """The map: boundaries, rooms as points (or grid cells), optional gap districts, place names
    (``labels``: dicts of name, lon, lat, size), a 'you are here' and, for a ``city`` (at city zoom), the
    borders of its districts and counties."""
    url, crs = tiles()
    layers, datasets = [], {}
    if url:
        layers.append(pdk.Layer("TileLayer", data=url, min_zoom=0, max_zoom=18, tile_size=256))
    fc = boundaries.cities_geojson(province) if province else boundaries.provinces_geojson()
    borders = (("boundaries", [120, 120, 120], [fc, boundaries.nation_extra_geojson()]),
               ("districts", [175, 175, 175], [boundaries.districts_geojson(city)] if city else []))
    for layer_id, colour, collections in borders:
        paths = [{"path": p["path"]} for c in collections for p in boundaries.boundary_paths(c)]
        if not paths:
            continue
        if crs != "gcj02":
            for p in paths:
                p["path"] = [[round(v, 5) for v in coords.from_gcj02(x, y, crs)] for x, y in p["path"]]
        datasets[layer_id] = paths
        layers.append(pdk.Layer("PathLayer", data=[], get_path="path", get_color=colour,
                                width_min_pixels=1, pickable=False, id=layer_id))
    if cells:
        # Only what the layer draws: position, radius and the tooltip (a few dozen bytes a cell).
        cells = _convert([{"lon": c["lon"], "lat": c["lat"], "rooms": int(c["rooms"]), "tip": c["tip"]}
                          for c in cells], crs)
        top = max(c["rooms"] for c in cells)
        for c in cells:
            c["r"] = int(4000 + 22000 * (c["rooms"] / top) ** 0.5)
            c["lon"], c["lat"] = round(c["lon"], 3), round(c["lat"], 3)
            del c["rooms"]
        datasets["cells"] = cells
        layers.append(pdk.Layer("ScatterplotLayer", data=[], get_position=["lon", "lat"], get_radius="r",
                                get_fill_color=[194, 24, 91, 150], pickable=True, id="cells"))
    if points:
        pts = _convert([{k: p.get(k) for k in POINT_FIELDS} for p in points], crs)
        for p in pts:
            p["color"] = KIND_COLOURS.get(p["kind"], [90, 90, 90]) + [220]
        datasets["rooms"] = pts
        layers.append(pdk.Layer("ScatterplotLayer", data=[], get_position=["lon", "lat"], get_radius=60,
                                radius_min_pixels=3, radius_max_pixels=12, get_fill_color="color",
                                pickable=True, auto_highlight=True, id="rooms"))
    if gaps:
        gp = _convert([dict(g) for g in gaps], crs)
        datasets["gaps"] = gp
        layers.append(pdk.Layer("ScatterplotLayer", data=[], get_position=["lon", "lat"], get_radius=1500,
                                radius_min_pixels=4, stroked=True, filled=False, get_line_color=[211, 47, 47],
                                line_width_min_pixels=2, pickable=True, id="gaps"))
    if centre:
        c = _convert([{"lon": centre[0], "lat": centre[1]}], crs)[0]
        layers.append(pdk.Layer("ScatterplotLayer", data=[c], get_position=["lon", "lat"], get_radius=80,
                                radius_min_pixels=6, get_fill_color=[0, 0, 0, 200], id="here"))
    if labels:
        datasets["places"] = _convert([dict(x) for x in labels], crs)
        layers.append(text_layer(labels))
    lon, lat, zoom = view
    if crs != "gcj02":
        lon, lat = coords.from_gcj02(lon, lat, crs)
    return CompactDeck(layers=layers, datasets=datasets, initial_view_state=pdk.ViewState(longitude=lon, latitude=lat, zoom=zoom),
                    map_style=None if url else BLANK_STYLE, map_provider=None if url else None,
                    tooltip=TOOLTIP)


# deck.gl's TextLayer draws glyphs from a font atlas it builds in the browser from a font family the
# browser has (no font is downloaded): the CJK fonts a Chinese phone or desktop has, WenQuanYi here.
LABEL_FONT = "'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif"


def text_layer(labels: list[dict]) -> pdk.Layer:
    """Place names; the atlas holds exactly the characters of these names (deck.gl's default is ASCII)."""
    chars = sorted(set("".join(str(x["name"]) for x in labels)))
    return pdk.Layer("TextLayer", data=[], id="places", get_position=["lon", "lat"], get_text="name",
                     get_size="size", size_units="pixels", get_color=[70, 70, 70, 230], font_family=String(LABEL_FONT),
                     character_set=String("".join(chars)), outline_width=2, outline_color=[255, 255, 255, 220],
                     font_settings={"sdf": True}, get_alignment_baseline=String("bottom"), pickable=False)


def place_labels(names, province: str | None, city: str | None, lang: str) -> list[dict]:
    """City names of ``province`` and district names of ``city`` (region rows with lon/lat), so a dot on
    the map at city zoom sits somewhere with a name."""
    if not province:
        rows = names[(names["level"] == "province") & names["lon"].notna()]
        size = {"province": 13}
    else:
        rows = names[(names["province_code"] == province) & names["lon"].notna()
                     & ((names["level"] == "city") | (names["adcode"].str[:4] == (city or "")[:4])
                        & (names["level"] == "district"))]
        size = {"city": 16, "district": 13}
    col = "name_en" if lang == "en" else "name_short"
    return [{"name": str(getattr(r, col) or r.name_zh), "lon": round(float(r.lon), 4), "lat": round(float(r.lat), 4),
             "size": size.get(r.level, 12)} for r in rows.itertuples()]


def payload_bytes(deck: pdk.Deck) -> int:
    """Bytes of the deck JSON that st.pydeck_chart sends to the browser."""
    return len(deck.to_json().encode("utf-8"))
