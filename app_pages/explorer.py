"""指标浏览 Indicator explorer: any indicator of the catalogue by province and year, as map, bar, line or table."""

import streamlit as st

from jinguo.views import explorer
from jinguo.views.explorer import VIEWS
from jinguo.web import briefing, data, downloads, frame, pageview

f = frame.filters()
frame.require_origins(f)
lg, t = f.lang, frame.tr
st.title(t("ex.title"))
st.caption(t("ex.caption"))
cat = data.q("indicator_catalogue")
label = dict(zip(cat["code"], cat["name_en" if lg == "en" else "name_zh"]))
url = pageview.url_params()
ind = url.get("ex_ind", set(label), "og_orgs", "overview.bad_indicator")
view = url.get("ex_view", set(VIEWS), "map", "ex.bad_view")
themes = list(dict.fromkeys(cat["theme"]))
c1, c2, c3 = st.columns([1, 2, 2])
theme = c1.selectbox(t("ex.theme"), themes, index=themes.index(cat.set_index("code").loc[ind, "theme"]),
                     format_func=lambda x: t(f"ex.theme_{x}"), key="ex_theme")
codes = list(cat.loc[cat["theme"] == theme, "code"])
ind = c2.selectbox(t("overview.indicator"), codes, index=codes.index(ind) if ind in codes else 0,
                   format_func=lambda c: label[c], key="ex_ind_box")
view = c3.segmented_control(t("ex.view"), VIEWS, default=view, format_func=lambda v: t(f"ex.view_{v}"),
                            key="ex_view_box") or "map"
url.set("ex_ind", ind)
url.set("ex_view", view)
v = pageview.view("explorer", f, ind=ind, view=view)
st.caption(t(f"ex.agg_{v.extra['agg']}"))
main = v.table("ex_main")
if main is None:
    st.info(t("common.no_data"))
    st.stop()
for c in v.charts:
    st.plotly_chart(c.figure, key=c.key)
if main.shown:
    st.dataframe(main.frame.rename(columns=main.headers), hide_index=True, width="stretch")
pageview.table_downloads(v, "ex_main")

if not v.facts.empty:
    st.markdown(t("overview.reported_links") + " " +
                " · ".join(f"[📄 {r.fact_id}](/sources?src_fact={r.fact_id})" for r in v.facts.itertuples()))


@st.fragment
def city_section() -> None:
    """One province's cities (and the briefing of the view with them): picking a province reruns only
    this part of the page."""
    st.subheader(t("ex.cities"))
    pick = st.selectbox(t("common.province"), [""] + list(f.provinces), key="ex_city_prov",
                        format_func=lambda c: pageview.province_label(c, lg) if c else "—")
    if pick:
        city = pageview.part(explorer.cities, f, ind=ind, province=pick)
        if city is None:
            st.info(t("common.no_data"))
        else:
            st.plotly_chart(city[0].figure, key="ex_city")
            downloads.downloads(city[1].frame, city[1].what, city[1].headers, key="ex_city")
    briefing.brief_buttons(v, ind=ind, view=view, city_province=pick or None)


city_section()
