"""Serve 巾帼看板 with its sign-in cookie routes: ``streamlit run serve_app.py`` (what ``make run`` does).

``streamlit run app.py`` still works, but then sign-in lasts only as long as the browser tab (no cookie
route to set the HttpOnly session cookie). See README, Security.
"""

import os

import streamlit as st

from jinguo.web.routes import ROUTES

os.environ["JINGUO_SESSION_ROUTES"] = "1"   # tells jinguo.web.signin that the cookie routes exist
app = st.App("app.py", routes=ROUTES)
