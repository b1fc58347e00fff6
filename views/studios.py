"""创新工作室 Innovation studios: by level, province and industry; outputs in total and per studio;
the studios with their leads and employers."""

import streamlit as st

from jinguo import charts, data, fmt, ui

f = ui.filters()
ui.require_origins(f)
lg, t = f.lang, ui.tr
st.title(t("st.title"))
st.caption(t("st.caption", year=f.year_to))
base = dict(provinces=list(f.provinces), origins=list(f.origins))
levels = data.q("studios_by_province_level", year_to=f.year_to, **base)
if levels.empty:
    st.info(t("common.no_data"))
    st.stop()
by_level = levels.groupby("level", as_index=False)["studios"].sum()
cols = st.columns(len(by_level) + 1)
cols[0].metric(t("st.total"), fmt.number(int(by_level["studios"].sum()), lg))
for i, r in enumerate(by_level.itertuples(), start=1):
    cols[i].metric(t(f"st.level_{r.level}"), fmt.number(int(r.studios), lg))
ui.origin_caption(levels["origin"])

HEAD = {"province_code": t("common.adcode"), "label": t("common.province"), "level": t("st.level"),
        "studios": t("st.studios"), "industry": t("st.industry"), "year": t("common.year"),
        "patents": t("st.patents"), "problems_solved": t("st.problems"), "awards": t("st.awards"),
        "trainings": t("st.trainings"), "trainees": t("st.trainees"), "talents": t("st.talents"),
        "origin": t("origin.column")}

left, right = st.columns(2)
with left:
    st.subheader(t("st.by_province"))
    pv = levels.groupby("province_code", as_index=False).agg(
        studios=("studios", "sum"), origin=("origin", lambda s: "+".join(sorted({o for x in s for o in x.split("+")}))))
    pv["label"] = data.region_label(pv["province_code"], lg)
    pv = pv.sort_values("studios", ascending=False)
    st.plotly_chart(charts.bars(pv.head(15), "label", "studios", t("st.unit"), lg), key="st_prov")
    ui.downloads(pv[["province_code", "label", "studios", "origin"]], "studios_by_province", HEAD, key="st_prov")
with right:
    st.subheader(t("st.by_industry"))
    ind = data.q("studios_by_industry", year_to=f.year_to, **base)
    st.plotly_chart(charts.bars(ind, "industry", "studios", t("st.unit"), lg), key="st_ind")
    ui.downloads(ind, "studios_by_industry", HEAD, key="st_ind")

st.subheader(t("st.outputs"))
out = data.q("studio_outputs_by_year", year_from=f.year_from, year_to=f.year_to, **base)
measure = st.segmented_control(t("mm.measure"), ["trainings", "trainees", "talents", "patents", "awards",
                                                 "problems_solved"], default="trainees",
                               format_func=lambda m: t(f"st.{'problems' if m == 'problems_solved' else m}"),
                               key="st_measure") or "trainees"
per_studio = st.toggle(t("st.per_studio"), key="st_per")
col = f"{measure}_per_studio" if per_studio and f"{measure}_per_studio" in out else measure
if per_studio and col == measure:
    out = out.assign(**{f"{measure}_ps": (out[measure] / out["studios"]).round(2)})
    col = f"{measure}_ps"
out["series"] = t("st.per_studio") if per_studio else t("st.total")
st.plotly_chart(charts.trend(out, "year", col, "series", "", lg), key="st_out")
ui.origin_caption(out["origin"])
ui.downloads(out.drop(columns=["series"]), "studio_outputs_by_year", HEAD, key="st_out")

st.subheader(t("st.list"))
lst = data.q("studio_list", year_from=f.year_from, year_to=f.year_to, limit=2000, **base)
lst["province"] = data.region_label(lst["province_code"], lg)
lst["level"] = [t(f"st.level_{v}") for v in lst["level"]]
lst["named"] = lst["fact_id"].notna().map({True: "📄", False: ""})
show = lst[["named", "name", "lead", "employer", "province", "level", "industry", "founded_year", "trainings",
            "trainees", "talents", "patents", "awards", "origin"]]
st.dataframe(show.drop(columns=["origin"]).rename(columns={
    "named": t("st.named"), "name": t("st.name"), "lead": t("st.lead"), "employer": t("st.employer"),
    "province": t("common.province"), "founded_year": t("st.founded"), **HEAD}), hide_index=True, width="stretch")
st.caption(t("st.list_note"))
ui.origin_caption(lst["origin"])
ui.downloads(show, "studios", {**HEAD, "named": t("st.named"), "name": t("st.name"), "lead": t("st.lead"),
                               "employer": t("st.employer"), "province": t("common.province"),
                               "founded_year": t("st.founded")}, key="st_list")
