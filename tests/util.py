"""Helpers for AppTest: open the app as a given user, on a given page, with URL parameters."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from jinguo.auth.access import User

APP = Path(__file__).resolve().parents[1] / "app.py"

NATIONAL = User("national", "national_viewer")
ADMIN = User("admin", "admin")
SHANDONG = User("sd_viewer", "province_viewer", "370000")
SD_OFFICER = User("sd_officer", "data_officer", "370000")


def open_app(page: str | None = None, params: dict | None = None, user: User | None = NATIONAL,
             timeout: int = 60) -> AppTest:
    """Run app.py once; ``page`` is a script path under app_pages/ (e.g. "app_pages/matchmaking.py")."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    if user is not None:
        sign_in_as(at, user)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def sign_in_as(at: AppTest, user: User) -> None:
    """Sign ``user`` in to an AppTest session as the sign-in form would: the account exists in the
    test's accounts file (made here when missing), and the session carries its version, so the
    per-rerun check (jinguo.web.signin.refresh) keeps it signed in until the account changes."""
    from jinguo import auth
    from jinguo.auth import sessions
    from jinguo.web.signin import META_KEY, USER_KEY, SessionMeta

    if sessions.current_version(user.name) is None and not any(u["name"] == user.name for u in auth.list_users()):
        auth.add_user(user.name, user.role, "test password 0123", province=user.province, actor="test")
    at.session_state[USER_KEY] = user
    at.session_state[META_KEY] = SessionMeta(sessions.current_version(user.name) or 0, "password")


def sign_in_by_form(at: AppTest, name: str, password: str) -> AppTest:
    """Type a name and password into the sidebar's sign-in form and press 登录 (the run included)."""
    at.sidebar.text_input[0].set_value(name)
    at.sidebar.text_input[1].set_value(password)
    return next(b for b in at.sidebar.button if b.label == "登录").click().run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def plain(v):
    """Plotly 7 sends numeric arrays as {'dtype', 'bdata'} (base64); turn them back into lists."""
    import base64

    import numpy as np

    if isinstance(v, dict) and "bdata" in v:
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            arr = arr.reshape([int(x) for x in str(v["shape"]).split(",")])
        return arr.tolist()
    return v
