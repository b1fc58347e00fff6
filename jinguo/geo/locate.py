"""Locating "near me": a typed point or a Chinese address to a point in GCJ-02, and the district nearest a
point."""

from __future__ import annotations

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


def nearest_district(names, lon: float, lat: float) -> tuple[str | None, str | None]:
    """(district adcode, city adcode) of the district centroid nearest the point (for buses serving it)."""
    d = names[(names["level"] == "district") & names["lon"].notna()]
    if d.empty:
        return None, None
    i = int(coords.haversine_m(lon, lat, d["lon"].to_numpy(float), d["lat"].to_numpy(float)).argmin())
    code = str(d["adcode"].iloc[i])
    return code, code[:4] + "00"
