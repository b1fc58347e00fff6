"""Serve 巾帼看板 with its extra routes: ``streamlit run serve_app.py`` (what ``make run`` and ``jinguo serve`` do).

Beside app.py, in the same process (Streamlit 1.67's ``st.App``):

* the sign-in cookie routes ``/_jinguo/…`` (README, Security);
* the public finder's light pages and JSON, ``/find`` and ``/api/rooms/…`` (README, The public room finder;
  under ``jinguo serve`` nginx sends those to the finder's own workers instead);
* a middleware that sends a phone opening ``/`` without a sign-in, and the old ``?room=ID`` links, to the
  finder (:mod:`jinguo.finder.redirect`).

``streamlit run app.py`` still works, but then sign-in lasts only as long as the browser tab (no cookie
route to set the HttpOnly session cookie) and there is no /find.
"""

import os

import streamlit as st
from starlette.middleware import Middleware

from jinguo.finder.app import ROUTES as FINDER_ROUTES
from jinguo.finder.redirect import PhoneRedirect
from jinguo.web.routes import ROUTES

os.environ["JINGUO_SESSION_ROUTES"] = "1"   # tells jinguo.web.signin that the cookie routes exist
app = st.App("app.py", routes=[*ROUTES, *FINDER_ROUTES], middleware=[Middleware(PhoneRedirect)])
