"""The global filters and their mirror in the URL (``st.query_params``).

Parsing never raises: a bad value is dropped, the default is used, and a
message key says what was ignored, so a mistyped link still opens a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ORIGINS = ("reported", "demo", "imported")
ORIGIN_ICON = {"reported": "📄", "demo": "🧪", "imported": "📥"}


@dataclass(frozen=True)
class Filters:
    provinces: tuple[str, ...]
    year_from: int
    year_to: int
    origins: tuple[str, ...] = ORIGINS
    lang: str = "zh"
    all_provinces: bool = field(default=True, compare=False)


def _first(qp, key: str) -> str | None:
    v = qp.get(key)
    if isinstance(v, list):
        v = v[-1] if v else None
    return v if v not in ("", None) else None


def parse(qp, province_codes: tuple[str, ...], years: tuple[int, int]) -> tuple[Filters, list[tuple[str, str]]]:
    """Filters from query parameters; returns (filters, [(message_key, bad_value)])."""
    problems: list[tuple[str, str]] = []
    lang = _first(qp, "lang") or "zh"
    if lang not in ("zh", "en"):
        problems.append(("url.bad_lang", lang))
        lang = "zh"
    provinces = province_codes
    raw = _first(qp, "prov")
    if raw:
        wanted = [p.strip() for p in raw.split(",") if p.strip()]
        good = tuple(p for p in wanted if p in province_codes)
        bad = [p for p in wanted if p not in province_codes]
        if bad:
            problems.append(("url.bad_province", ",".join(bad)[:60]))
        if good:
            provinces = good
    lo, hi = years
    y_from, y_to = lo, hi
    raw = _first(qp, "years")
    if raw:
        try:
            a, b = (int(x) for x in raw.split("-", 1))
            if not (lo <= a <= b <= hi):
                raise ValueError
            y_from, y_to = a, b
        except ValueError:
            problems.append(("url.bad_years", raw[:40]))
    origins = ORIGINS
    raw = _first(qp, "origin")
    if raw:
        wanted = [o.strip() for o in raw.split(",") if o.strip()]
        good = tuple(o for o in ORIGINS if o in wanted)
        if len(good) != len(wanted) or not good:
            problems.append(("url.bad_origin", raw[:40]))
        if good:
            origins = good
    return Filters(tuple(provinces), y_from, y_to, origins, lang,
                   all_provinces=set(provinces) == set(province_codes)), problems


def to_params(f: Filters, years: tuple[int, int]) -> dict[str, str]:
    """The query parameters that reproduce ``f`` (defaults are left out)."""
    out: dict[str, str] = {}
    if f.lang != "zh":
        out["lang"] = f.lang
    if not f.all_provinces:
        out["prov"] = ",".join(f.provinces)
    if (f.year_from, f.year_to) != tuple(years):
        out["years"] = f"{f.year_from}-{f.year_to}"
    if tuple(f.origins) != ORIGINS:
        out["origin"] = ",".join(f.origins)
    return out


class PageParams:
    """A page's own settings in the URL (``ov_ind``, ``mm_prov`` …): one helper for every page.

    ``qp`` is ``st.query_params`` (or any dict); ``warn(message_key, value)`` is called once for a value
    that is not allowed, which is then ignored (the default is used), so a mistyped link still opens.
    """

    def __init__(self, qp, warn=None):
        self.qp = qp
        self.warn = warn

    def get(self, name: str, allowed, default: str | None = None, message_key: str = "url.bad_param") -> str | None:
        raw = _first(self.qp, name)
        if raw is None:
            return default
        if allowed is not None and raw not in allowed:
            if self.warn is not None:
                self.warn(message_key, raw[:40])
            return default
        return raw

    def set(self, name: str, value: str | None, default: str | None = None) -> None:
        """Mirror ``value`` in the URL; the default (or nothing) removes the parameter."""
        if value in (None, "", default):
            if name in self.qp:
                del self.qp[name]
        elif _first(self.qp, name) != value:
            self.qp[name] = value
