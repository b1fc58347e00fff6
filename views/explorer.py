"""指标浏览 Indicator explorer: any indicator of the catalogue by province and year, as map, bar, line or table."""

import pandas as pd
import streamlit as st

from jinguo import charts, data, ui

f = ui.filters()
ui.require_origins(f)
lg, t = f.lang, ui.tr
st.title(t("ex.title"))
st.caption(t("ex.caption"))
cat = data.q("indicator_catalogue")
name_col, unit_col = ("name_en", "unit_en") if lg == "en" else ("name_zh", "unit_zh")
label = dict(zip(cat["code"], cat[name_col]))
unit = dict(zip(cat["code"], cat[unit_col]))
VIEWS = ("map", "bar", "line", "table")

ind = st.query_params.get("ex_ind", "og_orgs")
if ind not in label:
    st.warning(t("overview.bad_indicator", value=ind[:40]))
    ind = "og_orgs"
view = st.query_params.get("ex_view", "map")
if view not in VIEWS:
    st.warning(t("ex.bad_view", value=view[:20]))
    view = "map"
themes = list(dict.fromkeys(cat["theme"]))
c1, c2, c3 = st.columns([1, 2, 2])
theme = c1.selectbox(t("ex.theme"), themes, index=themes.index(cat.set_index("code").loc[ind, "theme"]),
                     format_func=lambda x: t(f"ex.theme_{x}"), key="ex_theme")
codes = list(cat.loc[cat["theme"] == theme, "code"])
ind = c2.selectbox(t("overview.indicator"), codes, index=codes.index(ind) if ind in codes else 0,
                   format_func=lambda c: label[c], key="ex_ind_box")
view = c3.segmented_control(t("ex.view"), VIEWS, default=view, format_func=lambda v: t(f"ex.view_{v}"),
                            key="ex_view_box") or "map"
st.query_params["ex_ind"], st.query_params["ex_view"] = ind, view
agg = cat.set_index("code").loc[ind, "agg"]
st.caption(t(f"ex.agg_{agg}"))

args = dict(indicators=[ind], provinces=list(f.provinces), origins=list(f.origins), year_from=f.year_from,
            year_to=f.year_to)
HEAD = {"province_code": t("common.adcode"), "label": t("common.province"), "year": t("common.year"),
        "value": label[ind], "rank": t("common.rank"), "share_pct": t("common.share"), "yoy_pct": t("common.yoy"),
        "region_code": t("common.adcode"), "origin": t("origin.column")}
if view == "line":
    df = data.q("indicator_by_year", **args)
    df = df[df["province_code"] != "100000"] if not f.all_provinces else df
    if df.empty:
        st.info(t("common.no_data"))
        st.stop()
    df["label"] = data.region_label(df["province_code"], lg)
    st.plotly_chart(charts.trend(df, "year", "value", "label", unit[ind], lg, label[ind]), key="ex_line")
    out = df[["province_code", "label", "year", "value", "yoy_pct", "origin"]]
else:
    df = data.q("indicator_by_period", **args)
    prov = df[df["province_code"] != "100000"].copy()
    if prov.empty:
        st.info(t("common.no_data"))
        st.stop()
    prov["label"] = data.region_label(prov["province_code"], lg)
    prov = prov.sort_values("value", ascending=False)
    title = f"{label[ind]}, {f.year_from}–{f.year_to}"
    if view == "map":
        st.plotly_chart(charts.china_map(prov, "value", "label", unit[ind], lg, title), key="ex_map")
    elif view == "bar":
        st.plotly_chart(charts.bars(prov, "label", "value", unit[ind], lg, title), key="ex_bar")
    else:
        st.dataframe(prov[["province_code", "label", "value", "rank", "share_pct", "origin"]].rename(columns=HEAD),
                     hide_index=True, width="stretch")
    out = prov[["province_code", "label", "value", "rank", "share_pct", "origin"]]
ui.origin_caption(out["origin"])
ui.downloads(out, f"indicator_{ind}_by_{'year' if view == 'line' else 'province'}", HEAD, key="ex_main")

facts = data.q("reported_facts_for", indicator=ind)
if not facts.empty:
    st.markdown(t("overview.reported_links") + " " +
                " · ".join(f"[📄 {r.fact_id}](/sources?src_fact={r.fact_id})" for r in facts.itertuples()))

st.subheader(t("ex.cities"))
pcodes = list(data.region_names().query("level == 'province' and adcode in @f.provinces")["adcode"])
pick = st.selectbox(t("common.province"), [""] + pcodes, key="ex_city_prov",
                    format_func=lambda c: data.region_label(pd.Series([c]), lg).iloc[0] if c else "—")
if pick:
    cities = data.q("indicator_by_city", indicators=[ind], province=pick, origins=list(f.origins),
                    year_from=f.year_from, year_to=f.year_to)
    if cities.empty:
        st.info(t("common.no_data"))
    else:
        cities["label"] = data.region_label(cities["region_code"], lg)
        st.plotly_chart(charts.bars(cities, "label", "value", unit[ind], lg), key="ex_city")
        ui.downloads(cities[["region_code", "label", "value", "origin"]], f"indicator_{ind}_by_city_{pick}",
                     {**HEAD, "label": t("common.city")}, key="ex_city")
