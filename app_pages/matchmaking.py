"""婚恋交友 Matchmaking: events, participants, matched pairs and match rate; formats, session types,
the funnel, reported cases, province -> city drill-down."""

import urllib.parse

import pandas as pd
import streamlit as st

from jinguo.text import fmt
from jinguo.views import matchmaking
from jinguo.views.matchmaking import MEASURES
from jinguo.web import briefing, frame, origins, pageview
from jinguo.web.escape import md_escape

f = frame.filters()
frame.require_origins(f)
lg, t = f.lang, frame.tr
st.title(t("mm.title"))
st.caption(t("mm.caption"))
url = pageview.url_params()
drill = url.get("mm_prov", set(f.provinces), None, "url.bad_province")
v = pageview.view("matchmaking", f, drill=drill)   # the trend is drawn by its fragment below
if not v.kpis:
    st.info(t("common.no_data"))
    st.stop()
pageview.kpis(v)
for note in v.notes:
    st.caption(note)

live = pageview.live_params("matchmaking", drill=drill)


@st.fragment
def by_year() -> None:
    """The yearly trend: changing the measure reruns only this part."""
    st.subheader(t("mm.by_year"))
    measure = st.segmented_control(t("mm.measure"), MEASURES, default="events", format_func=lambda m: t(f"mm.{m}"),
                                   key="mm_measure") or "events"
    live["measure"] = measure
    chart = pageview.part(matchmaking.trend, f, measure=measure, where=v.where)
    st.plotly_chart(chart.figure, key="mm_trend")
    origins.origin_caption(chart.origin)


by_year()

left, right = st.columns(2)
with left:
    st.subheader(t("mm.by_format"))
    st.plotly_chart(v.chart("mm_format").figure, key="mm_format")
    pageview.table_downloads(v, "mm_format", caption=False)
with right:
    st.subheader(t("mm.funnel"))
    if v.chart("mm_funnel"):   # not when the selection's total is a withheld small cell
        st.plotly_chart(v.chart("mm_funnel").figure, key="mm_funnel")
        st.caption(t("mm.funnel_help"))
st.subheader(t("mm.by_session"))
st.plotly_chart(v.chart("mm_session").figure, key="mm_session")
pageview.table_downloads(v, "mm_session", caption=False)

st.subheader(t("mm.by_province"))
tb = v.table("mm_prov")
st.dataframe(tb.frame.rename(columns=tb.headers), hide_index=True, width="stretch")
pageview.table_downloads(v, "mm_prov", caption=False)

names = v.extra["province_labels"]
codes = list(names)
pick = st.selectbox(t("mm.drill"), [""] + codes, index=(codes.index(drill) + 1) if drill in codes else 0,
                    format_func=lambda c: names.get(c, "—"), key="mm_drill")
if (pick or None) != drill:
    url.set("mm_prov", pick or None)
    st.rerun()
if v.chart("mm_city"):
    st.plotly_chart(v.chart("mm_city").figure, key="mm_city")
    pageview.table_downloads(v, "mm_city", caption=False)

st.subheader(t("mm.cases"))
cases, facts = v.extra["cases"], v.facts.set_index("fact_id")
if cases.empty:
    st.caption(t("common.no_data"))
for r in cases.itertuples():
    with st.container(border=True):
        st.markdown(f"**📄 {md_escape(r.organiser)} · {pd.Timestamp(r.event_date):%Y-%m} · {t('mm.format_' + r.format)}**")
        k = st.columns(5)
        k[0].metric(t("mm.matchmakers"), r.matchmakers)
        k[1].metric(t("mm.units"), r.units)
        k[2].metric(t("mm.participants"), r.participants)
        k[3].metric(t("mm.pairs"), r.pairs)
        k[4].metric(t("mm.match_rate"), fmt.percent(r.match_rate))
        if r.fact_id in facts.index:
            st.markdown(f"> {facts.loc[r.fact_id, 'quote']}\n>\n> — {facts.loc[r.fact_id, 'reporter']}")
            st.markdown(f"[{t('mm.source_link')}](/sources?src_q={urllib.parse.quote(str(r.organiser)[:3])})")
        st.caption(t("mm.case_note"))
briefing.brief_buttons(v, live)
