"""Server-side sign-in sessions that outlive a browser tab. No Streamlit here.

A session row is keyed by the SHA-256 of a random token; the browser holds the token in a signed,
HttpOnly, SameSite=Strict cookie (set by the route in :mod:`jinguo.web.routes`). The row records the
account's ``session_version`` at sign-in: any change of the account (role, province, disabled,
password) bumps that version and the session is refused at its next rerun. Idle sessions end after
``idle_seconds()`` (8 h by default, ``$JINGUO_SESSION_IDLE_HOURS``); sign-out deletes the row.

Sign-in happens in the Streamlit script, which cannot set an HttpOnly cookie; it creates a *pending*
row keyed by a one-time code (60 s), and sends the browser to the route, which exchanges the code for
the token and sets the cookie.

The tab that signed in never learns the token (only the browser's cookie holds it), so every row also
has a random id, ``sid``, handed to that tab by :func:`start`. Sign-out in that tab ends the row by its
id (:func:`end_id`) on the server, whether or not the browser ever exchanged the code: a code whose row
is gone is refused, and a token whose row is gone signs nobody in. The tab checks its row by id at every
rerun (:func:`state`), so a sign-out in another tab of the same browser ends it too.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
import tomllib
from typing import NamedTuple

from jinguo.auth.access import User
from jinguo.auth.db import account_row, connect, install_key
from jinguo.paths import ROOT

COOKIE = "jinguo_session"
CODE_SECONDS = 60
ABSOLUTE_SECONDS = 7 * 24 * 3600   # a session ends after a week whatever its use
TOUCH_SECONDS = 60                  # last_seen is written at most once a minute per session


def idle_seconds() -> float:
    try:
        return float(os.environ.get("JINGUO_SESSION_IDLE_HOURS", "8")) * 3600
    except ValueError:
        return 8 * 3600


def _h(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _secrets_file() -> dict:
    path = ROOT / ".streamlit" / "secrets.toml"
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def cookie_secrets() -> list[bytes]:
    """The current secret first, then old ones still accepted during a rotation.

    From ``$JINGUO_COOKIE_SECRET`` (and ``$JINGUO_COOKIE_SECRET_OLD``, comma-separated), else
    ``[jinguo] cookie_secret`` / ``cookie_secret_old`` in ``.streamlit/secrets.toml``, else a random key
    kept in the accounts file (fine for one installation; set one to rotate it)."""
    cur = os.environ.get("JINGUO_COOKIE_SECRET", "")
    old = os.environ.get("JINGUO_COOKIE_SECRET_OLD", "")
    if not cur:
        sec = _secrets_file().get("jinguo", {})
        cur, old = sec.get("cookie_secret", ""), sec.get("cookie_secret_old", old)
    if isinstance(old, list | tuple):
        old = ",".join(old)
    keys = [s.encode() for s in [cur, *str(old).split(",")] if s]
    if not keys:
        con = connect()
        try:
            keys = [install_key(con)]
        finally:
            con.close()
    return keys


def sign(token: str) -> str:
    return token + "." + hmac.new(cookie_secrets()[0], token.encode(), hashlib.sha256).hexdigest()


def unsign(value: str | None) -> str | None:
    """The token of a cookie value whose signature matches a current or old secret, else None."""
    if not value or "." not in value:
        return None
    token, sig = value.rsplit(".", 1)
    for key in cookie_secrets():
        if hmac.compare_digest(sig, hmac.new(key, token.encode(), hashlib.sha256).hexdigest()):
            return token
    return None


class Pending(NamedTuple):
    code: str   # one-time, for the browser to exchange at the route for the cookie
    sid: str    # the session's id, kept server-side by the tab that signed in: it ends the session


def start(user: User, version: int, via: str, now: float | None = None) -> Pending:
    """A pending session for a user who just signed in: its one-time code and its id."""
    now = time.time() if now is None else now
    code, sid = secrets.token_urlsafe(24), secrets.token_urlsafe(18)
    con = connect()
    try:
        con.execute("delete from web_session where state = 'pending' and created < ?", (now - CODE_SECONDS,))
        con.execute("insert into web_session (token_hash, name, version, via, state, created, last_seen, sid) "
                    "values (?, ?, ?, ?, 'pending', ?, ?, ?)", (_h(code), user.name, version, via, now, now, sid))
    finally:
        con.close()
    return Pending(code, sid)


def exchange(code: str, now: float | None = None) -> str | None:
    """Turn a fresh one-time code into a session token (once); None if unknown, used, stale or ended."""
    now = time.time() if now is None else now
    token = secrets.token_urlsafe(32)
    con = connect()
    try:
        n = con.execute("update web_session set token_hash = ?, state = 'active', last_seen = ? "
                        "where token_hash = ? and state = 'pending' and created >= ?",
                        (_h(token), now, _h(code or ""), now - CODE_SECONDS)).rowcount
    finally:
        con.close()
    return token if n else None


def _live(con, token_hash: str, now: float) -> tuple[User, str] | None:
    """The user and sign-in method of the active session ``token_hash``, checked against the account now
    (and touched); None, with the row deleted, when it is idle too long, too old or its account changed."""
    row = con.execute("select name, version, via, created, last_seen from web_session "
                      "where token_hash = ? and state = 'active'", (token_hash,)).fetchone()
    if row is None:
        return None
    name, version, via, created, last_seen = row
    acct = account_row(name, con)
    if (acct is None or acct[3] or acct[4] != version or now - last_seen > idle_seconds()
            or now - created > ABSOLUTE_SECONDS):
        con.execute("delete from web_session where token_hash = ?", (token_hash,))
        return None
    if now - last_seen > TOUCH_SECONDS:
        con.execute("update web_session set last_seen = ? where token_hash = ?", (now, token_hash))
    return User(name, acct[1], acct[2]), via


def resolve(token: str | None, now: float | None = None) -> tuple[User, str] | None:
    """The user of a live session token and how they signed in, re-checked against the account now.

    None (and the row deleted) when the session is unknown, idle too long, too old, or its account is
    gone, disabled or changed since."""
    if not token:
        return None
    now = time.time() if now is None else now
    con = connect()
    try:
        return _live(con, _h(token), now)
    finally:
        con.close()


def state(sid: str | None, now: float | None = None) -> str | None:
    """'pending' (its code not yet exchanged, and still exchangeable), 'active' (checked and touched as
    :func:`resolve` does), or None: ended (signed out here or in another tab, revoked, expired) or a code
    never exchanged in time."""
    if not sid:
        return None
    now = time.time() if now is None else now
    con = connect()
    try:
        row = con.execute("select token_hash, state, created from web_session where sid = ?", (sid,)).fetchone()
        if row is None:
            return None
        if row[1] == "pending":
            return "pending" if row[2] >= now - CODE_SECONDS else None
        return "active" if _live(con, row[0], now) is not None else None
    finally:
        con.close()


def end(token: str | None) -> None:
    if token:
        con = connect()
        try:
            con.execute("delete from web_session where token_hash = ?", (_h(token),))
        finally:
            con.close()


def end_id(sid: str | None) -> None:
    """End the session started with this id, pending or active: its code and its token are dead from now."""
    if sid:
        con = connect()
        try:
            con.execute("delete from web_session where sid = ?", (sid,))
        finally:
            con.close()


def current_version(name: str) -> int | None:
    """The account's session version, or None when it is gone or disabled."""
    row = account_row(name)
    return None if row is None or row[3] else row[4]
