"""The public room finder's Streamlit parts: the one-line question, "use my location", answer cards,
mobile rooms, and a page per room (with a QR code for its door). The pure logic is in :mod:`jinguo.views.rooms`.

Everything that comes from data goes through :func:`jinguo.web.escape.md_escape` before st.markdown; the only
``unsafe_allow_html`` is the constant :data:`STYLE`.
"""

from __future__ import annotations

import io
import re
import urllib.parse
from dataclasses import dataclass

import streamlit as st

from jinguo.geo import coords
from jinguo.views import rooms
from jinguo.web import data, origins
from jinguo.web.escape import md_escape

# Phone first: tap targets of at least 44 px, body text of at least 16 px; the geolocation probe is a
# zero-height iframe. A constant: never formatted with data.
STYLE = """<style>
.stMarkdown p, .stMarkdown li, .stCaption p, [data-testid="stMarkdownContainer"] p { font-size: 16px; }
.stButton button, .stLinkButton a, [data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"],
.stTextInput input, [data-testid="stExpander"] summary, [data-testid="stButtonGroup"] button,
[data-testid="stCheckbox"] label { min-height: 44px; }
[data-testid="stButtonGroup"] button, [data-testid="stElementToolbar"] button { min-width: 44px; }
[data-testid="stElementToolbar"] button { min-height: 44px; }
[data-testid="stCheckbox"] label { align-items: center; }
.st-key-mr_geo_probe { height: 0; overflow: hidden; margin: 0; }
.st-key-mr_geo_probe iframe { height: 0 !important; }
h1 { font-size: 1.6rem !important; padding-top: 0 !important; }
</style>"""

# The browser's own geolocation (WGS-84), answered within 10 s: {lon, lat, acc} or {error: code}
# (1 permission denied, 2 position unavailable, 3 timeout, 0 unsupported). Not high accuracy: a network
# fix (tens to a few hundred metres) comes in about a second and is enough to rank rooms, where waiting for
# GPS indoors takes 10–30 s; a fix up to 5 minutes old is reused (she has not gone far).
GEO_JS = ("new Promise(r => { if (!navigator.geolocation) { r({error: 0}); return; } "
          "navigator.geolocation.getCurrentPosition("
          "p => r({lon: p.coords.longitude, lat: p.coords.latitude, acc: p.coords.accuracy}), "
          "e => r({error: e.code}), {enableHighAccuracy: false, timeout: 10000, maximumAge: 300000}); })")

# "Mobi" anywhere in the User-Agent: how browsers say "phone" (MDN's advice for user-agent sniffing).
PHONE_UA = "Mobi"


def on_phone() -> bool:
    """The reader's browser says it is a phone."""
    try:
        return PHONE_UA in (st.context.headers.get("User-Agent") or "")
    except Exception:   # no request headers (AppTest, bare mode): a desktop
        return False


def show_map(t) -> bool:
    """The map comes after the answer. On a phone it is drawn only when asked for ("在地图上查看"): the map
    engine is the heaviest thing on the page (3 MB of script and a WebGL canvas at the phone's pixel
    density), and drawing it delays the answer cards by seconds on a modest phone. A desktop draws it."""
    if "mr_show_map" not in st.session_state:   # mr_map=1: the light finder's 在地图上查看 link
        st.session_state["mr_show_map"] = not on_phone() or st.query_params.get("mr_map") == "1"
    return st.toggle(t("finder.show_map"), key="mr_show_map")


def style() -> None:
    st.markdown(STYLE, unsafe_allow_html=True)


@dataclass(frozen=True)
class Ask:
    near: str
    q: str
    crs: str
    n: int
    radius_km: int
    prov: str
    flt: rooms.RoomFilter


def _use_location():
    st.session_state["mr_geo_ask"] = st.session_state.get("mr_geo_ask", 0) + 1
    st.session_state["mr_near"] = ""


def _typed_address():
    st.session_state["mr_geo_ask"] = 0


N_CHOICES = (1, 3, 5, 10, 20)
RADIUS_CHOICES = (1, 3, 5, 10, 20, 50, 100)
# The folded expert controls and their defaults (the URL may have seeded some: see seed_from_url).
EXPERT = {"mr_q": "", "mr_crs": "gcj02", "mr_n": 5, "mr_radius": 20, "mr_prov": "", "mr_kinds": lambda: list(rooms.KINDS),
          "mr_amen": list, "mr_open": True, "mr_digital": False, "mr_nav": False}


def question(t, prov_label: dict, now) -> Ask:
    """The search line (address box + use my location) and the folded expert controls."""
    with st.container(horizontal=True, vertical_alignment="bottom", key="mr_ask"):
        near = st.text_input(t("rooms.near"), key="mr_near", max_chars=200, help=t("rooms.near_help"),
                             placeholder=t("finder.near_placeholder"), on_change=_typed_address,
                             label_visibility="collapsed").strip()
        st.button(t("finder.use_location"), key="mr_locate", icon="📍", on_click=_use_location, type="primary")
    ss = st.session_state
    for k, default in EXPERT.items():   # kept while the panel is folded (its widgets are not drawn then)
        ss[k] = ss.get(k, default() if callable(default) else default)
    more = st.expander(t("finder.more"), key="mr_more", on_change="rerun")
    if more.open:   # drawn only when opened: ten widgets the first screen of a phone need not wait for
        with more:
            # Pills, not sliders or multi-selects: on a phone every choice is a 44 px tap (a slider's thumb and
            # a chip's little ✕ are not).
            st.text_input(t("rooms.search"), key="mr_q", placeholder=t("rooms.search_help"), max_chars=100)
            st.selectbox(t("rooms.near_crs"), coords.CRS, key="mr_crs", format_func=lambda c: t(f"rooms.crs_{c}"))
            st.pills(t("rooms.n_nearest"), N_CHOICES, key="mr_n")
            st.pills(t("rooms.radius"), RADIUS_CHOICES, key="mr_radius")
            st.selectbox(t("rooms.province"), [""] + list(prov_label), key="mr_prov",
                         format_func=lambda c: prov_label.get(c, t("rooms.national")))
            st.pills(t("rooms.kinds"), list(rooms.KINDS), selection_mode="multi", key="mr_kinds",
                     format_func=lambda k: t(f"rooms.kind_{k}"))
            st.pills(t("rooms.amenities"), list(rooms.AMENITIES), selection_mode="multi", key="mr_amen",
                     format_func=lambda a: t(f"rooms.am_{a}"))
            st.toggle(t("rooms.open_now"), key="mr_open")
            st.toggle(t("rooms.digital"), key="mr_digital")
            st.toggle(t("rooms.navigable"), key="mr_nav")
    q, crs, prov = str(ss["mr_q"] or "").strip(), ss["mr_crs"] or "gcj02", ss["mr_prov"] or ""
    n, radius_km = int(ss["mr_n"] or EXPERT["mr_n"]), int(ss["mr_radius"] or EXPERT["mr_radius"])  # a pill un-tapped
    kinds, amen = ss["mr_kinds"] or [], ss["mr_amen"] or []
    is_open, digital, navigable = bool(ss["mr_open"]), bool(ss["mr_digital"]), bool(ss["mr_nav"])
    flt = rooms.RoomFilter(kinds=tuple(kinds), amenities=tuple(amen), open_now=is_open, digital_only=digital,
                           navigable_only=navigable, now=now)
    return Ask(near, q, crs, n, radius_km, prov, flt)


def my_location(t) -> tuple[float, float] | None:
    """After "use my location": the browser's fix in GCJ-02, or None (with a message while waiting or
    when refused / no fix; the address box stays)."""
    ask = st.session_state.get("mr_geo_ask", 0)
    if not ask:
        return None
    from streamlit_js_eval import streamlit_js_eval

    with st.container(key="mr_geo_probe"):
        fix = streamlit_js_eval(js_expressions=GEO_JS, key=f"mr_geo_{ask}")
    if not isinstance(fix, dict):
        st.info(t("finder.locating"))
        return None
    if "error" in fix or not isinstance(fix.get("lon"), int | float):
        st.warning(t("finder.geo_denied" if fix.get("error") == 1 else "finder.geo_nofix"))
        return None
    lon, lat = float(fix["lon"]), float(fix["lat"])
    if not coords.in_china_bbox(lon, lat):
        st.warning(t("finder.geo_outside"))
        return None
    glon, glat = coords.wgs84_to_gcj02(lon, lat)
    st.caption(t("finder.located_here", acc=int(fix.get("acc") or 0)))
    return float(glon), float(glat)


def room_url(room_id: str) -> str:
    return "mother-rooms?room=" + urllib.parse.quote(str(room_id), safe="")


def card(r: dict, t, i: int) -> None:
    """One answer: name, distance, open now or hours, amenities as icons, navigation and the room's page."""
    with st.container(border=True, key=f"mr_card_{i}"):
        dist = rooms.distance_label(r.get("distance_m"))
        st.markdown(f"**{md_escape(r['name'])}**  \n"
                    + " · ".join(x for x in (dist, r["open_label"], r["hours_label"]) if x))
        with st.container(horizontal=True, gap="small"):
            st.link_button(t("rooms.navigate_amap"), coords.amap_nav_url(r["lon"], r["lat"], r["name"]),
                           icon="🧭", type="primary")
            st.link_button(t("rooms.navigate_baidu"), coords.baidu_nav_url(r["lon"], r["lat"], r["name"]))
            st.link_button(t("finder.room_page"), room_url(r["room_id"]))
        # the address and amenities after the buttons: navigation stays high on the first screen
        st.caption(md_escape(r["address"]) + "  \n" + (rooms.amenity_icons(r, t) or "—"))


def buses(res, names: dict, t) -> None:
    """Mobile rooms serving the reader's district: route/service area and schedule, never a distance."""
    st.subheader(t("finder.buses", n=len(res)))
    if res.empty:
        return
    items = [f"- **{md_escape(r['name'])}** · {t('finder.mobile')}  \n"
             + t("finder.serves", area=md_escape(rooms.service_area_label(r["service_area"], names, t))) + "  \n"
             + t("finder.schedule", days=rooms.days_label(r["open_days"], t), hours=rooms.hours_label(r, t))
             + "  \n" + (rooms.amenity_icons(r, t) or "—")
             for r in res.to_dict("records")]
    with st.container(border=True, key="mr_buses"):
        st.markdown("\n".join(items))     # one block for the list: the fixed rooms' cards come first


def _qr_png(url: str) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


def room_page(room_id: str, names: dict, t, user) -> None:
    """A room's own page (?room=ID): hours, amenities, who may use it, contact where the role allows,
    navigation and a QR code of this URL for the door. Unknown id -> a message, never a traceback."""
    rid = room_id.strip()[:40]
    res = data.q("rooms_one", room_id=rid) if rid else None
    st.link_button(t("finder.back"), "mother-rooms", icon="⬅️")
    if res is None or res.empty:
        st.warning(t("finder.room_unknown", id=md_escape(rid)))
        return
    r = res.iloc[0].to_dict()
    st.title(md_escape(r["name"]))
    mobile = r["kind"] == "mobile_bus"
    lines = [f"{t('rooms.kind')}: {t('rooms.kind_' + r['kind'])}",
             f"{t('rooms.hours')}: {rooms.days_label(r['open_days'], t)} {rooms.hours_label(r, t)}",
             f"{t('rooms.amenities')}: {rooms.amenity_icons(r, t) or '—'}",
             f"{t('finder.who')}: {t('finder.who_staff' if r['internal'] else 'finder.who_all')}"]
    lines.insert(1, t("finder.serves", area=md_escape(rooms.service_area_label(r["service_area"], names, t)))
                 if mobile else f"{t('rooms.address')}: {md_escape(r['address'])}")
    if r.get("contact") and user.role != "public":
        lines.append(f"{t('rooms.contact')}: {md_escape(r['contact'])}")
    st.markdown("  \n".join(lines))
    if not mobile:
        with st.container(horizontal=True):
            st.link_button(t("rooms.navigate_amap"), coords.amap_nav_url(r["lon"], r["lat"], r["name"]), icon="🧭",
                           type="primary")
            st.link_button(t("rooms.navigate_baidu"), coords.baidu_nav_url(r["lon"], r["lat"], r["name"]))
    # The QR code on the door holds the room's lasting page on the light finder (/find/room/ID).
    parts = urllib.parse.urlsplit(st.context.url or "")
    url = f"{parts.scheme or 'http'}://{parts.netloc}{rooms.room_path(rid)}" if parts.netloc else rooms.room_path(rid)
    png = _qr_png(url)
    st.image(png, caption=t("finder.qr_caption"), width=220)
    st.download_button(t("finder.qr_download"), png, "mother_room_" + re.sub(r"[^A-Za-z0-9_-]", "_", rid) + ".png", "image/png",
                        on_click="ignore")
    origins.origin_caption([r["origin"]])


VIEWS = ("find", "coverage")
URL_TEXT = ("mr_q", "mr_near", "mr_prov")


def seed_from_url(qp, prov_label: dict) -> dict[str, str]:
    """Seed the widgets from the URL once per session; returns the bad parameters ({name: 'name=value'}),
    which fall back to defaults."""
    bad: dict[str, str] = {}
    for key in URL_TEXT:
        if key not in st.session_state:
            raw = (qp.get(key) or "")[:200]
            if key == "mr_prov" and raw not in set(prov_label) | {""}:
                bad[key], raw = f"{key}={raw[:30]}", ""
            st.session_state[key] = raw
    if "mr_kinds" not in st.session_state:
        asked = [k for k in (qp.get("mr_kind") or "").split(",") if k]
        if [k for k in asked if k not in rooms.KINDS]:
            bad["mr_kind"] = "mr_kind=" + ",".join(k for k in asked if k not in rooms.KINDS)[:30]
        st.session_state["mr_kinds"] = [k for k in asked if k in rooms.KINDS] or list(rooms.KINDS)
    if "mr_open" not in st.session_state:      # the finder answers with rooms open now, unless mr_open=0
        st.session_state["mr_open"] = qp.get("mr_open") != "0"
    if "mr_more" not in st.session_state:   # a link that narrows the search shows how, unfolded
        st.session_state["mr_more"] = any(qp.get(k) for k in ("mr_q", "mr_prov", "mr_kind"))
    if "mr_view" not in st.session_state:
        st.session_state["mr_view"] = qp.get("mr_view") if qp.get("mr_view") in VIEWS else "find"
    return bad


def sync_url(qp) -> None:
    """Keep the URL shareable: the question, the scope, the kinds, open-now and the view."""
    ss = st.session_state
    want = {k: ss.get(k) or "" for k in URL_TEXT}
    want["mr_kind"] = ",".join(ss["mr_kinds"]) if set(ss["mr_kinds"]) != set(rooms.KINDS) else ""
    want["mr_open"] = "" if ss.get("mr_open", True) else "0"
    want["mr_view"] = "coverage" if ss.get("mr_view") == "coverage" else ""
    for k, v in want.items():
        if v and qp.get(k) != v:
            qp[k] = v
        elif not v and k in qp:
            del qp[k]


def room_table(desc: list[dict], t):
    """Search results as a table with a navigation link (and the origin, for the caption and extracts)."""
    import pandas as pd

    d = pd.DataFrame(desc)
    table = pd.DataFrame({
        t("rooms.name"): d["name"], t("rooms.address"): d["address"], t("rooms.kind"): d["kind_label"],
        t("rooms.amenities"): d["amenities_label"], t("rooms.hours"): d["hours_label"],
        t("rooms.open_now"): d["open_label"],
    })
    table[t("rooms.navigate_amap")] = [coords.amap_nav_url(r["lon"], r["lat"], r["name"]) for r in desc]
    table["origin"] = d["origin"]
    return table
