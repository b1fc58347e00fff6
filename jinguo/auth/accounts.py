"""Accounts: add, change role or province, disable, list, and find by e-mail. No Streamlit here.

Every change of an account's role, province, password or state bumps its ``session_version``, which ends
its open sessions at their next rerun (see :mod:`jinguo.auth.sessions`)."""

from __future__ import annotations

import sqlite3
import time

from jinguo.auth.access import ROLES, User
from jinguo.auth.audit import record
from jinguo.auth.db import PH, connect, name_key


class AuthError(Exception):
    """A sign-in or account change was refused; ``key`` names the message in the catalogue."""

    def __init__(self, key: str, **kw):
        self.key, self.kw = key, kw
        super().__init__(key)


def normalise_email(email: str | None) -> str | None:
    """The one form stored and looked up: trimmed, lower case; '' is no e-mail."""
    e = (email or "").strip().lower()
    return e or None


def validate(role: str, province: str | None) -> None:
    if role not in ROLES or role == "public":
        raise AuthError("auth.bad_role", role=role)
    if role in ("province_viewer", "data_officer"):
        if not province or not (len(province) == 6 and province.isdigit() and province.endswith("0000")):
            raise AuthError("auth.need_province", role=role)


def _scoped(role: str, province: str | None) -> str | None:
    return province if role in ("province_viewer", "data_officer") else None


def add_user(name: str, role: str, password: str, province: str | None = None, email: str | None = None,
             actor: str | None = None) -> None:
    name = name.strip()
    if not name or len(name) > 64:
        raise AuthError("auth.bad_name")
    if len(password) < 10:
        raise AuthError("auth.short_password")
    validate(role, province)
    email = normalise_email(email)
    con = connect()
    try:
        if email and con.execute("select 1 from account where lower(email) = ?", (email,)).fetchone():
            raise AuthError("auth.email_taken")
        con.execute("insert into account (name, pw_hash, role, province, email, created_at) values (?,?,?,?,?,?)",
                    (name, PH.hash(password), role, _scoped(role, province), email, time.time()))
    except sqlite3.IntegrityError:
        if email and con.execute("select 1 from account where lower(email) = ?", (email,)).fetchone():
            raise AuthError("auth.email_taken") from None
        raise AuthError("auth.exists", name=name) from None
    finally:
        con.close()
    record("account_add", actor, account=name, role=role, province=province)


def set_role(name: str, role: str, province: str | None = None, actor: str | None = None) -> None:
    validate(role, province)
    con = connect()
    try:
        n = con.execute("update account set role = ?, province = ?, session_version = session_version + 1 "
                        "where name = ?", (role, _scoped(role, province), name)).rowcount
    finally:
        con.close()
    if not n:
        raise AuthError("auth.no_such_user", name=name)
    record("account_role", actor, account=name, role=role, province=province)


def set_disabled(name: str, disabled: bool = True, actor: str | None = None) -> None:
    con = connect()
    try:
        n = con.execute("update account set disabled = ?, session_version = session_version + 1 where name = ?",
                        (int(disabled), name)).rowcount
        if n and disabled:
            con.execute("delete from web_session where name = ?", (name,))
    finally:
        con.close()
    if not n:
        raise AuthError("auth.no_such_user", name=name)
    record("account_disable", actor, account=name, disabled=disabled)


def list_users() -> list[dict]:
    con = connect()
    try:
        cur = con.execute("select name, role, province, email, disabled, failures, locked_until from account "
                          "order by name")
        cols = [c[0] for c in cur.description]
        rows = [dict(zip(cols, r)) for r in cur.fetchall()]
        for r in rows:   # the failures and lock shown are the account-wide counter's
            a = con.execute("select failures, locked_until from attempt where key = ? and client = '*'",
                            (name_key(con, r["name"]),)).fetchone()
            r["failures"], r["locked_until"] = (a[0], a[1]) if a else (0, 0)
        return rows
    finally:
        con.close()


def user_by_email(email: str) -> tuple[User, int] | None:
    """The enabled account whose e-mail is exactly ``email`` once normalised, with its session version."""
    e = normalise_email(email)
    if not e:
        return None
    con = connect()
    try:
        row = con.execute("select name, role, province, session_version from account where email = ? "
                          "and disabled = 0", (e,)).fetchone()
    finally:
        con.close()
    return (User(row[0], row[1], row[2]), row[3]) if row else None
