"""The nearest rooms to a point: the one implementation, for both doors (the Streamlit finder through
:mod:`jinguo.web.data`, the public finder :mod:`jinguo.finder`).

Asking DuckDB once per question cost about 7 ms of CPU (most of it planning the filter macro), too much
for a crowd on two cores. So the question is split by what changes how often:

* **the pool** (named query ``rooms_pool``, the reader's scope bound by :mod:`jinguo.store.sql` as for any
  query): every room that scope may see, loaded once per database file and sorted by latitude;
* **the filter** (named query ``rooms_passing``: the SQL macro ``filtered_rooms`` is the only definition of
  kinds, amenities, open now, digital, navigable and origins): one boolean per pool room, asked once per
  distinct filter (open now is bound to the minute) and kept in a small LRU;
* **the geometry**, per question, in memory: the latitude band of the radius by binary search, the
  longitude box, then the great-circle distance (:func:`jinguo.geo.coords.haversine_m`, the twin of the SQL
  macro ``haversine_m``); nearest first, ties by room id, at most ``n``, within the radius, rounded to 0.1 m.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import pyarrow as pa

from jinguo.geo import coords

M_PER_DEGREE = 111195.08       # metres per degree of latitude on the sphere of EARTH_RADIUS_M
MASKS_KEPT = 64                # distinct filters kept per pool (one a minute each while "open now")

Runner = Callable[..., pa.Table]     # run(query name, **params) -> the query's rows, in the reader's scope


def _key(params: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list | tuple) else str(v)) for k, v in params.items()))


class Pool:
    """The rooms of one scope in one database file, ready for nearest-room questions (thread-safe)."""

    def __init__(self, rows: pa.Table):
        self.rows = rows.combine_chunks()                  # in room_id order (rooms_pool); one chunk: fast take
        self.lon = rows["lon"].to_numpy()
        self.lat = rows["lat"].to_numpy()
        self.by_lat = np.argsort(self.lat, kind="stable")  # positions, by latitude
        self.lat_sorted = self.lat[self.by_lat]
        self._masks: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.rows.num_rows

    def passing(self, run: Runner, params: dict) -> np.ndarray:
        """Which pool rooms pass the filter ``params`` (rooms_passing), from the LRU when asked before."""
        key = _key(params)
        with self._lock:
            mask = self._masks.get(key)
            if mask is not None:
                self._masks.move_to_end(key)
                return mask
        mask = run("rooms_passing", **params)["passes"].to_numpy(zero_copy_only=False).astype(bool)
        if len(mask) != len(self):
            raise RuntimeError("rooms_passing and rooms_pool disagree: the database changed under the pool")
        with self._lock:
            self._masks[key] = mask
            while len(self._masks) > MASKS_KEPT:
                self._masks.popitem(last=False)
        return mask

    def nearest_positions(self, lon: float, lat: float, n: int, radius_m: float,
                          passes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pool positions of the ``n`` passing rooms nearest ``(lon, lat)`` (GCJ-02) within ``radius_m``,
        nearest first (ties by room id), and their distances in metres."""
        dlat = radius_m / M_PER_DEGREE
        # The box's half-width at the band's edge nearer the pole, where a degree of longitude is shortest.
        dlon = radius_m / (M_PER_DEGREE * max(np.cos(np.radians(min(abs(lat) + dlat, 90.0))), 0.01))
        lo = np.searchsorted(self.lat_sorted, lat - dlat, side="left")
        hi = np.searchsorted(self.lat_sorted, lat + dlat, side="right")
        band = self.by_lat[lo:hi]
        band = band[(np.abs(self.lon[band] - lon) <= dlon) & passes[band]]
        if band.size == 0:
            return band, np.empty(0)
        dist = np.atleast_1d(np.asarray(coords.haversine_m(lon, lat, self.lon[band], self.lat[band]), dtype=float))
        keep = dist <= radius_m
        band, dist = band[keep], dist[keep]
        order = np.lexsort((band, dist))[:max(int(n), 0)]   # by distance, then position (= room id order)
        return band[order], np.round(dist[order], 1)

    def nearest(self, run: Runner, lon: float, lat: float, n: int, radius_m: float, params: dict) -> pa.Table:
        """The rooms nearest ``(lon, lat)`` passing ``params`` (the parameters of rooms_passing): the pool's
        columns and ``distance_m``."""
        pos, dist = self.nearest_positions(lon, lat, n, radius_m, self.passing(run, params))
        return self.rows.take(pa.array(pos, type=pa.int64())).append_column("distance_m", pa.array(dist))


def load(run: Runner) -> Pool:
    """The pool of the runner's scope (rooms_pool)."""
    return Pool(run("rooms_pool"))


class Pools:
    """The pools of one process, per scope, for the current database file only: when the file is replaced
    (its key changes, see :func:`jinguo.store.db.db_key`) the old pools are dropped and rebuilt on demand."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._pools: dict[object, Pool] = {}

    def get(self, key: tuple, scope: object, run: Runner) -> Pool:
        with self._lock:
            if key != self._key:
                self._key, self._pools = key, {}
            pool = self._pools.get(scope)
        if pool is None:
            pool = load(run)        # outside the lock: a big pool takes a moment; two threads may both build
            with self._lock:
                if key == self._key:
                    pool = self._pools.setdefault(scope, pool)
        return pool
