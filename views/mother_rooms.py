"""妈咪小屋地图 Mother-room map: find the nearest room, see what it offers, get there; coverage gaps."""

from datetime import datetime

import pandas as pd
import streamlit as st

from jinguo import coords, data, rooms, ui

f = ui.filters()
lg = f.lang
t = ui.tr
now = datetime.now()
st.title(t("rooms.title"))
st.caption(t("rooms.caption"))
origins = list(f.origins) or ["reported", "demo", "imported"]


@st.cache_data(max_entries=32, show_spinner=False)
def deck(points, cells, province, view, gaps=None, centre=None):
    """The map's JSON, built once per distinct input (pydeck's own serialisation takes ~0.2 s)."""
    return rooms.JsonDeck(rooms.build_deck(points, cells, province, view, gaps=gaps, centre=centre).to_json())


names = data.region_names()
provs = names[names["level"] == "province"]
prov_label = dict(zip(provs["adcode"], provs["name_en" if lg == "en" else "name_zh"]))
qp = st.query_params


def _seed(key: str, param: str, allowed=None, default=None):
    """Seed a widget from the URL once; a bad value warns and falls back."""
    if key in st.session_state:
        return
    raw = qp.get(param)
    if raw is None:
        st.session_state[key] = default
    elif allowed is not None and raw not in allowed:
        st.warning(t("rooms.bad_param", value=f"{param}={raw[:30]}"))
        st.session_state[key] = default
    else:
        st.session_state[key] = raw[:200] if isinstance(raw, str) else raw


_seed("mr_q", "mr_q", default="")
_seed("mr_near", "mr_near", default="")
_seed("mr_prov", "mr_prov", allowed=set(prov_label) | {""}, default="")
kinds_param = [k for k in (qp.get("mr_kind") or "").split(",") if k]
if "mr_kinds" not in st.session_state:
    bad = [k for k in kinds_param if k not in rooms.KINDS]
    if bad:
        st.warning(t("rooms.bad_param", value="mr_kind=" + ",".join(bad)[:30]))
    st.session_state["mr_kinds"] = [k for k in kinds_param if k in rooms.KINDS] or list(rooms.KINDS)

# One view at a time (st.tabs would compute and send both maps on every rerun).
VIEW_KEYS = ("find", "coverage")
if "mr_view" not in st.session_state:
    st.session_state["mr_view"] = qp.get("mr_view") if qp.get("mr_view") in VIEW_KEYS else "find"
view_choice = st.segmented_control(" ", VIEW_KEYS, key="mr_view", label_visibility="collapsed",
                                   format_func=lambda v: t(f"rooms.tab_{v}")) or "find"
if view_choice == "coverage":
    qp["mr_view"] = "coverage"
elif "mr_view" in qp:
    del qp["mr_view"]

if view_choice == "find":
    c1, c2 = st.columns([1, 1])
    q = c1.text_input(t("rooms.search"), key="mr_q", help=t("rooms.search_help"), max_chars=100).strip()
    near = c2.text_input(t("rooms.near"), key="mr_near", help=t("rooms.near_help"), max_chars=200).strip()
    c3, c4, c5, c6 = st.columns(4)
    crs = c3.selectbox(t("rooms.near_crs"), list(coords.CRS)[::-1][::-1], key="mr_crs",
                       format_func=lambda c: t(f"rooms.crs_{c}"), index=1)
    n_near = c4.slider(t("rooms.n_nearest"), 1, 50, 10, key="mr_n")
    radius_km = c5.slider(t("rooms.radius"), 1, 100, 20, key="mr_radius")
    prov = c6.selectbox(t("rooms.province"), [""] + list(prov_label), key="mr_prov",
                        format_func=lambda c: prov_label.get(c, t("rooms.national")))
    with st.expander(t("rooms.filters"), expanded=False):
        kinds = st.multiselect(t("rooms.kinds"), list(rooms.KINDS), key="mr_kinds",
                               format_func=lambda k: t(f"rooms.kind_{k}"))
        amen = st.multiselect(t("rooms.amenities"), list(rooms.AMENITIES), key="mr_amen",
                              format_func=lambda a: t(f"rooms.am_{a}"))
        d1, d2, d3 = st.columns(3)
        is_open = d1.toggle(t("rooms.open_now"), key="mr_open")
        digital = d2.toggle(t("rooms.digital"), key="mr_digital")
        navigable = d3.toggle(t("rooms.navigable"), key="mr_nav")
    for k, v in (("mr_q", q), ("mr_near", near), ("mr_prov", prov)):
        if v:
            qp[k] = v
        elif k in qp:
            del qp[k]
    if set(kinds) != set(rooms.KINDS):
        qp["mr_kind"] = ",".join(kinds)
    elif "mr_kind" in qp:
        del qp["mr_kind"]

    flt = rooms.RoomFilter(kinds=tuple(kinds), amenities=tuple(amen), open_now=is_open, digital_only=digital,
                           navigable_only=navigable, now=now)
    params = flt.params()
    provinces = [prov] if prov else list(f.provinces)
    centre = None
    if near:
        regions = {r.adcode: (r.lon if r.lon == r.lon else None, r.lat, r.name_zh) for r in names.itertuples()}
        try:
            lon, lat, how = rooms.locate(near, crs, regions)
        except rooms.LocateError as e:
            st.warning(t(e.key))
            st.stop()
        centre = (lon, lat)
        if how == "point_swapped":
            st.info(t("rooms.near_swapped"))
        elif how.startswith("address:"):
            st.info(t("rooms.located_address", name=how.split(":", 1)[1]))
        res = data.q("rooms_nearest", lon=lon, lat=lat, n=n_near, radius_m=radius_km * 1000.0, origins=origins,
                     **params)
        heading = t("rooms.nearest", n=len(res), where=near[:40])
        view = (lon, lat, 12.5)
    else:
        res = data.q("rooms_search", q=q, provinces=provinces, origins=origins, limit=rooms.POINT_LIMIT + 1, **params)
        heading = None
        view = (104.0, 36.0, 2.9)
    if kinds == []:
        st.info(t("rooms.none"))
        st.stop()

    cells = None
    show_points = bool(near or q or prov) or len(res) <= rooms.POINT_LIMIT
    if not show_points:
        grid = data.q("rooms_grid", cell=rooms.GRID_CELL, provinces=provinces, origins=origins, kinds=list(kinds))
        cells = grid.assign(tip=[f"{t('rooms.results', n=int(n))}" for n in grid["rooms"]]).to_dict("records")
        st.caption(t("rooms.map_cells", cell=rooms.GRID_CELL, n=len(grid)))
    if prov and not near:
        p = provs[provs["adcode"] == prov].iloc[0]
        view = (float(p["lon"]), float(p["lat"]), 6.0)
    pts = rooms.describe(res.head(rooms.POINT_LIMIT), lg, now, t) if show_points else None

    left, right = st.columns([3, 2])
    with left:
        event = st.pydeck_chart(deck(pts, cells, prov or None, view, centre=centre), on_select="rerun",
                                selection_mode="single-object", key="mr_map",
                                height=520)
    with right:
        picked = None
        try:
            objs = event.selection.objects.get("rooms") or []
            picked = objs[0] if objs else None
        except AttributeError:
            picked = None
        st.subheader(t("rooms.details"))
        if picked is None and near and pts:
            picked = pts[0]
        if picked is None:
            st.caption(t("rooms.pick_hint"))
        else:
            st.markdown(f"**{picked['name']}**  \n{picked['address']}")
            st.markdown(f"{picked['kind_label']} · {picked['open_label']} · {picked['hours_label']}")
            st.markdown(picked["amenities_label"] or "—")
            if picked.get("distance_m") is not None:
                st.metric(t("rooms.distance"), f"{picked['distance_m'] / 1000:.2f} km")
            st.link_button(t("rooms.navigate_amap"), coords.amap_nav_url(picked["lon"], picked["lat"], picked["name"]))
            st.link_button(t("rooms.navigate_baidu"),
                           coords.baidu_nav_url(picked["lon"], picked["lat"], picked["name"]))

    if res.empty:
        st.info(t("rooms.none"))
        st.stop()
    if heading:
        st.subheader(heading)
    shown = res.head(500)
    total = len(res) if len(res) <= rooms.POINT_LIMIT else int(data.q(
        "rooms_count", provinces=provinces, origins=origins, kinds=list(kinds))["rooms"].iloc[0])
    st.caption(t("rooms.results_more", n=total, shown=len(shown)) if total > len(shown)
               else t("rooms.results", n=total))
    desc = pd.DataFrame(rooms.describe(shown, lg, now, t))
    table = pd.DataFrame({
        t("rooms.name"): desc["name"], t("rooms.address"): desc["address"], t("rooms.kind"): desc["kind_label"],
        t("rooms.amenities"): desc["amenities_label"], t("rooms.hours"): desc["hours_label"],
        t("rooms.open_now"): desc["open_label"],
    })
    if "distance_m" in desc:
        table.insert(0, t("rooms.distance"), (desc["distance_m"] / 1000).round(2).astype(str) + " km")
    table[t("rooms.navigate_amap")] = [coords.amap_nav_url(r["lon"], r["lat"], r["name"]) for r in desc.to_dict("records")]
    table["origin"] = desc["origin"]
    st.dataframe(table.drop(columns=["origin"]), hide_index=True, width="stretch",
                 column_config={t("rooms.navigate_amap"): st.column_config.LinkColumn(display_text="🧭")})
    ui.origin_caption(desc["origin"])
    ui.downloads(table, "mother_rooms_near" if near else "mother_rooms", {"origin": t("origin.column")}, key="rooms")

if view_choice == "coverage":
    st.caption(t("rooms.coverage_caption"))
    g1, g2 = st.columns(2)
    cov_prov = g1.selectbox(t("rooms.province"), list(prov_label)[:31] if len(prov_label) > 31 else list(prov_label),
                            key="mr_cov_prov", format_func=lambda c: prov_label.get(c, c),
                            index=list(prov_label).index("410000") if "410000" in prov_label else 0)
    gap_km = g2.slider(t("rooms.gap_radius"), 0.5, 20.0, 1.0, 0.5, key="mr_gap")
    cov = data.q("rooms_coverage_districts", province=cov_prov, origins=origins)
    if cov.empty:
        st.info(t("common.no_data"))
    else:
        gaps = cov[cov["nearest_m"].isna() | (cov["nearest_m"] > gap_km * 1000)]
        st.subheader(t("rooms.gaps", n=len(gaps), km=gap_km))
        p = provs[provs["adcode"] == cov_prov].iloc[0]
        gap_rows = gaps.assign(tip=gaps["name_zh"] + " · " + (gaps["nearest_m"] / 1000).round(1).astype(str) + " km")
        st.pydeck_chart(deck(None, None, cov_prov, (float(p["lon"]), float(p["lat"]), 6.0),
                             gaps=gap_rows.to_dict("records")), key="mr_cov_map", height=420)
        ctab = pd.DataFrame({
            t("rooms.district"): cov["name_en" if lg == "en" else "name_zh"],
            t("common.city"): data.region_label(cov["city_code"], lg),
            t("rooms.results", n="").strip() or "rooms": cov["rooms"],
            t("rooms.women"): cov["women_members"], t("rooms.per_10k"): cov["rooms_per_10k"],
            t("rooms.nearest_km"): (cov["nearest_m"] / 1000).round(2),
            "origin": cov["origin"],
        })
        st.dataframe(ctab.drop(columns=["origin"]), hide_index=True, width="stretch")
        ui.origin_caption(cov["origin"])
        ui.downloads(ctab, f"mother_room_coverage_{cov_prov}", {"origin": t("origin.column")}, key="coverage")
