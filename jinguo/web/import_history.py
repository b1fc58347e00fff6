"""The import page's register section: the reader's province's imports (who, when, rows), and for
admins the revert. Kept out of the page so the page stays thin."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from jinguo.auth.access import User
from jinguo.ingest import ops
from jinguo.store import registers
from jinguo.store.db import db_key
from jinguo.text import i18n


def history(user: User, lang: str) -> None:
    def t(k, **kw):
        return i18n.t(k, lang, **kw)

    try:
        batches = ops.imports_for(user)
    except registers.RegistersError as e:     # the manifest needs recovering: say so, never "no imports"
        st.error(t(e.key, **e.kw))
        return
    with st.expander(t("registers.history_all" if user.role == "admin" else "registers.history"),
                     expanded=False):
        if not batches:
            st.info(t("registers.none_yet"))
            return
        frame = pd.DataFrame([{
            "id": b["id"], t("registers.col_at"): b["at"].replace("T", " "), t("registers.col_user"): b["user"] or "-",
            t("registers.col_dataset"): t(f"import.ds_{b['dataset']}"), t("registers.col_file"): b["file_name"],
            t("registers.col_rows"): b["rows"], t("registers.col_added"): b["added"],
            t("registers.col_updated"): b["updated"],
            t("registers.col_state"): (t("registers.state_reverted", by=b["reverted"]["by"]) if b.get("reverted")
                                       else t("registers.state_active")),
        } for b in batches])
        st.dataframe(frame, hide_index=True, width="stretch")
        if user.role != "admin":
            return
        live = [b["id"] for b in batches if not b.get("reverted")]
        if not live:
            return
        pick = st.selectbox(t("registers.revert_pick"), live, key="imp_revert_pick")
        if st.button(t("registers.revert_go"), key="imp_revert_go"):
            try:
                ops.revert(pick, user, db=db_key()[0], lock_wait=30)
            except registers.Busy:
                st.error(t("registers.busy"))
                return
            except (ops.OpError, registers.RegistersError) as e:
                st.error(t(e.key, **e.kw))
                return
            st.cache_data.clear()
            st.success(t("registers.revert_done"))
