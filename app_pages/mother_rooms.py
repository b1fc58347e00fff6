"""妈咪小屋地图 Mother-room finder: the nearest open room first (address or the phone's location), then
the map; mobile rooms apart; a page per room (?room=ID); coverage gaps for officers."""

import pandas as pd
import streamlit as st

from jinguo.geo import locate
from jinguo.views import decks, rooms
from jinguo.web import data, downloads, frame, origins, roomfinder
from jinguo.web.escape import md_escape

f = frame.filters()
lg = f.lang
t = frame.tr
now = rooms.china_now()   # rooms keep China's hours
roomfinder.style()
asked_origins = list(f.origins) or ["reported", "demo", "imported"]
names = data.region_names()
place_name = dict(zip(names["adcode"], names["name_en" if lg == "en" else "name_short"]))
provs = names[names["level"] == "province"]
prov_label = dict(zip(provs["adcode"], provs["name_en" if lg == "en" else "name_zh"]))
qp = st.query_params


@st.cache_data(max_entries=32, show_spinner=False)
def deck(points, cells, province, view, gaps=None, centre=None, labels=None, city=None):
    """The map's JSON, built once per distinct input (pydeck's own serialisation takes ~0.2 s)."""
    return decks.JsonDeck(decks.build_deck(points, cells, province, view, gaps=gaps, centre=centre,
                                           labels=labels, city=city).to_json())


if "room" in qp:
    roomfinder.room_page(qp.get("room") or "", place_name, t, data.current_user())
    st.stop()

st.title(t("rooms.title"))
for bad in roomfinder.seed_from_url(qp, prov_label).values():
    st.warning(t("rooms.bad_param", value=md_escape(bad)))

# One view at a time (st.tabs would compute and send both maps on every rerun).
view_choice = st.segmented_control(" ", roomfinder.VIEWS, key="mr_view", label_visibility="collapsed",
                                   format_func=lambda v: t(f"rooms.tab_{v}")) or "find"
roomfinder.sync_url(qp)

if view_choice == "find":
    ask = roomfinder.question(t, prov_label, now)
    params = ask.flt.params()
    provinces = [ask.prov] if ask.prov else list(f.provinces)
    centre = roomfinder.my_location(t)
    if centre is None and ask.near:
        try:
            lon, lat, how = locate.locate(ask.near, ask.crs, locate.regions(names))
        except locate.LocateError as e:
            st.warning(t(e.key))
            st.stop()
        centre = (lon, lat)
        if how == "point_swapped":
            st.info(t("rooms.near_swapped"))
        elif how.startswith("address:"):
            st.caption(t("rooms.located_address", name=md_escape(how.split(":", 1)[1])))
    if not ask.flt.kinds:
        st.info(t("rooms.none"))
        st.stop()

    if centre:
        fixed_kinds = [k for k in ask.flt.kinds if k != "mobile_bus"]
        res = data.nearest_rooms(centre[0], centre[1], ask.n, ask.radius_km * 1000.0, origins=asked_origins,
                                 **{**params, "kinds": fixed_kinds or ["-"]})
        pts = rooms.describe(res, lg, now, t)
        st.subheader(t("finder.nearest_open" if ask.flt.open_now else "finder.nearest", n=len(pts)))
        if not pts:
            st.info(t("finder.none_open" if ask.flt.open_now else "rooms.none"))
        for i, p in enumerate(pts):
            roomfinder.card(p, t, i)
        district, city = locate.nearest_district(names, *centre)
        shown = list(res["origin"])     # every room on the screen says where it comes from, buses too
        if "mobile_bus" in ask.flt.kinds and district:
            bus = data.q("rooms_mobile_near", district=district, city=city, n=5, origins=asked_origins)
            roomfinder.buses(bus, place_name, t)
            shown += list(bus["origin"])
        province = str(res["province_code"].iloc[0]) if len(res) else (city or "")[:2] + "0000"
        if roomfinder.show_map(t):
            labels = decks.place_labels(names, province, city, lg)
            st.pydeck_chart(deck(pts, None, province, (centre[0], centre[1], 11.5), centre=centre, labels=labels,
                                 city=city), key="mr_map", height=420)
        origins.origin_caption(shown)
        st.stop()

    want_map = roomfinder.show_map(t)
    phone_idle = roomfinder.on_phone() and not (ask.q or ask.prov)   # a phone with no question yet: no national list
    if phone_idle:
        st.info(t("finder.ask_first"))
        if not want_map:
            st.stop()   # before any query: nothing below would be drawn
    res = data.q("rooms_search", q=ask.q, provinces=provinces, origins=asked_origins, limit=rooms.POINT_LIMIT + 1,
                 **params)
    if want_map:
        cells, view = None, (104.0, 36.0, 2.9)
        show_points = bool(ask.q or ask.prov) or len(res) <= rooms.POINT_LIMIT
        if not show_points:
            grid = data.q("rooms_grid", cell=rooms.GRID_CELL, provinces=provinces, origins=asked_origins,
                          kinds=list(ask.flt.kinds))
            cells = grid.assign(tip=[f"{t('rooms.results', n=int(n))}" for n in grid["rooms"]]).to_dict("records")
            st.caption(t("rooms.map_cells", cell=rooms.GRID_CELL, n=len(grid)))
        if ask.prov:
            p = provs[provs["adcode"] == ask.prov].iloc[0]
            view = (float(p["lon"]), float(p["lat"]), 6.0)
        pts = rooms.describe(res.head(rooms.POINT_LIMIT), lg, now, t) if show_points else None
        labels = decks.place_labels(names, ask.prov or None, None, lg)
        st.pydeck_chart(deck(pts, cells, ask.prov or None, view, labels=labels), key="mr_map", height=460)
    if phone_idle:
        st.stop()
    if res.empty:
        st.info(t("rooms.none"))
        st.stop()
    shown = res.head(500)
    total = len(res) if len(res) <= rooms.POINT_LIMIT else int(data.q(
        "rooms_count", provinces=provinces, origins=asked_origins, kinds=list(ask.flt.kinds))["rooms"].iloc[0])
    st.caption(t("rooms.results_more", n=total, shown=len(shown)) if total > len(shown)
               else t("rooms.results", n=total))
    table = roomfinder.room_table(rooms.describe(shown, lg, now, t), t)
    st.dataframe(table.drop(columns=["origin"]), hide_index=True, width="stretch",
                 column_config={t("rooms.navigate_amap"): st.column_config.LinkColumn(display_text="🧭")})
    origins.origin_caption(table["origin"])
    downloads.downloads(table, "mother_rooms", {"origin": t("origin.column")}, key="rooms")

if view_choice == "coverage":
    st.caption(t("rooms.coverage_caption"))
    g1, g2 = st.columns(2)
    cov_prov = g1.selectbox(t("rooms.province"), list(prov_label)[:31] if len(prov_label) > 31 else list(prov_label),
                            key="mr_cov_prov", format_func=lambda c: prov_label.get(c, c),
                            index=list(prov_label).index("410000") if "410000" in prov_label else 0)
    gap_km = g2.slider(t("rooms.gap_radius"), 0.5, 20.0, 1.0, 0.5, key="mr_gap")
    cov = data.q("rooms_coverage_districts", province=cov_prov, origins=asked_origins)
    if cov.empty:
        st.info(t("common.no_data"))
        st.stop()
    gaps = cov[cov["nearest_m"].isna() | (cov["nearest_m"] > gap_km * 1000)]
    st.subheader(t("rooms.gaps", n=len(gaps), km=gap_km))
    p = provs[provs["adcode"] == cov_prov].iloc[0]
    gap_rows = gaps.assign(tip=gaps["name_zh"] + " · " + (gaps["nearest_m"] / 1000).round(1).astype(str) + " km")
    st.pydeck_chart(deck(None, None, cov_prov, (float(p["lon"]), float(p["lat"]), 6.0),
                         gaps=gap_rows.to_dict("records"), labels=decks.place_labels(names, cov_prov, None, lg)),
                    key="mr_cov_map", height=420)
    ctab = pd.DataFrame({
        t("rooms.district"): cov["name_en" if lg == "en" else "name_zh"],
        t("common.city"): data.region_label(cov["city_code"], lg),
        t("rooms.results", n="").strip() or "rooms": cov["rooms"],
        t("rooms.women"): cov["women_members"], t("rooms.per_10k"): cov["rooms_per_10k"],
        t("rooms.nearest_km"): (cov["nearest_m"] / 1000).round(2),
        "origin": cov["origin"],
    })
    st.dataframe(ctab.drop(columns=["origin"]), hide_index=True, width="stretch")
    origins.origin_caption(cov["origin"])
    downloads.downloads(ctab, f"mother_room_coverage_{cov_prov}", {"origin": t("origin.column")}, key="coverage")
