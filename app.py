"""巾帼看板: entry point. ``streamlit run app.py`` (or ``make run``).

Page scripts live in ``views/``, not ``pages/``: with ``st.navigation`` a folder
named ``pages/`` is still auto-discovered, and a deep link on a fresh server
would run the page without this frame (see README).
"""

from pathlib import Path

import streamlit as st

from jinguo import access, data, i18n, ui
from jinguo.db import DatabaseMissing, db_key
from jinguo.pages import PAGES
from jinguo.serve.runlog import note_run

note_run()  # a line per script run when $JINGUO_RUN_LOG is set (load tests count reruns); else nothing
st.set_page_config(page_title="巾帼看板 Jinguo Board", page_icon="🌸", layout="wide")

ui.init_from_url()
lg = ui.lang()

try:
    db_key()
except DatabaseMissing:
    st.error(i18n.t("app.no_db", lg))
    st.stop()

user = data.current_user()
here = Path(__file__).resolve().parent
groups: dict[str, list] = {}
for spec in PAGES:
    if not (here / spec.script).exists() or not access.can_open(spec.key, user):
        continue
    is_first = not groups and user.role != "public"
    groups.setdefault(i18n.t(f"nav.group_{spec.group}", lg), []).append(
        st.Page(spec.script, title=i18n.t(f"nav.{spec.key}", lg), icon=spec.icon, url_path=spec.url,
                default=is_first))
if not groups:  # nothing this reader may open yet (e.g. the public before the map page exists)
    ui.account_box()
    st.info(i18n.t("app.sign_in_needed", lg))
    st.stop()
if user.role == "public":
    # The public's one page is the room finder. As the default page it would live at "/", and its own URL
    # (/mother-rooms?room=ID, printed on doors as a QR code) would say "Page not found": land on it instead.
    finder = next(iter(groups.values()))[0]

    def land():
        st.switch_page(finder, query_params=st.query_params.to_dict())

    groups = {"": [st.Page(land, title=finder.title, url_path="start", default=True), *next(iter(groups.values()))]}
nav = st.navigation(groups, position="hidden" if user.role == "public" else "sidebar")
ui.sidebar_filters()
ui.account_box()
nav.run()
