"""Mother rooms as a reader sees them, without Streamlit: the finder's filters (kinds, amenities, open now)
and a room's labels (kind, hours, days, amenities, distance, open now, a bus's service area).

The map is :mod:`jinguo.views.decks`; locating an address or a point is :mod:`jinguo.geo.locate`.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

KINDS = ("workplace_room", "workplace_corner", "workplace_box", "public", "mobile_bus")
AMENITIES = ("lock", "sink", "fridge", "outlet", "seating", "changing")
POINT_LIMIT = 5000          # above this the national view shows grid cells
GRID_CELL = 0.5             # degrees
ROOM_PATH = "/find/room/"   # a room's own page (printed on its door as a QR code: keep it working)
CHINA = ZoneInfo("Asia/Shanghai")


def china_now() -> datetime:
    """The time in China, without a zone (rooms keep China's hours, whatever the server's zone)."""
    return datetime.now(CHINA).replace(tzinfo=None)


def room_path(room_id: str) -> str:
    """The lasting path of a room's page: ``/find/room/ID`` (the id percent-encoded)."""
    return ROOM_PATH + urllib.parse.quote(str(room_id), safe="")


@dataclass(frozen=True)
class RoomFilter:
    kinds: tuple[str, ...] = KINDS
    amenities: tuple[str, ...] = ()
    open_now: bool = False
    digital_only: bool = False
    navigable_only: bool = False
    now: datetime = field(default_factory=datetime.now, compare=False)

    def params(self) -> dict:
        """Bound parameters shared by the room queries. The clock is bound only when "open now" is on,
        and then to the minute, so that cached results are reused (a clock to the second never hits)."""
        p = {f"need_{a}": a in self.amenities for a in AMENITIES}
        p.update(kinds=list(self.kinds), open_now=self.open_now, digital_only=self.digital_only,
                 navigable_only=self.navigable_only,
                 weekday=str(self.now.isoweekday()) if self.open_now else "",
                 now_time=self.now.time().replace(second=0, microsecond=0) if self.open_now else time(0))
        return p


def open_now(open_time, close_time, open_days: str, now: datetime) -> bool:
    if str(now.isoweekday()) not in str(open_days):
        return False
    if open_time is None or (isinstance(open_time, float)):
        return True
    t = now.time()
    return open_time <= t < close_time


def describe(rows, lang: str, now: datetime, t) -> list[dict]:
    """Rows as plain dicts with a tooltip (name, address, kind, amenities, hours, open now)."""
    out = []
    for r in rows.to_dict("records"):
        ams = [t(f"rooms.am_{a}") for a, col in zip(AMENITIES, (
            "has_lock", "has_sink", "has_fridge", "has_outlet", "has_seating", "has_changing_table")) if r.get(col)]
        hours = hours_label(r, t)
        is_open = open_now(r.get("open_time") if r.get("open_time") == r.get("open_time") else None,
                           r.get("close_time"), r.get("open_days", "1234567"), now)
        r["kind_label"] = t(f"rooms.kind_{r['kind']}")
        r["amenities_label"] = "、".join(ams) if lang == "zh" else ", ".join(ams)
        r["hours_label"] = hours
        r["open_label"] = t("rooms.open_yes") if is_open else t("rooms.open_no")
        r["tip"] = (f"<b>{_esc(r['name'])}</b><br/>{_esc(r['address'])}<br/>{r['kind_label']}<br/>"
                    f"{r['amenities_label']}<br/>{hours} · {r['open_label']}")
        out.append(r)
    return out


def hours_label(r: dict, t) -> str:
    """'09:00–21:00', or open around the clock when the room has no hours."""
    if r.get("open_time") is None or r.get("open_time") != r.get("open_time"):
        return t("rooms.hours_all")
    return f"{str(r['open_time'])[:5]}–{str(r['close_time'])[:5]}"


def _esc(s) -> str:
    import html

    return html.escape(str(s))


# --------------------------------------------------------------------------- the public page's text
# Every ASCII punctuation mark may be backslash-escaped in CommonMark; escaping all of them turns links,
# images, raw HTML, emphasis, Streamlit's :colour[...] directives and $maths$ into plain characters, and
# the escaped ":" and "/" stop GFM from auto-linking a bare http://… (until security's md_escape lands).
AMENITY_ICONS = {"lock": "🔒", "sink": "🚰", "fridge": "🧊", "outlet": "🔌", "seating": "🪑", "changing": "🚼"}
AMENITY_COLS = dict(zip(AMENITIES, ("has_lock", "has_sink", "has_fridge", "has_outlet", "has_seating",
                                    "has_changing_table")))


def days_label(days, t) -> str:
    """'1234567' -> every day, '12345' -> Monday to Friday, else the days listed."""
    d = "".join(sorted(set(str(days or "")) & set("1234567")))
    if d in ("1234567", "12345", "67"):
        return t(f"finder.days_{d}")
    return t("finder.days_sep").join(t(f"finder.day_{x}") for x in d) or "—"


def amenity_icons(row: dict, t) -> str:
    """Amenities as icon + word (the word for screen readers and for readers who don't know the icon)."""
    return " · ".join(f"{AMENITY_ICONS[a]} {t(f'rooms.am_{a}')}" for a in AMENITIES if row.get(AMENITY_COLS[a]))


def distance_label(m) -> str:
    if m is None or m != m:
        return ""
    return f"{int(round(m / 10) * 10)} m" if m < 1000 else f"{m / 1000:.1f} km"


def service_area_label(codes, names: dict[str, str], t) -> str:
    """A bus's served districts by name in the reader's language ('—' when unknown)."""
    parts = [names.get(c, c) for c in str(codes or "").split(",") if c]
    return t("finder.days_sep").join(parts) or "—"


