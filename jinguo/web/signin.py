"""The Streamlit side of sign-in: the sidebar widget, the session check at every rerun, single sign-on.

Accounts, lockout, sessions and the audit are in :mod:`jinguo.auth` (no Streamlit there). This module
keeps ``st.session_state["_jinguo_user"]`` (read by :func:`jinguo.web.data.current_user`) true to the
account *now*: :func:`refresh` runs at the top of every rerun (app.py) and signs the reader out the
moment the account is disabled or changed (role, province, password), or the session cookie expired.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, replace

import streamlit as st

from jinguo import auth
from jinguo.auth import accounts, sessions
from jinguo.auth.access import User
from jinguo.text import i18n
from jinguo.web import frame
from jinguo.web.escape import md_escape

USER_KEY, META_KEY, NOTICE_KEY, HANDOFF_KEY = "_jinguo_user", "_jinguo_session", "_jinguo_notice", "_jinguo_handoff"
SIGNOUT_KEY = "_jinguo_signout"        # a sign-out whose cookie the browser is still to clear
ROUTES_ENV = "JINGUO_SESSION_ROUTES"   # set by serve.py when its cookie routes are mounted


@dataclass(frozen=True)
class SessionMeta:
    version: int
    via: str                 # 'password' or 'oidc'
    token: str | None = None  # the lasting session's token, when the tab was signed in by its cookie
    sid: str | None = None    # the lasting session's id, when this tab started it (password sign-in)
    linked: bool = False      # that session went active (the browser holds its cookie): the tab lives with it


def _tr(key: str, **kw) -> str:
    return i18n.t(key, frame.lang(), **kw)


def _sign_out_state(notice: str | None = None) -> None:
    for k in (USER_KEY, META_KEY, HANDOFF_KEY):
        st.session_state.pop(k, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice


def _cookie_token() -> str | None:
    try:
        return sessions.unsign(st.context.cookies.get(sessions.COOKIE))
    except Exception:   # no browser context (AppTest without cookies)
        return None


def establish(user: User, version: int, via: str, token: str | None = None, sid: str | None = None) -> None:
    st.session_state[USER_KEY] = user
    st.session_state[META_KEY] = SessionMeta(version, via, token, sid)


def refresh() -> User | None:
    """Once per rerun: re-check the signed-in account, or pick up a session cookie or an SSO sign-in."""
    ss = st.session_state
    user, meta = ss.get(USER_KEY), ss.get(META_KEY)
    if isinstance(user, User):
        if not isinstance(meta, SessionMeta):   # set by something other than this module: trust nothing
            _sign_out_state()
            return None
        if meta.token:
            found = sessions.resolve(meta.token)
            ok = found is not None and found[0] == user
        else:
            # The lasting session this tab started, if any. Once the browser holds its cookie the tab lives
            # and ends with it, checked as a cookie's session is (account, version, idle, age): a sign-out in
            # another tab ends this one too, and this tab's use keeps it from idling out. Before that (or if
            # the code is never exchanged) the sign-in lasts as long as the tab and its account's version.
            live = sessions.state(meta.sid) if meta.sid else None
            if live == "active":
                if not meta.linked:
                    ss[META_KEY] = meta = replace(meta, linked=True)
                ok = True
            else:
                ok = not meta.linked and sessions.current_version(user.name) == meta.version
        if not ok:
            auth.record("session_revoked", user.name, via=meta.via)
            sessions.end(meta.token)
            sessions.end_id(meta.sid)
            _sign_out_state("auth.revoked")
            return None
        return user
    token = _cookie_token()
    if token and token not in ss.get("_jinguo_dead_tokens", ()):
        found = sessions.resolve(token)
        if found is not None:
            u, via = found
            establish(u, sessions.current_version(u.name) or 0, via, token)
            return u
        ss.setdefault("_jinguo_dead_tokens", set()).add(token)
    sso = sso_user()
    if sso is not None:
        u, version = sso
        establish(u, version, "oidc")
        auth.record("sign_in", u.name, via="oidc")
        return u
    return None


def _client() -> str:
    """Where a sign-in comes from, for the per-client lock. Behind `jinguo serve` every connection comes
    from nginx on loopback, which passes the reader's address as X-Real-IP; that header is believed only
    from a loopback peer (a remote client cannot choose its own lock)."""
    try:
        ip = st.context.ip_address
        ip = ip if isinstance(ip, str) and ip else "local"
        if ip in ("127.0.0.1", "::1", "local"):
            real = (st.context.headers or {}).get("X-Real-IP")
            if isinstance(real, str) and real.strip():
                return real.strip()[:64]
        return ip
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode)
        return "local"


def sign_in(name: str, password: str) -> None:
    """Password sign-in from the form; raises AuthError. Starts a lasting session when the routes exist."""
    # The version is read before the check: a change landing between the check and this read would
    # otherwise pair the old role with the new version and never be revoked. Read first, it is revoked.
    version = sessions.current_version(name.strip()) or 0
    u = auth.authenticate(name.strip(), password, client=_client())
    pending = sessions.start(u, version, "password") if os.environ.get(ROUTES_ENV) == "1" else None
    # A sign-out whose cookie call has not run yet would clear (and end) the session made now: drop it. The
    # session it signed out is already ended on the server, and the new cookie replaces the old one.
    st.session_state.pop(SIGNOUT_KEY, None)
    establish(u, version, "password", sid=pending.sid if pending else None)
    if pending:
        st.session_state[HANDOFF_KEY] = pending.code


def sign_out() -> None:
    """Sign this browser out. The lasting session ends on the server here and now (by its token when the tab
    was signed in by the cookie, by its id when the tab started it, the code never exchanged included), so
    whatever the browser does next, its cookie signs nobody in; then the browser is asked to call the
    sign-out route, which ends the session its cookie names and clears the cookie."""
    user, meta = st.session_state.get(USER_KEY), st.session_state.get(META_KEY)
    if isinstance(user, User):
        auth.record("sign_out", user.name)
    token = meta.token if isinstance(meta, SessionMeta) else None
    sessions.end(token)
    sessions.end_id(meta.sid if isinstance(meta, SessionMeta) else None)
    if token:
        st.session_state.setdefault("_jinguo_dead_tokens", set()).add(token)
    _sign_out_state()
    if os.environ.get(ROUTES_ENV) == "1":
        st.session_state[SIGNOUT_KEY] = secrets.token_hex(4)
    if isinstance(meta, SessionMeta) and meta.via == "oidc":
        st.logout()   # ends Streamlit's own identity cookie too, or SSO would sign straight back in


def _call_route(path: str, key: str, follow: bool = True) -> None:
    """Have the browser call one of the cookie routes (a same-origin fetch from a tiny component frame),
    so the HttpOnly cookie is set or cleared by an HTTP response, never by script. ``follow=False`` does
    not follow a redirect (the cookie it sets or clears is taken all the same)."""
    try:
        from streamlit_js_eval import streamlit_js_eval
    except ImportError:
        return
    opts = "{credentials: 'same-origin', cache: 'no-store'" + ("" if follow else ", redirect: 'manual'") + "}"
    js = "fetch(" + json.dumps(path) + ", " + opts + ").then(r => r.status, () => -1)"
    streamlit_js_eval(js_expressions=js, key=key)


def handoff() -> None:
    """Once per rerun (app.py): after a password sign-in, the browser exchanges the one-time code for the
    session cookie; after a sign-out, it calls the sign-out route, which clears the cookie."""
    code = st.session_state.get(HANDOFF_KEY)
    if code:
        _call_route("/_jinguo/session?code=" + code, "jinguo_handoff_" + code[:8])
        # The component answers with the status on a later rerun; keep the code until then, once.
        if isinstance(st.session_state.get("jinguo_handoff_" + code[:8]), int):
            st.session_state.pop(HANDOFF_KEY, None)
    nonce = st.session_state.get(SIGNOUT_KEY)
    if nonce:
        _call_route("/_jinguo/signout", "jinguo_signout_" + nonce, follow=False)
        if isinstance(st.session_state.get("jinguo_signout_" + nonce), int):
            st.session_state.pop(SIGNOUT_KEY, None)


# --------------------------------------------------------------------------- single sign-on
def sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:   # no secrets.toml at all
        return False


def sso_user() -> tuple[User, int] | None:
    """An OIDC sign-in (st.login) with a verified e-mail, mapped exactly (normalised) to one account."""
    if not sso_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email, verified = st.user.get("email"), st.user.get("email_verified")
    except Exception:
        return None
    if not email or verified is not True:
        st.session_state[NOTICE_KEY] = "auth.sso_unverified"   # said in the sidebar, nobody signed in
        return None
    found = accounts.user_by_email(email)
    if found is None:
        st.session_state[NOTICE_KEY] = "auth.sso_no_account"
    return found


# --------------------------------------------------------------------------- widgets
def _form(where: str) -> None:
    with st.form(f"auth_form_{where}", clear_on_submit=True):
        name = st.text_input(_tr("auth.name"), max_chars=64)
        password = st.text_input(_tr("auth.password"), type="password", max_chars=200)
        ok = st.form_submit_button(_tr("auth.sign_in"))
    if ok:
        try:
            sign_in(name, password)
        except auth.AuthError as e:
            st.error(_tr(e.key, **e.kw))
        else:
            st.rerun()
    if sso_configured() and st.button(_tr("auth.sso"), key=f"auth_sso_{where}"):
        st.login()


def account_box() -> None:
    """Sidebar: sign-in form, or who is signed in and a sign-out button."""
    user = st.session_state.get(USER_KEY)
    with st.sidebar:
        st.divider()
        notice = st.session_state.pop(NOTICE_KEY, None)
        if notice:
            st.warning(_tr(notice))
        if isinstance(user, User):
            st.caption(_tr("auth.signed_in_as", name=md_escape(user.name), role=_tr(f"auth.role_{user.role}")))
            if st.button(_tr("auth.sign_out"), key="auth_sign_out"):
                sign_out()
                st.rerun()
            return
        with st.expander(_tr("auth.sign_in"), expanded=False):
            _form("side")


def prompt(page_title: str, signed_in: bool) -> None:
    """The main area of a page the reader may not open: why, and (signed out) the sign-in form.
    The URL is left as it is, so after sign-in the same page opens with every parameter."""
    st.title(page_title)
    if signed_in:
        st.warning(_tr("auth.forbidden"))
        return
    st.info(_tr("auth.prompt"))
    _form("main")
