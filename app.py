"""巾帼看板: entry point. ``streamlit run app.py`` (or ``make run``, which serves it through serve.py so the
sign-in cookie routes exist).

Page scripts live in ``app_pages/``, not ``pages/``: with ``st.navigation`` a folder
named ``pages/`` is still auto-discovered, and a deep link on a fresh server
would run the page without this frame (see README).

Every page is registered for every reader, so every page's URL exists for everyone and a shared link
never meets "Page not found"; pages the reader may not open are hidden from the menu and, when opened
by URL, show the sign-in prompt here, before the page runs. After sign-in the same URL opens.
"""

from pathlib import Path

import streamlit as st

from jinguo.auth import access
from jinguo.serve.runlog import note_run
from jinguo.store.db import DatabaseMissing, db_key
from jinguo.text import i18n
from jinguo.web import data, frame, signin
from jinguo.web.pages import PAGES

note_run()  # a line per script run when $JINGUO_RUN_LOG is set (load tests count reruns); else nothing
st.set_page_config(page_title="巾帼看板 Jinguo Board", page_icon="🌸", layout="wide")

frame.init_from_url()
lg = frame.lang()

try:
    db_key()
except DatabaseMissing:
    st.error(i18n.t("app.no_db", lg))
    st.stop()

signin.refresh()            # the account as it is now: revoked or changed sessions end here
user = data.current_user()
here = Path(__file__).resolve().parent
specs = [s for s in PAGES if (here / s.script).exists()]


def _home() -> None:
    """The root URL: the public map for the public, the overview for everyone signed in."""
    first = next((s for s in specs if access.can_open(s.key, user) and s.key != "mother_rooms"), None)
    target = first if user.role != "public" and first else next(s for s in specs if s.key == "mother_rooms")
    st.switch_page(target.script, query_params=st.query_params.to_dict())


groups: dict[str, list] = {"": [st.Page(_home, title=i18n.t("nav.home", lg), url_path="home", default=True,
                                        visibility="hidden")]}
by_url = {}
for spec in specs:
    page = st.Page(spec.script, title=i18n.t(f"nav.{spec.key}", lg), icon=spec.icon, url_path=spec.url,
                   visibility="visible" if access.can_open(spec.key, user) else "hidden")
    by_url[spec.url] = spec
    groups.setdefault(i18n.t(f"nav.group_{spec.group}", lg), []).append(page)
nav = st.navigation(groups, position="hidden" if user.role == "public" else "sidebar")
if nav.url_path == "":
    nav.run()   # the root only sends the reader on: draw nothing (and report nothing) in a run cut short
frame.sidebar_filters()
signin.account_box()
signin.handoff()
spec = by_url.get(nav.url_path)
if spec is not None and not access.can_open(spec.key, user):
    signin.prompt(i18n.t(f"nav.{spec.key}", lg), signed_in=user.role != "public")
    st.stop()
nav.run()
