"""Locating "near me": a typed point or a Chinese address to a point in GCJ-02, and the district nearest a
point."""

from __future__ import annotations

import numpy as np

from jinguo.geo import coords


class LocateError(ValueError):
    """The text is neither a usable address nor a point; ``key`` names the message."""

    def __init__(self, key: str):
        self.key = key
        super().__init__(key)


def locate(text: str, crs: str, regions) -> tuple[float, float, str]:
    """'lon,lat' (in ``crs``) or a Chinese address -> (lon, lat in GCJ-02, how it was found).

    An address is parsed to its district with cpca (a maintained parser) and
    located at that district's centroid; ``regions`` maps adcode -> (lon, lat, name).
    """
    text = (text or "").strip()
    if not text:
        raise LocateError("rooms.near_empty")
    try:
        lon, lat, swapped = coords.parse_point(text)
    except ValueError:
        pass
    else:
        glon, glat = coords.to_gcj02(lon, lat, crs)
        return glon, glat, "point_swapped" if swapped else "point"
    import cpca

    parsed = cpca.transform([text[:200]])
    code = parsed.loc[0, "adcode"] if "adcode" in parsed else None
    for c in (code, (code or "")[:4] + "00", (code or "")[:2] + "0000"):
        if c and c in regions and regions[c][0] is not None:
            return regions[c][0], regions[c][1], "address:" + regions[c][2]
    raise LocateError("rooms.near_unknown")


def regions(names) -> dict[str, tuple[float | None, float, str]]:
    """The ``regions`` argument of :func:`locate` from the region_names rows: adcode -> (lon, lat, name)."""
    return {r.adcode: (r.lon if r.lon == r.lon else None, r.lat, r.name_zh) for r in names.itertuples()}


class Districts:
    """District centroids from the region_names rows, for :meth:`nearest` (build once, ask many times)."""

    def __init__(self, names):
        d = names[(names["level"] == "district") & names["lon"].notna()]
        self.codes = [str(c) for c in d["adcode"]]
        self.lon, self.lat = d["lon"].to_numpy(float), d["lat"].to_numpy(float)

    def nearest(self, lon: float, lat: float) -> tuple[str | None, str | None]:
        """(district adcode, city adcode) of the district centroid nearest the point (for buses serving it)."""
        if not self.codes:
            return None, None
        code = self.codes[int(np.argmin(coords.haversine_m(lon, lat, self.lon, self.lat)))]
        return code, code[:4] + "00"


def nearest_district(names, lon: float, lat: float) -> tuple[str | None, str | None]:
    """(district adcode, city adcode) of the district centroid nearest the point (for buses serving it)."""
    return Districts(names).nearest(lon, lat)
