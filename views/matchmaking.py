"""婚恋交友 Matchmaking: events, participants, matched pairs and match rate; formats, session types,
the funnel, reported cases, province -> city drill-down."""

import pandas as pd
import streamlit as st

from jinguo import charts, data, fmt, i18n, ui

f = ui.filters()
ui.require_origins(f)
lg, t = f.lang, ui.tr
st.title(t("mm.title"))
st.caption(t("mm.caption"))
base = dict(provinces=list(f.provinces), origins=list(f.origins), year_from=f.year_from, year_to=f.year_to)
df = data.q("matchmaking_by_province_year", **base)
if df.empty:
    st.info(t("common.no_data"))
    st.stop()

tot = data.q("matchmaking_by_kind", by="format", **base)
events, part, pairs = int(tot["events"].sum()), int(tot["participants"].sum()), int(tot["pairs"].sum())
c = st.columns(4)
c[0].metric(t("mm.events"), fmt.number(events, lg))
c[1].metric(t("mm.participants"), fmt.number(part, lg))
c[2].metric(t("mm.pairs"), fmt.number(pairs, lg))
c[3].metric(t("mm.match_rate"), fmt.percent(200.0 * pairs / part if part else None), help=t("mm.rate_help"))
ui.origin_caption(tot["origin"])

HEAD = {"province_code": t("common.adcode"), "label": t("common.province"), "year": t("common.year"),
        "events": t("mm.events"), "participants": t("mm.participants"), "pairs": t("mm.pairs"),
        "match_rate": t("mm.match_rate"), "matchmakers": t("mm.matchmakers"), "units": t("mm.units"),
        "kind": t("mm.kind"), "city_code": t("common.adcode"), "origin": t("origin.column")}

st.subheader(t("mm.by_year"))
yearly = df.groupby("year", as_index=False)[["events", "participants", "pairs"]].sum()
yearly["series"] = t("common.national")
yearly["origin"] = "+".join(sorted({o for s in df["origin"] for o in s.split("+")}))
measure = st.segmented_control(t("mm.measure"), ["events", "participants", "pairs"], default="events",
                               format_func=lambda m: t(f"mm.{m}"), key="mm_measure") or "events"
st.plotly_chart(charts.trend(yearly, "year", measure, "series", t(f"mm.unit_{measure}"), lg), key="mm_trend")
ui.origin_caption(df["origin"])

left, right = st.columns(2)
with left:
    st.subheader(t("mm.by_format"))
    fm = tot.assign(label=[t(f"mm.format_{k}") for k in tot["kind"]])
    st.plotly_chart(charts.bars(fm, "label", "events", t("mm.unit_events"), lg), key="mm_format")
    ui.downloads(fm[["kind", "events", "participants", "pairs", "match_rate", "origin"]], "matchmaking_by_format",
                 HEAD, key="mm_format")
with right:
    st.subheader(t("mm.funnel"))
    st.plotly_chart(charts.funnel([t("mm.participants"), t("mm.matched_people")], [part, 2 * pairs], lg),
                    key="mm_funnel")
    st.caption(t("mm.funnel_help"))
st.subheader(t("mm.by_session"))
ss = data.q("matchmaking_by_kind", by="session_type", **base)
ss["label"] = [t(f"session.{k}") if i18n.has(f"session.{k}", lg) else k for k in ss["kind"]]
st.plotly_chart(charts.bars(ss, "label", "events", t("mm.unit_events"), lg), key="mm_session")
ui.downloads(ss[["kind", "label", "events", "participants", "pairs", "match_rate", "origin"]],
             "matchmaking_by_session_type", {**HEAD, "label": t("mm.kind")}, key="mm_session")

st.subheader(t("mm.by_province"))
prov = df.groupby("province_code", as_index=False).agg(
    events=("events", "sum"), participants=("participants", "sum"), pairs=("pairs", "sum"),
    origin=("origin", lambda s: "+".join(sorted({o for x in s for o in x.split("+")}))))
prov["match_rate"] = (200.0 * prov["pairs"] / prov["participants"]).round(1)
prov["label"] = data.region_label(prov["province_code"], lg)
prov = prov.sort_values("participants", ascending=False)
table = prov[["province_code", "label", "events", "participants", "pairs", "match_rate", "origin"]]
st.dataframe(table.rename(columns=HEAD), hide_index=True, width="stretch")
ui.downloads(table, "matchmaking_by_province", HEAD, key="mm_prov")

codes = list(prov["province_code"])
drill = st.query_params.get("mm_prov")
if drill and drill not in codes:
    st.warning(t("url.bad_province", value=drill[:20]))
    drill = None
pick = st.selectbox(t("mm.drill"), [""] + codes, index=(codes.index(drill) + 1) if drill else 0,
                    format_func=lambda c: dict(zip(prov["province_code"], prov["label"])).get(c, "—"), key="mm_drill")
if pick:
    st.query_params["mm_prov"] = pick
    cities = data.q("matchmaking_by_city", province=pick, origins=list(f.origins), year_from=f.year_from,
                    year_to=f.year_to)
    cities["label"] = data.region_label(cities["city_code"], lg)
    st.plotly_chart(charts.bars(cities, "label", "participants", t("mm.unit_participants"), lg), key="mm_city")
    ctab = cities[["city_code", "label", "events", "participants", "pairs", "match_rate", "origin"]]
    ui.downloads(ctab, f"matchmaking_by_city_{pick}", {**HEAD, "label": t("common.city")}, key="mm_city")
elif "mm_prov" in st.query_params:
    del st.query_params["mm_prov"]

st.subheader(t("mm.cases"))
cases = data.q("matchmaking_reported_events")
facts = data.q("reported_facts", q="").set_index("fact_id")
if cases.empty:
    st.caption(t("common.no_data"))
for r in cases.itertuples():
    with st.container(border=True):
        st.markdown(f"**📄 {r.organiser} · {pd.Timestamp(r.event_date):%Y-%m} · {t('mm.format_' + r.format)}**")
        k = st.columns(5)
        k[0].metric(t("mm.matchmakers"), r.matchmakers)
        k[1].metric(t("mm.units"), r.units)
        k[2].metric(t("mm.participants"), r.participants)
        k[3].metric(t("mm.pairs"), r.pairs)
        k[4].metric(t("mm.match_rate"), fmt.percent(r.match_rate))
        if r.fact_id in facts.index:
            st.markdown(f"> {facts.loc[r.fact_id, 'quote']}\n>\n> — {facts.loc[r.fact_id, 'reporter']}")
            st.markdown(f"[{t('mm.source_link')}](/sources?src_q={r.organiser[:3]})")
        st.caption(t("mm.case_note"))
