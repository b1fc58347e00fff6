"""创新工作室 Innovation studios: by level, province and industry; outputs in total and per studio;
the studios with their leads and employers."""

import streamlit as st

from jinguo.views import studios
from jinguo.views.studios import MEASURES, measure_label
from jinguo.web import briefing, downloads, frame, origins, pageview

f = frame.filters()
frame.require_origins(f)
lg, t = f.lang, frame.tr
st.title(t("st.title"))
st.caption(t("st.caption", year=f.year_to))
v = pageview.view("studios", f)   # the outputs chart is drawn by its fragment below
if not v.kpis:
    st.info(t("common.no_data"))
    st.stop()
pageview.kpis(v, per_row=len(v.kpis))

left, right = st.columns(2)
with left:
    st.subheader(t("st.by_province"))
    st.plotly_chart(v.chart("st_prov").figure, key="st_prov")
    pageview.table_downloads(v, "st_prov", caption=False)
with right:
    st.subheader(t("st.by_industry"))
    st.plotly_chart(v.chart("st_ind").figure, key="st_ind")
    pageview.table_downloads(v, "st_ind", caption=False)

live = pageview.live_params("studios")


@st.fragment
def outputs() -> None:
    """Outputs by year: changing the measure or per-studio reruns only this part."""
    st.subheader(t("st.outputs"))
    measure = st.segmented_control(t("mm.measure"), MEASURES, default="trainees",
                                   format_func=lambda m: measure_label(m, lg), key="st_measure") or "trainees"
    per = st.toggle(t("st.per_studio"), key="st_per")
    live.update(measure=measure, per_studio=per)
    chart, table = pageview.part(studios.outputs, f, measure=measure, per_studio=per)
    st.plotly_chart(chart.figure, key="st_out")
    origins.origin_caption(chart.origin)
    downloads.downloads(table.frame, table.what, table.headers, key="st_out")


outputs()
st.subheader(t("st.list"))
tb = v.table("st_list")
st.dataframe(tb.frame.drop(columns=["origin"]).rename(columns=tb.headers), hide_index=True, width="stretch")
st.caption(t("st.list_note"))
pageview.table_downloads(v, "st_list")
briefing.brief_buttons(v, live)
