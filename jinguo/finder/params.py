"""The public finder's query parameters, one parser for the page and the JSON answer.

``near`` (an address or "lon,lat") or ``lon`` + ``lat`` (with ``crs``), ``n``, ``radius_km``, ``open``,
``amenity`` and ``kind`` (repeated or comma-separated), ``lang``, ``geo`` (the point came from the browser's
location). Unknown parameters are ignored (WeChat adds its own); a bad value is a :class:`BadParam`, which the
page and the API turn into a 400 with the message in the reader's language (the API: in both).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from jinguo.geo import coords
from jinguo.text import i18n
from jinguo.views import rooms

N_CHOICES = (1, 3, 5, 10, 20)
N_DEFAULT = 5
RADIUS_KM = (0.1, 100.0)
RADIUS_DEFAULT_KM = 20.0
NEAR_MAX = 200
SCALARS = ("near", "lon", "lat", "crs", "n", "radius_km", "open", "lang", "geo")
LISTS = ("amenity", "kind")


class BadParam(ValueError):
    """A parameter the finder cannot use: its name, the value given, and why (a message key + values)."""

    def __init__(self, name: str, value: str, why: str, **kw):
        self.name, self.value, self.why, self.kw = name, value[:40], why, kw
        super().__init__(f"{name}={value[:40]!r}: {why}")

    def message(self, lang: str) -> str:
        why = i18n.t(f"public.{self.why}", lang, **self.kw)
        return i18n.t("public.bad_param", lang, name=self.name, value=self.value, why=why)


@dataclass(frozen=True)
class Question:
    near: str = ""
    lon: float | None = None
    lat: float | None = None
    crs: str = "gcj02"
    n: int = N_DEFAULT
    radius_km: float = RADIUS_DEFAULT_KM
    open_now: bool = True
    amenities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = rooms.KINDS
    lang: str | None = None          # asked for in the URL (else the browser's Accept-Language decides)
    geo: bool = False

    @property
    def asked(self) -> bool:
        """A place was given (an address or a point)."""
        return bool(self.near) or self.lon is not None

    def query(self, **change) -> dict[str, str | list[str]]:
        """The question as URL parameters (defaults left out), with ``change`` applied: for links that keep
        the question (the other language, the map)."""
        q: dict[str, str | list[str]] = {}
        if self.near:
            q["near"] = self.near
        if self.lon is not None:
            q.update(lon=f"{self.lon:.6f}", lat=f"{self.lat:.6f}", crs=self.crs)
        if self.n != N_DEFAULT:
            q["n"] = str(self.n)
        if self.radius_km != RADIUS_DEFAULT_KM:
            q["radius_km"] = f"{self.radius_km:g}"
        if not self.open_now:
            q["open"] = "0"
        if self.amenities:
            q["amenity"] = list(self.amenities)
        if set(self.kinds) != set(rooms.KINDS):
            q["kind"] = list(self.kinds)
        if self.lang:
            q["lang"] = self.lang
        if self.geo:
            q["geo"] = "1"
        q.update(change)
        return {k: v for k, v in q.items() if v not in (None, "", [])}


def _one(qp, name: str) -> str | None:
    values = qp.getlist(name)
    if len(values) > 1:
        raise BadParam(name, ",".join(values), "why_twice")
    return values[0].strip() if values else None


def _number(name: str, raw: str, lo: float, hi: float) -> float:
    try:
        v = float(raw)
    except ValueError:
        raise BadParam(name, raw, "why_number") from None
    if not math.isfinite(v):
        raise BadParam(name, raw, "why_number")
    if not lo <= v <= hi:
        raise BadParam(name, raw, "why_range", lo=f"{lo:g}", hi=f"{hi:g}")
    return v


def _choices(qp, name: str, allowed: tuple[str, ...]) -> tuple[str, ...] | None:
    if not qp.getlist(name):
        return None
    raw = [p.strip() for v in qp.getlist(name) for p in v.split(",")]
    raw = [p for p in raw if p]
    bad = [p for p in raw if p not in allowed]
    if bad:
        raise BadParam(name, ",".join(bad), "why_choice", choices=", ".join(allowed))
    return tuple(a for a in allowed if a in raw)     # in the catalogue's order, once each


def _flag(name: str, raw: str | None, default: bool) -> bool:
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise BadParam(name, raw, "why_choice", choices="1, 0")


def parse(qp) -> Question:
    """A Starlette ``QueryParams`` (or anything with ``getlist``) -> :class:`Question`; raises BadParam."""
    for name in SCALARS:
        _one(qp, name)                    # a scalar given twice is refused before anything else
    near = _one(qp, "near") or ""
    if len(near) > NEAR_MAX:
        raise BadParam("near", near, "why_long", n=NEAR_MAX)
    raw_lon, raw_lat = _one(qp, "lon"), _one(qp, "lat")
    if bool(raw_lon) != bool(raw_lat):
        raise BadParam("lon" if raw_lon else "lat", raw_lon or raw_lat or "", "why_pair")
    lon = _number("lon", raw_lon, -180.0, 180.0) if raw_lon else None
    lat = _number("lat", raw_lat, -90.0, 90.0) if raw_lat else None
    crs = _one(qp, "crs") or "gcj02"
    try:
        crs = coords.normalise_crs(crs)
    except ValueError:
        raise BadParam("crs", crs, "why_choice", choices=", ".join(coords.CRS)) from None
    raw_n = _one(qp, "n")
    n = N_DEFAULT
    if raw_n:
        if raw_n not in {str(c) for c in N_CHOICES}:
            raise BadParam("n", raw_n, "why_choice", choices=", ".join(map(str, N_CHOICES)))
        n = int(raw_n)
    raw_r = _one(qp, "radius_km")
    radius = _number("radius_km", raw_r, *RADIUS_KM) if raw_r else RADIUS_DEFAULT_KM
    lang = _one(qp, "lang") or None
    if lang is not None and lang not in i18n.LANGS:
        raise BadParam("lang", lang, "why_choice", choices=", ".join(i18n.LANGS))
    return Question(near=near, lon=lon, lat=lat, crs=crs, n=n, radius_km=radius,
                    open_now=_flag("open", _one(qp, "open"), True),
                    amenities=_choices(qp, "amenity", rooms.AMENITIES) or (),
                    kinds=_choices(qp, "kind", rooms.KINDS) or rooms.KINDS,
                    lang=lang, geo=_flag("geo", _one(qp, "geo"), False))


def negotiate(asked: str | None, accept_language: str | None) -> str:
    """The reader's language: ``lang`` from the URL, else the first of zh/en in Accept-Language by its
    q-values, else Chinese."""
    if asked in i18n.LANGS:
        return asked
    best: tuple[float, int, str] | None = None
    for i, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        prim = tag.strip().lower().split("-")[0]
        if prim not in i18n.LANGS:
            continue
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if q > 0 and (best is None or (-q, i) < (-best[0], best[1])):
            best = (q, i, prim)
    return best[2] if best else i18n.DEFAULT
