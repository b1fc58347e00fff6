"""总览 Overview: headline indicators by province and year."""

import streamlit as st

from jinguo import data, fmt, ui

f = ui.filters()
ui.require_origins(f)
st.title(ui.tr("overview.title"))
st.caption(ui.tr("overview.caption", year_from=f.year_from, year_to=f.year_to))
st.info(ui.tr("app.demo_banner"))

cat = data.q("indicator_catalogue")
heads = cat[cat["headline"]]
df = data.q("indicator_by_year", indicators=list(heads["code"]), provinces=list(f.provinces),
            origins=list(f.origins), year_from=f.year_from, year_to=f.year_to)
if df.empty:
    st.info(ui.tr("common.no_data"))
    st.stop()
nat = df[(df["province_code"] == "100000") & (df["year"] == f.year_to)].set_index("indicator_code")
name_col, unit_col = ("name_en", "unit_en") if f.lang == "en" else ("name_zh", "unit_zh")
st.subheader(ui.tr("overview.kpi_header", year=f.year_to))
cols = st.columns(4)
for i, row in enumerate(heads.itertuples()):
    if row.code not in nat.index:
        continue
    r = nat.loc[row.code]
    cols[i % 4].metric(getattr(row, name_col), fmt.with_unit(r["value"], getattr(row, unit_col), f.lang),
                       delta=fmt.change(r["yoy_pct"]) if r["yoy_pct"] == r["yoy_pct"] else None,
                       help=ui.origin_label(r["origin"]))
ui.origin_caption(nat["origin"])
