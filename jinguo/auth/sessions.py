"""Server-side sign-in sessions that outlive a browser tab. No Streamlit here.

A session row is keyed by the SHA-256 of a random token; the browser holds the token in a signed,
HttpOnly, SameSite=Strict cookie (set by the route in :mod:`jinguo.serve_routes`). The row records the
account's ``session_version`` at sign-in: any change of the account (role, province, disabled,
password) bumps that version and the session is refused at its next rerun. Idle sessions end after
``idle_seconds()`` (8 h by default, ``$JINGUO_SESSION_IDLE_HOURS``); sign-out deletes the row.

Sign-in happens in the Streamlit script, which cannot set an HttpOnly cookie; it creates a *pending*
row keyed by a one-time code (60 s), and sends the browser to the route, which exchanges the code for
the token and sets the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time

from jinguo.access import User
from jinguo.auth.store import account_row, connect, install_key

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
    import tomllib

    from jinguo.paths import ROOT

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


def start(user: User, version: int, via: str, now: float | None = None) -> str:
    """A pending session for a user who just signed in; returns the one-time code for the route."""
    now = time.time() if now is None else now
    code = secrets.token_urlsafe(24)
    con = connect()
    try:
        con.execute("delete from web_session where state = 'pending' and created < ?", (now - CODE_SECONDS,))
        con.execute("insert into web_session values (?, ?, ?, ?, 'pending', ?, ?)",
                    (_h(code), user.name, version, via, now, now))
    finally:
        con.close()
    return code


def exchange(code: str, now: float | None = None) -> str | None:
    """Turn a fresh one-time code into a session token (once); None if unknown, used or stale."""
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


def resolve(token: str | None, now: float | None = None) -> tuple[User, str] | None:
    """The user of a live session token and how they signed in, re-checked against the account now.

    None (and the row deleted) when the session is unknown, idle too long, too old, or its account is
    gone, disabled or changed since."""
    if not token:
        return None
    now = time.time() if now is None else now
    con = connect()
    try:
        row = con.execute("select name, version, via, created, last_seen from web_session "
                          "where token_hash = ? and state = 'active'", (_h(token),)).fetchone()
        if row is None:
            return None
        name, version, via, created, last_seen = row
        acct = account_row(name, con)
        if (acct is None or acct[3] or acct[4] != version or now - last_seen > idle_seconds()
                or now - created > ABSOLUTE_SECONDS):
            con.execute("delete from web_session where token_hash = ?", (_h(token),))
            return None
        if now - last_seen > TOUCH_SECONDS:
            con.execute("update web_session set last_seen = ? where token_hash = ?", (now, _h(token)))
        return User(name, acct[1], acct[2]), via
    finally:
        con.close()


def end(token: str | None) -> None:
    if token:
        con = connect()
        try:
            con.execute("delete from web_session where token_hash = ?", (_h(token),))
        finally:
            con.close()


def current_version(name: str) -> int | None:
    """The account's session version, or None when it is gone or disabled."""
    row = account_row(name)
    return None if row is None or row[3] else row[4]
