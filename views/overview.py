"""总览 Overview: headline KPIs, a map of China by province, trends, top and bottom provinces."""

import pandas as pd
import streamlit as st

from jinguo import charts, data, fmt, ui

f = ui.filters()
ui.require_origins(f)
lg = f.lang
t = ui.tr
st.title(t("overview.title"))
st.caption(t("overview.caption", year_from=f.year_from, year_to=f.year_to))
st.info(t("app.demo_banner"))

cat = data.q("indicator_catalogue")
name_col, unit_col = ("name_en", "unit_en") if lg == "en" else ("name_zh", "unit_zh")
label = dict(zip(cat["code"], cat[name_col]))
unit = dict(zip(cat["code"], cat[unit_col]))
provinces = list(f.provinces)

# Page-local state from the URL: indicator and drill-down province.
ind = st.query_params.get("ov_ind", "mm_events")
if ind not in label:
    st.warning(t("overview.bad_indicator", value=ind[:40]))
    ind = "mm_events"
drill = st.query_params.get("ov_prov")
if drill and drill not in provinces:
    st.warning(t("url.bad_province", value=drill[:20]))
    drill = None

heads = cat[cat["headline"]]
kpi_scope = [drill] if drill else provinces
df = data.q("indicator_by_year", indicators=list(heads["code"]), provinces=kpi_scope, origins=list(f.origins),
            year_from=f.year_from, year_to=f.year_to)
if df.empty:
    st.info(t("common.no_data"))
    st.stop()
nat = df[(df["province_code"] == "100000") & (df["year"] == f.year_to)].set_index("indicator_code")
where = data.region_label(pd.Series([drill]), lg).iloc[0] if drill else t("common.national")
st.subheader(t("overview.kpi_header", year=f.year_to) + f" · {where}")
if drill and st.button(t("overview.back"), key="ov_back"):
    del st.query_params["ov_prov"]
    st.rerun()
cols = st.columns(4)
for i, row in enumerate(heads.itertuples()):
    if row.code not in nat.index:
        continue
    r = nat.loc[row.code]
    cols[i % 4].metric(getattr(row, name_col), fmt.with_unit(r["value"], getattr(row, unit_col), lg),
                       delta=fmt.change(r["yoy_pct"]) if r["yoy_pct"] == r["yoy_pct"] else None,
                       help=f"{t('common.yoy')} · {ui.origin_label(r['origin'])}")
ui.origin_caption(nat["origin"])

st.divider()
codes = list(cat["code"])
chosen = st.selectbox(t("overview.indicator"), codes, index=codes.index(ind), format_func=lambda c: label[c],
                      key="ov_ind_box")
if chosen != ind:
    st.query_params["ov_ind"] = chosen
    ind = chosen
per = data.q("indicator_by_period", indicators=[ind], provinces=provinces, origins=list(f.origins),
             year_from=f.year_from, year_to=f.year_to)
prov_rows = per[per["province_code"] != "100000"].copy()
if prov_rows.empty:
    st.info(t("common.no_data"))
    st.stop()
prov_rows["label"] = data.region_label(prov_rows["province_code"], lg)
left, right = st.columns([3, 2])
with left:
    fig = charts.china_map(prov_rows, "value", "label", unit[ind], lg,
                           t("overview.map_title", name=label[ind], year_from=f.year_from, year_to=f.year_to),
                           selected=drill)
    ev = st.plotly_chart(fig, on_select="rerun", selection_mode="points", key="ov_map")
    st.caption(t("overview.click_hint"))
with right:
    top, bottom = charts.top_bottom(prov_rows, "value")
    ev_top = st.plotly_chart(charts.bars(top, "label", "value", unit[ind], lg, t("overview.top"),
                                         key_col="province_code"), on_select="rerun", key="ov_top")
    ev_bottom = st.plotly_chart(charts.bars(bottom, "label", "value", unit[ind], lg, t("overview.bottom"),
                                            key_col="province_code"), on_select="rerun", key="ov_bottom")
for e in (ev, ev_top, ev_bottom):
    code = charts.selected_code(e)
    if code and code != drill and code in provinces:
        st.query_params["ov_prov"] = code
        st.rerun()
ui.origin_caption(prov_rows["origin"])
extract = prov_rows[["province_code", "label", "value", "rank", "share_pct", "origin"]]
ui.downloads(extract, f"overview_{ind}_by_province",
             {"province_code": t("common.adcode"), "label": t("common.province"), "value": label[ind],
              "rank": t("common.rank"), "share_pct": t("common.share"), "origin": t("origin.column")}, key="ov_map")

st.divider()
years = data.q("indicator_by_year", indicators=[ind], provinces=provinces, origins=list(f.origins),
               year_from=f.year_from, year_to=f.year_to)
series = years[years["province_code"].isin(["100000"] + ([drill] if drill else []))].copy()
series["series"] = data.region_label(series["province_code"], lg)
facts = data.q("reported_facts_for", indicator=ind)
facts = facts[facts["region_code"].isin(series["province_code"])]
rep = None
if not facts.empty:
    rep = facts.assign(year=facts["period_end"].dt.year,
                       text=[f"📄 {r.reporter}: {fmt.with_unit(r.value, r.unit, lg)}<br>{r.quote[:60]}…"
                             + (f"<br>{a}" if (a := r.assumption_en if lg == "en" else r.assumption_zh) else "")
                             for r in facts.itertuples()])
    # A multi-year flow is a total over its period: mark it only where a yearly point is comparable.
    rep = rep[(rep["period_start"].dt.year == rep["period_end"].dt.year)]
st.plotly_chart(charts.trend(series, "year", "value", "series", unit[ind], lg,
                             t("overview.trend", name=label[ind]), reported=rep,
                             reported_label=t("origin.reported")), key="ov_trend")
ui.origin_caption(series["origin"])
if not facts.empty:
    links = " · ".join(f"[📄 {r.fact_id}](/sources?src_fact={r.fact_id})" for r in facts.itertuples())
    st.markdown(t("overview.reported_links") + " " + links)
ui.downloads(series[["province_code", "series", "year", "value", "yoy_pct", "origin"]],
             f"overview_{ind}_by_year",
             {"province_code": t("common.adcode"), "series": t("common.province"), "year": t("common.year"),
              "value": label[ind], "yoy_pct": t("common.yoy"), "origin": t("origin.column")}, key="ov_trend")
