"""总览 Overview: headline KPIs, a map of China by province, trends, top and bottom provinces."""

import streamlit as st

from jinguo.views import charts
from jinguo.web import briefing, data, frame, origins, pageview

f = frame.filters()
frame.require_origins(f)
lg, t = f.lang, frame.tr
st.title(t("overview.title"))
st.caption(t("overview.caption", year_from=f.year_from, year_to=f.year_to))
origins.data_banner()

url = pageview.url_params()
cat = data.q("indicator_catalogue")
ind = url.get("ov_ind", set(cat["code"]), "mm_events", "overview.bad_indicator")
drill = url.get("ov_prov", set(f.provinces), None, "url.bad_province")
v = pageview.view("overview", f, ind=ind, drill=drill)
if not v.kpis and not v.charts:
    st.info(t("common.no_data"))
    st.stop()
st.subheader(t("overview.kpi_header", year=f.year_to) + f" · {v.where}")
if drill and st.button(t("overview.back"), key="ov_back"):
    url.set("ov_prov", None)
    st.rerun()
pageview.kpis(v)

st.divider()
label = v.extra["label"]
codes = list(cat["code"])
chosen = st.selectbox(t("overview.indicator"), codes, index=codes.index(ind), format_func=lambda c: label[c],
                      key="ov_ind_box")
if chosen != ind:
    url.set("ov_ind", chosen, "mm_events")
    st.rerun()
if v.chart("ov_map") is None:
    st.info(t("common.no_data"))
    st.stop()
left, right = st.columns([3, 2])
with left:
    events = [st.plotly_chart(v.chart("ov_map").figure, on_select="rerun", selection_mode="points", key="ov_map")]
    st.caption(t("overview.click_hint"))
with right:
    events += [st.plotly_chart(c.figure, on_select="rerun", key=c.key) for c in v.charts
               if c.key in ("ov_top", "ov_bottom")]
for e in events:
    code = charts.selected_code(e)
    if code and code != drill and code in f.provinces:
        url.set("ov_prov", code)
        st.rerun()
pageview.table_downloads(v, "ov_map")

st.divider()
if v.chart("ov_trend"):
    st.plotly_chart(v.chart("ov_trend").figure, key="ov_trend")
    origins.origin_caption(v.chart("ov_trend").origin)
if not v.facts.empty:
    links = " · ".join(f"[📄 {r.fact_id}](/sources?src_fact={r.fact_id})" for r in v.facts.itertuples())
    st.markdown(t("overview.reported_links") + " " + links)
pageview.table_downloads(v, "ov_trend")
briefing.brief_buttons(v, ind=ind, drill=drill)
