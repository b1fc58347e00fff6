"""The public finder's answers, for the page and the JSON alike, in the public's scope only.

The same logic as the Streamlit finder: the nearest rooms from :mod:`jinguo.views.nearest` (rooms_pool,
rooms_passing), buses from rooms_mobile_near, a room from rooms_one, places from :mod:`jinguo.geo.locate`, the
labels and the open-now rule from :mod:`jinguo.views.rooms`. The scope is ``scope_for(PUBLIC)``, bound by
:mod:`jinguo.store.sql` like every query's: public rooms, public fields, whoever asks.

Per process, for the current database file (reloaded when the file is replaced, see
:func:`jinguo.store.db.db_key`): the pool of public rooms, the region names, and small caches of answers
that depend only on their question (a typed place's point: cpca takes ~20 ms per address; a room's row), and
the buses serving every district (one query).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from jinguo.auth import access
from jinguo.finder.params import Question
from jinguo.geo import coords, locate
from jinguo.store import db, sql
from jinguo.text import i18n
from jinguo.views import nearest, rooms
from jinguo.views.state import ORIGIN_ICON, ORIGINS

SCOPE = access.scope_for(access.PUBLIC)
BUSES_SHOWN = 5
CACHED = 4096


class Unanswerable(ValueError):
    """The question names no place the finder can use; ``key`` is the message (in the locale files)."""

    def __init__(self, key: str):
        self.key = key
        super().__init__(key)


class _LRU:
    def __init__(self, size: int = CACHED):
        self.size, self.data, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key, make):
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
        value = make()
        with self.lock:
            self.data[key] = value
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return value


@dataclass
class Answer:
    question: Question
    lang: str
    lon: float                      # the centre asked about, GCJ-02
    lat: float
    how: str                        # point | point_swapped | address:NAME
    rooms: list[dict]
    buses: list[dict] | None        # None: buses not asked for (kind without mobile_bus)
    origins: list[str] = field(default_factory=list)


def tr(lang: str):
    return lambda key, **kw: i18n.t(key, lang, **kw)


def _hhmm(v) -> str | None:
    if v is None or v != v or pd.isna(v):
        return None
    return str(v)[:5]


def describe(r: dict, lang: str, now: datetime, place_names: dict[str, str]) -> dict:
    """One room as the public sees it: its public fields, labels in ``lang``, open now, navigation."""
    t = tr(lang)
    opens = _hhmm(r.get("open_time"))
    row = {**r, "open_time": opens, "close_time": _hhmm(r.get("close_time"))}
    mobile = r["kind"] == "mobile_bus"
    dist = r.get("distance_m")
    return {
        "id": r["room_id"], "name": r["name"], "kind": r["kind"], "kind_label": t(f"rooms.kind_{r['kind']}"),
        "address": r["address"], "province_code": r["province_code"], "city_code": r["city_code"],
        "district_code": r.get("district_code"), "lon": r["lon"], "lat": r["lat"], "crs": "gcj02",
        "distance_m": None if dist is None or mobile else float(dist),
        "distance_label": "" if dist is None or mobile else rooms.distance_label(dist),
        "open_now": rooms.open_now(r.get("open_time") if opens else None, r.get("close_time"),
                                   r.get("open_days") or "1234567", now),
        "open_days": r.get("open_days"), "open_time": opens, "close_time": row["close_time"],
        "days_label": rooms.days_label(r.get("open_days"), t), "hours_label": rooms.hours_label(row, t),
        "amenities": [a for a in rooms.AMENITIES if r.get(rooms.AMENITY_COLS[a])],
        "amenity_labels": [(rooms.AMENITY_ICONS[a], t(f"rooms.am_{a}")) for a in rooms.AMENITIES
                           if r.get(rooms.AMENITY_COLS[a])],
        "digital": bool(r.get("digital")), "navigable": bool(r.get("navigable")),
        "service_area": [c for c in str(r.get("service_area") or "").split(",") if c] if mobile else None,
        "service_area_label": rooms.service_area_label(r.get("service_area"), place_names, t) if mobile else None,
        "origin": r["origin"], "origin_label": f"{ORIGIN_ICON.get(r['origin'], '')} {t('origin.' + r['origin'])}",
        "url": rooms.room_path(r["room_id"]),
        "nav": None if mobile else {"amap": coords.amap_nav_url(r["lon"], r["lat"], r["name"]),
                                    "baidu": coords.baidu_nav_url(r["lon"], r["lat"], r["name"])},
    }


class Finder:
    """The answers of one process (thread-safe; the database file may be replaced at any time)."""

    def __init__(self, path=None):
        self.path = path
        self.pools = nearest.Pools()
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._kept: dict[str, object] = {}
        self._caches: dict[str, _LRU] = {k: _LRU() for k in ("place", "room")}

    # ------------------------------------------------------------------ the file and what is kept for it
    def _file(self) -> tuple[tuple, object]:
        key = db.db_key(self.path)
        con = db.shared_connection(key)
        with self._lock:
            if key != self._key:
                self._key, self._kept = key, {}
                self._caches = {k: _LRU() for k in ("place", "room")}
        return key, con

    def _run(self, con):
        def run(name: str, **p):
            return sql.run_arrow(con, name, SCOPE, **p)
        return run

    def _derived(self, what: str, make):
        """Something made from the region names, once per file (the names, the district centroids, the
        place names in a language)."""
        key, con = self._file()
        value = self._kept.get(what)
        if value is None:
            value = make(con)
            with self._lock:
                if key == self._key:
                    self._kept[what] = value
        return value

    def names(self) -> pd.DataFrame:
        return self._derived("names", lambda con: sql.run(con, "region_names", sql.Scope.everything()))

    def districts(self) -> locate.Districts:
        return self._derived("districts", lambda con: locate.Districts(self.names()))

    def place_names(self, lang: str) -> dict[str, str]:
        def make(con):
            names = self.names()
            return dict(zip(names["adcode"], names["name_en" if lang == "en" else "name_short"]))
        return self._derived("places_" + lang, make)

    def buses(self) -> dict[str, list[dict]]:
        """The buses serving each district (rooms_mobile_all: rooms_mobile_near for every district at once;
        asking per district cost a query for each of 2,875 districts the first time a crowd touched it)."""
        def make(con):
            by: dict[str, list[dict]] = {}
            for r in self._run(con)("rooms_mobile_all", n=BUSES_SHOWN, origins=list(ORIGINS)).to_pylist():
                by.setdefault(r.pop("district"), []).append(r)
            return by
        return self._derived("buses", make)

    def regions(self) -> dict:
        return self._derived("regions", lambda con: locate.regions(self.names()))

    def warm(self) -> None:
        """Load the pool, the names and the default filter before the first reader arrives."""
        key, con = self._file()
        run = self._run(con)
        pool = self.pools.get(key, "public", run)
        pool.passing(run, self._params(Question(), rooms.china_now()))
        self.names()
        self.districts()
        self.buses()

    # ------------------------------------------------------------------ answers
    @staticmethod
    def _params(q: Question, now: datetime) -> dict:
        flt = rooms.RoomFilter(kinds=q.kinds, amenities=q.amenities, open_now=q.open_now, now=now)
        fixed = [k for k in q.kinds if k != "mobile_bus"]
        return {**flt.params(), "kinds": fixed or ["-"], "origins": list(ORIGINS)}

    def centre(self, q: Question) -> tuple[float, float, str]:
        """The point asked about, in GCJ-02, and how it was found; Unanswerable when there is none."""
        if q.lon is not None:
            if not coords.in_china_bbox(q.lon, q.lat):
                raise Unanswerable("finder.geo_outside")
            lon, lat = coords.to_gcj02(q.lon, q.lat, q.crs)
            return float(lon), float(lat), "point"
        regions = self.regions()

        def find():
            try:
                return locate.locate(q.near, q.crs, regions)
            except locate.LocateError as e:
                return e
            except ValueError:      # a "lon,lat" outside China
                return locate.LocateError("finder.geo_outside")

        found = self._caches["place"].get((q.near, q.crs), find)
        if isinstance(found, locate.LocateError):
            raise Unanswerable(found.key)
        return found

    def answer(self, q: Question, lang: str, now: datetime | None = None) -> Answer:
        now = now or rooms.china_now()
        lon, lat, how = self.centre(q)
        key, con = self._file()
        run = self._run(con)
        pool = self.pools.get(key, "public", run)
        found = pool.nearest(run, lon, lat, q.n, q.radius_km * 1000.0, self._params(q, now)).to_pylist()
        places = self.place_names(lang)
        shown = [describe(r, lang, now, places) for r in found]
        buses = None
        if "mobile_bus" in q.kinds:
            district, _ = self.districts().nearest(lon, lat)
            buses = [describe(r, lang, now, places) for r in self.buses().get(district, [])]
        origins = sorted({r["origin"] for r in shown + (buses or [])})
        return Answer(q, lang, lon, lat, how, shown, buses, origins)

    def room(self, room_id: str, lang: str, now: datetime | None = None) -> dict | None:
        """A public room by id (rooms_one in the public scope), described; None when the public has none."""
        rid = (room_id or "").strip()[:40]
        if not rid:
            return None
        _, con = self._file()
        rows = self._caches["room"].get(rid, lambda: self._run(con)("rooms_one", room_id=rid).to_pylist())
        if not rows:
            return None
        return describe(rows[0], lang, now or rooms.china_now(), self.place_names(lang))
