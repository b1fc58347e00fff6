"""数据下载 Extracts: pick a table or rollup, filter it with the sidebar, preview it, download it."""

import streamlit as st

from jinguo.views import extracts
from jinguo.web import data, downloads, frame, origins

f = frame.filters()
frame.require_origins(f)
t = frame.tr
st.title(t("ext.title"))
st.caption(t("ext.caption"))
indicators = list(data.q("indicator_catalogue")["code"])
keys = [e.key for e in extracts.EXTRACTS]
want = st.query_params.get("ext", keys[0])
if want not in keys:
    st.warning(t("ext.bad", value=want[:30]))
    want = keys[0]
key = st.selectbox(t("ext.pick"), keys, index=keys.index(want), format_func=lambda k: t(f"ext.{k}"), key="ext_pick")
st.query_params["ext"] = key
spec = next(e for e in extracts.EXTRACTS if e.key == key)
limit = st.number_input(t("ext.limit"), 1000, 2_000_000, 200_000, step=100_000, key="ext_limit") if spec.detail \
    else 0
if spec.detail:
    st.caption(t("ext.detail_scope"))
df = data.q(spec.query, **spec.params(f, int(limit), indicators))
if df.empty:
    st.info(t("common.no_data"))
    st.stop()
st.caption(t("ext.rows", n=len(df)))
st.dataframe(df.head(200), hide_index=True, width="stretch")
origins.origin_caption(df["origin"])
downloads.downloads(df, key, {"origin": t("origin.column")}, key="ext")
