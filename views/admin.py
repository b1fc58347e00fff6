"""账户与审计 Accounts and audit (admins only; app.py hides the page from everyone else)."""

from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from jinguo import access, auth, data, ui

user = data.current_user()
if user.role != "admin":  # app.py does not register the page for others; this is a second lock
    st.error(ui.tr("admin.forbidden"))
    st.stop()

st.title(ui.tr("admin.title"))
roles = [r for r in access.ROLES if r != "public"]

st.subheader(ui.tr("admin.accounts"))
users = pd.DataFrame(auth.list_users(), columns=["name", "role", "province", "email", "disabled", "failures",
                                                   "locked_until"])
st.dataframe(users.drop(columns=["locked_until"]), hide_index=True, width="stretch")

c1, c2 = st.columns(2)
with c1.form("admin_add", clear_on_submit=True):
    st.markdown(f"**{ui.tr('admin.add')}**")
    name = st.text_input(ui.tr("auth.name"), max_chars=64)
    role = st.selectbox(ui.tr("admin.role"), roles, format_func=lambda r: ui.tr(f"auth.role_{r}"))
    prov = st.text_input(ui.tr("admin.province"), max_chars=6)
    email = st.text_input(ui.tr("admin.email"), max_chars=120)
    pw = st.text_input(ui.tr("auth.password"), type="password", max_chars=200)
    if st.form_submit_button(ui.tr("admin.add")):
        try:
            auth.add_user(name, role, pw, prov or None, email or None, actor=user.name)
            st.success(ui.tr("admin.done"))
        except auth.AuthError as e:
            st.error(ui.tr(e.key, **e.kw))
with c2.form("admin_change"):
    st.markdown(f"**{ui.tr('admin.change')}**")
    who = st.selectbox(ui.tr("auth.name"), list(users["name"]) or [""])
    role2 = st.selectbox(ui.tr("admin.role"), roles, format_func=lambda r: ui.tr(f"auth.role_{r}"), key="r2")
    prov2 = st.text_input(ui.tr("admin.province"), max_chars=6, key="p2")
    disable = st.checkbox(ui.tr("admin.disable"))
    if st.form_submit_button(ui.tr("admin.change")) and who:
        try:
            auth.set_role(who, role2, prov2 or None, actor=user.name)
            auth.set_disabled(who, disable, actor=user.name)
            st.success(ui.tr("admin.done"))
        except auth.AuthError as e:
            st.error(ui.tr(e.key, **e.kw))

st.subheader(ui.tr("admin.audit"))
f1, f2, f3 = st.columns(3)
a_user = f1.text_input(ui.tr("admin.audit_user"), max_chars=64)
a_action = f2.selectbox(ui.tr("admin.audit_action"), [""] + list(auth.ACTIONS))
span = f3.date_input(ui.tr("admin.audit_dates"), value=(date(2024, 1, 1), date.today()))
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
    st.info(ui.tr("common.no_data"))
else:
    st.dataframe(log.drop(columns=["origin"]), hide_index=True, width="stretch")
    ui.downloads(log, "audit_log", key="audit")
