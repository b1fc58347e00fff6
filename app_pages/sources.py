"""数据来源 Sources: every reported figure of the source document with its quote."""

import streamlit as st

from jinguo.text import fmt
from jinguo.views.facts import facts_table
from jinguo.web import data, downloads, frame, origins

f = frame.filters()
lg = f.lang
st.title(frame.tr("src.title"))
st.caption(frame.tr("src.caption"))

facts_all = data.q("reported_facts", q="")
fact_id = st.query_params.get("src_fact")
if fact_id and fact_id not in set(facts_all["fact_id"]):
    st.warning(frame.tr("src.fact_missing", value=fact_id[:40]))
    fact_id = None
if "src_q" not in st.session_state:
    st.session_state["src_q"] = st.query_params.get("src_q", "")[:100]
text = st.text_input(frame.tr("src.search"), key="src_q", help=frame.tr("src.search_help"), max_chars=100)
if text:
    st.query_params["src_q"] = text
elif "src_q" in st.query_params:
    del st.query_params["src_q"]

facts = data.q("reported_facts", q=text.strip())
if fact_id:
    st.subheader(frame.tr("src.fact"))
    facts = facts_all[facts_all["fact_id"] == fact_id]
    if st.button(frame.tr("src.show_all")):
        del st.query_params["src_fact"]
        st.rerun()
if facts.empty:
    st.info(frame.tr("src.none", q=text))
    st.stop()

table = facts_table(facts, lg)
st.caption(frame.tr("src.count", n=len(table)))
st.dataframe(table, hide_index=True, width="stretch",
             column_config={frame.tr("common.quote"): st.column_config.TextColumn(width="large")})
origins.origin_caption(facts["origin"])
downloads.downloads(table.rename(columns={frame.tr("origin.column"): "origin"}), "reported_facts",
             {"origin": frame.tr("origin.column")}, key="sources")
if len(facts) <= 3:
    for r in facts.itertuples():
        assumed = r.assumption_en if lg == "en" else r.assumption_zh
        st.markdown(f"> {r.quote}\n>\n> — {r.reporter}（{fmt.with_unit(r.value, r.unit, lg)}）"
                    + (f"\n\n{frame.tr('src.col_assumed')}: {assumed}" if assumed else ""))
