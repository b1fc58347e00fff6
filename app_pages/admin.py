"""账户与审计 Accounts and audit (admins only; app.py hides the page from everyone else)."""

from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from jinguo import auth
from jinguo.auth import access
from jinguo.web import data, downloads, frame

user = data.current_user()
if user.role != "admin":  # app.py does not register the page for others; this is a second lock
    st.error(frame.tr("admin.forbidden"))
    st.stop()

st.title(frame.tr("admin.title"))
roles = [r for r in access.ROLES if r != "public"]

st.subheader(frame.tr("admin.accounts"))
users = pd.DataFrame(auth.list_users(), columns=["name", "role", "province", "email", "disabled", "failures",
                                                   "locked_until"])
st.dataframe(users.drop(columns=["locked_until"]), hide_index=True, width="stretch")

c1, c2 = st.columns(2)
with c1.form("admin_add", clear_on_submit=True):
    st.markdown(f"**{frame.tr('admin.add')}**")
    name = st.text_input(frame.tr("auth.name"), max_chars=64)
    role = st.selectbox(frame.tr("admin.role"), roles, format_func=lambda r: frame.tr(f"auth.role_{r}"))
    prov = st.text_input(frame.tr("admin.province"), max_chars=6)
    email = st.text_input(frame.tr("admin.email"), max_chars=120)
    pw = st.text_input(frame.tr("auth.password"), type="password", max_chars=200)
    if st.form_submit_button(frame.tr("admin.add")):
        try:
            auth.add_user(name, role, pw, prov or None, email or None, actor=user.name)
            st.success(frame.tr("admin.done"))
        except auth.AuthError as e:
            st.error(frame.tr(e.key, **e.kw))
with c2.form("admin_change"):
    st.markdown(f"**{frame.tr('admin.change')}**")
    who = st.selectbox(frame.tr("auth.name"), list(users["name"]) or [""])
    role2 = st.selectbox(frame.tr("admin.role"), roles, format_func=lambda r: frame.tr(f"auth.role_{r}"), key="r2")
    prov2 = st.text_input(frame.tr("admin.province"), max_chars=6, key="p2")
    disable = st.checkbox(frame.tr("admin.disable"))
    if st.form_submit_button(frame.tr("admin.change")) and who:
        try:
            auth.set_role(who, role2, prov2 or None, actor=user.name)
            auth.set_disabled(who, disable, actor=user.name)
            st.success(frame.tr("admin.done"))
        except auth.AuthError as e:
            st.error(frame.tr(e.key, **e.kw))

st.subheader(frame.tr("admin.audit"))
f1, f2, f3 = st.columns(3)
a_user = f1.text_input(frame.tr("admin.audit_user"), max_chars=64)
a_action = f2.selectbox(frame.tr("admin.audit_action"), [""] + list(auth.ACTIONS))
span = f3.date_input(frame.tr("admin.audit_dates"), value=(date(2024, 1, 1), date.today()))
if isinstance(span, tuple) and len(span) == 2:
    since = datetime.combine(span[0], time.min).timestamp()
    until = datetime.combine(span[1], time.max).timestamp()
else:
    since, until = 0, 1e12
log = pd.DataFrame(auth.audit_rows(a_user.strip(), a_action, since, until),
                   columns=["id", "ts", "user_name", "action", "detail"])
log["ts"] = pd.to_datetime(log["ts"], unit="s").dt.strftime("%Y-%m-%d %H:%M:%S")
log["origin"] = "imported"  # the audit log is operational data, not demo or reported
if log.empty:
    st.info(frame.tr("common.no_data"))
else:
    st.dataframe(log.drop(columns=["origin"]), hide_index=True, width="stretch")
    downloads.downloads(log, "audit_log", key="audit")
