"""数据导入 Import: upload a register, read the validation report, then confirm. All or nothing."""

import hashlib

import pandas as pd
import streamlit as st

from jinguo import ingest
from jinguo.geo import coords
from jinguo.ingest import mappings
from jinguo.paths import DATA_DIR
from jinguo.store.db import db_key
from jinguo.web import data, frame, import_history

f = frame.filters()
lg, t = f.lang, frame.tr
user = data.current_user()
if user.role not in ("data_officer", "admin"):  # app.py does not register this page for others
    st.error(t("admin.forbidden"))
    st.stop()
st.title(t("import.title"))
st.caption(t("import.caption"))
c1, c2 = st.columns(2)
dataset = c1.selectbox(t("import.dataset"), list(ingest.DATASETS), format_func=lambda d: t(f"import.ds_{d}"),
                       key="imp_ds")
crs = c2.selectbox(t("import.crs"), list(coords.CRS), index=1, format_func=lambda c: t(f"rooms.crs_{c}"),
                   key="imp_crs", disabled=dataset != "mother_rooms")
with st.expander(t("import.templates")):
    cols = st.columns(4)
    for i, (lang, ext) in enumerate((("zh", "csv"), ("zh", "xlsx"), ("en", "csv"), ("en", "xlsx"))):
        p = DATA_DIR / "templates" / f"{dataset}_{lang}.{ext}"
        if p.exists():
            cols[i].download_button(f"{lang.upper()} · {ext.upper()}", p.read_bytes(), file_name=p.name,
                                    key=f"tpl_{dataset}_{lang}_{ext}", on_click="ignore")
import_history.history(user, lg)
up = st.file_uploader(t("import.upload"), type=list(ingest.UPLOAD_TYPES), key="imp_file")
if up is None:
    st.stop()
raw = up.getvalue()
sha = hashlib.sha256(raw).hexdigest()
province = user.province if user.role == "data_officer" else ""
mapping = mappings.remembered(province, dataset)
sheet_key = f"imp_sheet_{sha[:12]}"              # a new file starts with the best-matching sheet
con = data.connection()
try:
    rep = ingest.validate(raw, dataset, con, crs=crs, user=user, file_name=up.name, mapping=mapping,
                          sheet=st.session_state.get(sheet_key))
    failed = None
except ingest.ImportError_ as e:
    rep, failed = getattr(e, "report", None), e
    st.error(t(e.key, **e.kw))
    if rep is None:
        st.stop()
if len(rep.sheets) > 1:
    st.selectbox(t("import.sheet"), rep.sheets, index=rep.sheets.index(rep.sheet), key=sheet_key)
for n in rep.notes:
    st.info(ingest.message(n, lg))
labels = {fl.name: f"{fl.zh} · {fl.name}" for fl in ingest.DATASETS[dataset].fields}
with st.expander(t("import.columns"), expanded=failed is not None):
    st.dataframe(pd.DataFrame({t("import.col_header"): [h for h, _ in rep.columns],
                               t("import.col_field"): [labels.get(fl, t("import.unmapped")) for _, fl in rep.columns]}),
                 hide_index=True, width="stretch")
    unknown = [h for h, fl in rep.columns if not fl][:20]
    if unknown:
        st.caption(t("import.map_help"))
        with st.form("imp_map"):
            picks = {h: st.selectbox(h, ["", *labels], format_func=lambda k: labels.get(k, t("import.unmapped")),
                                     key=f"imp_map_{dataset}_{h}") for h in unknown}
            if st.form_submit_button(t("import.map_save")):
                chosen = {h: fl for h, fl in picks.items() if fl}
                mappings.remember(province, dataset, chosen, user.name)
                st.session_state["imp_map_saved"] = "、".join(f"{h}={fl}" for h, fl in chosen.items())
                st.rerun()
saved = st.session_state.pop("imp_map_saved", None)
if saved:
    st.success(t("import.map_saved", arg=saved))
st.caption(t("import.preview"))
st.dataframe(rep.preview, width="stretch")
if failed is not None:
    st.stop()
good = 0 if rep.good is None else len(rep.good)
st.subheader(t("import.report"))
st.write(t("import.ok_rows", good=good, bad=rep.rejected, rows=rep.rows))
if len(rep.problems):
    problems = ingest.report_frame(rep, lg)
    st.dataframe(problems.head(10_000).rename(columns={"row": t("import.col_row"), "column": t("import.col_column"),
                                                    "value": t("import.col_value"), "reason": t("import.col_reason")}),
                 hide_index=True, width="stretch")
    st.download_button(t("download.csv"), ingest.rejects_csv(rep, lg),
                       file_name=f"{up.name}.rejects.csv", mime="text/csv", key="imp_rejects", on_click="ignore")
skip = st.checkbox(t("import.skip"), key="imp_skip") if rep.rejected else False
if good == 0:
    st.warning(t("import.nothing"))
    st.stop()
ingest.plan(rep, con)       # the load's own staging and counting steps: what confirming would do
st.markdown(f"**{t('import.plan', added=rep.added, updated=rep.updated, unchanged=rep.unchanged, rejected=rep.rejected)}**")
if st.button(t("import.confirm"), type="primary", key="imp_go", disabled=bool(rep.rejected) and not skip):
    path = db_key()[0]
    try:
        ingest.apply(rep, path, up.name, sha, user)
    except ingest.Busy:
        st.error(t("registers.busy"))
        st.stop()
    except ingest.ImportError_ as e:
        st.error(t(e.key, **e.kw))
        st.stop()
    st.success(t("import.done", added=rep.added, updated=rep.updated, unchanged=rep.unchanged,
                 rejected=rep.rejected))
    st.cache_data.clear()
