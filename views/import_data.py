"""数据导入 Import: upload a register, read the validation report, then confirm. All or nothing."""

import hashlib

import streamlit as st

from jinguo import coords, data, import_ui, ingest, ui
from jinguo.db import db_key
from jinguo.paths import DATA_DIR

f = ui.filters()
lg, t = f.lang, ui.tr
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
import_ui.history(user, lg)
up = st.file_uploader(t("import.upload"), type=["csv", "xlsx"], key="imp_file")
if up is None:
    st.stop()
raw = up.getvalue()
sha = hashlib.sha256(raw).hexdigest()
try:
    con = data.connection()
    rep = ingest.validate(raw, dataset, con, crs=crs, user=user, file_name=up.name)
except ingest.ImportError_ as e:
    st.error(t(e.key, **e.kw))
    st.stop()
for n in rep.notes:
    st.info(ingest.message(n, lg))
good = 0 if rep.good is None else len(rep.good)
st.subheader(t("import.report"))
st.write(t("import.ok_rows", good=good, bad=rep.rejected, rows=rep.rows))
if len(rep.problems):
    frame = ingest.report_frame(rep, lg)
    st.dataframe(frame.head(10_000).rename(columns={"row": t("import.col_row"), "column": t("import.col_column"),
                                                    "value": t("import.col_value"), "reason": t("import.col_reason")}),
                 hide_index=True, width="stretch")
    st.download_button(t("download.csv"), ingest.rejects_csv(rep, lg),
                       file_name=f"{up.name}.rejects.csv", mime="text/csv", key="imp_rejects", on_click="ignore")
skip = st.checkbox(t("import.skip"), key="imp_skip") if rep.rejected else False
if good == 0:
    st.warning(t("import.nothing"))
    st.stop()
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
