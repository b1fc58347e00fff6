"""Accounts, sign-in with lockout, and the audit log.

Accounts and the audit trail live in their own SQLite file (``data/accounts.db``
or ``$JINGUO_ACCOUNTS_DB``), not in the analytics DuckDB file: that file is
rebuilt by ``python -m jinguo build`` and swapped whole by imports, and DuckDB
allows one writing process, while sign-ins (the server) and ``python -m jinguo
users`` (a shell) write at the same time. SQLite handles that with its own
locking.

Passwords are hashed with argon2 (argon2-cffi); a password is never logged,
stored in clear or written to the audit log. The first admin is created with
``python -m jinguo users add NAME --role admin``; there is no default password.
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from jinguo.access import ROLES, User
from jinguo.paths import DATA_DIR

MAX_FAILURES = 5          # failures in a row before the account locks
LOCK_SECONDS = 15 * 60    # how long it stays locked
_ph = PasswordHasher()

SCHEMA = """
create table if not exists account (
    name text primary key,
    pw_hash text not null,
    role text not null,
    province text,
    email text unique,
    disabled integer not null default 0,
    failures integer not null default 0,
    locked_until real not null default 0,
    created_at real not null
);
create table if not exists audit_log (
    id integer primary key autoincrement,
    ts real not null,
    user_name text,
    action text not null,
    detail text not null default '{}'
);
"""
ACTIONS = ("sign_in", "sign_in_failed", "locked", "sign_out", "import", "extract", "account_add",
           "account_role", "account_disable", "import_revert")


class AuthError(Exception):
    """A sign-in or account change was refused; ``key`` names the message in the catalogue."""

    def __init__(self, key: str, **kw):
        self.key, self.kw = key, kw
        super().__init__(key)


def accounts_path() -> Path:
    return Path(os.environ.get("JINGUO_ACCOUNTS_DB") or DATA_DIR / "accounts.db")


def connect(path: Path | None = None) -> sqlite3.Connection:
    path = Path(path or accounts_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(path), timeout=10, isolation_level=None)
    con.execute("pragma journal_mode=wal")
    con.executescript(SCHEMA)
    return con


def record(action: str, user: str | None, **detail) -> None:
    """Append one audit row. ``detail`` must not hold secrets (no password ever reaches here)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    detail.pop("password", None)
    con = connect()
    try:
        con.execute("insert into audit_log (ts, user_name, action, detail) values (?, ?, ?, ?)",
                    (time.time(), user, action, json.dumps(detail, ensure_ascii=False, default=str)))
    finally:
        con.close()


def _validate(role: str, province: str | None) -> None:
    if role not in ROLES or role == "public":
        raise AuthError("auth.bad_role", role=role)
    if role in ("province_viewer", "data_officer"):
        if not province or not (len(province) == 6 and province.isdigit() and province.endswith("0000")):
            raise AuthError("auth.need_province", role=role)


def add_user(name: str, role: str, password: str, province: str | None = None, email: str | None = None,
             actor: str | None = None) -> None:
    name = name.strip()
    if not name or len(name) > 64:
        raise AuthError("auth.bad_name")
    if len(password) < 10:
        raise AuthError("auth.short_password")
    _validate(role, province)
    con = connect()
    try:
        con.execute("insert into account (name, pw_hash, role, province, email, created_at) values (?,?,?,?,?,?)",
                    (name, _ph.hash(password), role, province if role in ("province_viewer", "data_officer")
                     else None, email, time.time()))
    except sqlite3.IntegrityError:
        raise AuthError("auth.exists", name=name) from None
    finally:
        con.close()
    record("account_add", actor, account=name, role=role, province=province)


def set_role(name: str, role: str, province: str | None = None, actor: str | None = None) -> None:
    _validate(role, province)
    con = connect()
    try:
        n = con.execute("update account set role = ?, province = ? where name = ?",
                        (role, province if role in ("province_viewer", "data_officer") else None, name)).rowcount
    finally:
        con.close()
    if not n:
        raise AuthError("auth.no_such_user", name=name)
    record("account_role", actor, account=name, role=role, province=province)


def set_disabled(name: str, disabled: bool = True, actor: str | None = None) -> None:
    con = connect()
    try:
        n = con.execute("update account set disabled = ?, failures = 0, locked_until = 0 where name = ?",
                        (int(disabled), name)).rowcount
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
        return [dict(zip(cols, r)) for r in cur.fetchall()]
    finally:
        con.close()


def user_by_email(email: str) -> User | None:
    con = connect()
    try:
        row = con.execute("select name, role, province from account where lower(email) = lower(?) "
                          "and disabled = 0", (email,)).fetchone()
    finally:
        con.close()
    return User(row[0], row[1], row[2]) if row else None


@dataclass
class Clock:
    """Time and sleep, injectable so tests need not wait."""

    now: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


def authenticate(name: str, password: str, clock: Clock | None = None) -> User:
    """Check a password. Failures are slowed (0.25 s, 0.5 s, 1 s …) and lock the account
    for 15 minutes after five in a row. Raises AuthError with the reason's message key."""
    clock = clock or Clock()
    con = connect()
    try:
        row = con.execute("select pw_hash, role, province, disabled, failures, locked_until from account "
                          "where name = ?", (name,)).fetchone()
        now = clock.now()
        if row is None:
            _ph.hash("not a password: equalise timing")  # same cost as a real check
            clock.sleep(0.25)
            record("sign_in_failed", name, reason="unknown")
            raise AuthError("auth.failed")
        pw_hash, role, province, disabled, failures, locked_until = row
        if disabled:
            record("sign_in_failed", name, reason="disabled")
            raise AuthError("auth.failed")
        if locked_until > now:
            record("sign_in_failed", name, reason="locked")
            raise AuthError("auth.locked", minutes=int((locked_until - now) // 60) + 1)
        try:
            _ph.verify(pw_hash, password)
        except (VerificationError, InvalidHashError):
            failures += 1
            lock = now + LOCK_SECONDS if failures >= MAX_FAILURES else 0
            con.execute("update account set failures = ?, locked_until = ? where name = ?",
                        (0 if lock else failures, lock, name))
            clock.sleep(min(0.25 * 2 ** (failures - 1), 4.0))
            record("sign_in_failed", name, reason="password", failures=failures)
            if lock:
                record("locked", name, minutes=LOCK_SECONDS // 60)
                raise AuthError("auth.locked", minutes=LOCK_SECONDS // 60) from None
            raise AuthError("auth.failed") from None
        con.execute("update account set failures = 0, locked_until = 0 where name = ?", (name,))
        if _ph.check_needs_rehash(pw_hash):
            con.execute("update account set pw_hash = ? where name = ?", (_ph.hash(password), name))
    finally:
        con.close()
    record("sign_in", name)
    return User(name, role, province)


def audit_rows(user: str = "", action: str = "", since: float = 0, until: float = 1e12,
               limit: int = 5000) -> list[dict]:
    con = connect()
    try:
        cur = con.execute(
            "select id, ts, user_name, action, detail from audit_log where (? = '' or user_name = ?) "
            "and (? = '' or action = ?) and ts between ? and ? order by id desc limit ?",
            (user, user, action, action, since, until, limit))
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]
    finally:
        con.close()


# --------------------------------------------------------------------------- Streamlit
def account_box() -> None:
    """Sidebar: sign-in form, or who is signed in and a sign-out button."""
    import streamlit as st

    from jinguo import ui

    user = st.session_state.get("_jinguo_user")
    with st.sidebar:
        st.divider()
        if isinstance(user, User):
            st.caption(ui.tr("auth.signed_in_as", name=user.name, role=ui.tr(f"auth.role_{user.role}")))
            if st.button(ui.tr("auth.sign_out"), key="auth_sign_out"):
                record("sign_out", user.name)
                del st.session_state["_jinguo_user"]
                st.rerun()
            return
        sso_user = _sso_user()
        if sso_user is not None:
            st.session_state["_jinguo_user"] = sso_user
            record("sign_in", sso_user.name, via="oidc")
            st.rerun()
        with st.expander(ui.tr("auth.sign_in"), expanded=False):
            with st.form("auth_form", clear_on_submit=True):
                name = st.text_input(ui.tr("auth.name"), max_chars=64)
                password = st.text_input(ui.tr("auth.password"), type="password", max_chars=200)
                ok = st.form_submit_button(ui.tr("auth.sign_in"))
            if ok:
                try:
                    st.session_state["_jinguo_user"] = authenticate(name.strip(), password)
                except AuthError as e:
                    st.error(ui.tr(e.key, **e.kw))
                else:
                    st.rerun()
            if _sso_configured() and st.button(ui.tr("auth.sso"), key="auth_sso"):
                st.login()


def _sso_configured() -> bool:
    import streamlit as st

    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def _sso_user() -> User | None:
    """An OIDC sign-in (st.login) mapped by e-mail to an account's role and province."""
    import streamlit as st

    if not _sso_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = st.user.get("email")
    except Exception:
        return None
    return user_by_email(email) if email else None


# --------------------------------------------------------------------------- CLI
def _cli(args) -> int:
    try:
        if args.action == "add":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass("password: ")
                if getpass.getpass("again: ") != password:
                    print("passwords differ", file=sys.stderr)
                    return 2
            add_user(args.name, args.role, password, args.province, args.email, actor="cli")
            print(f"added {args.name} ({args.role})")
        elif args.action == "set-role":
            set_role(args.name, args.role, args.province, actor="cli")
            print(f"{args.name}: {args.role}")
        elif args.action == "disable":
            set_disabled(args.name, not args.enable, actor="cli")
            print(f"{args.name}: {'enabled' if args.enable else 'disabled'}")
        else:
            for u in list_users():
                state = "disabled" if u["disabled"] else ("locked" if u["locked_until"] > time.time() else "active")
                print(f"{u['name']:20s} {u['role']:16s} {u['province'] or '-':8s} {state}")
    except AuthError as e:
        from jinguo import i18n

        print(i18n.t(e.key, "en", **e.kw), file=sys.stderr)
        return 2
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("users", help="accounts: add, set-role, disable, list")
    p.add_argument("action", choices=["add", "set-role", "disable", "list"])
    p.add_argument("name", nargs="?", default="")
    p.add_argument("--role", choices=[r for r in ROLES if r != "public"])
    p.add_argument("--province", help="adcode of the province (province_viewer, data_officer)")
    p.add_argument("--email", help="e-mail for single sign-on")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--enable", action="store_true", help="with disable: enable again")
    p.set_defaults(func=_cli)
