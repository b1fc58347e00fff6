"""The accounts database: one SQLite file (``data/accounts.db`` or ``$JINGUO_ACCOUNTS_DB``). No Streamlit here.

Accounts and the audit trail are not in the analytics DuckDB file: that file is rebuilt and swapped whole,
and DuckDB allows one writing process, while several server processes and ``python -m jinguo users`` write
at the same time. SQLite handles that with its own locking (WAL, ``BEGIN IMMEDIATE``).

The file is created 0600 and its folder, when this module creates it, 0700, whatever the umask. Once the
file exists nothing here opens it except SQLite: on POSIX, closing *any* descriptor a process holds on a
database file drops every lock that process holds on it, SQLite's own included (taken by other threads'
connections), and concurrent writers then corrupt the file. So the file is made once, empty and private,
before the first connection to it (under a process lock, so no thread of this process is connected to it
then); an older, wider file is tightened by path (``chmod`` takes no descriptor).

Every change of an account's role, province, password or state bumps its ``session_version``, which ends
its open sessions at their next rerun (see :mod:`jinguo.auth.sessions`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path

from argon2 import PasswordHasher

from jinguo.paths import DATA_DIR

PH = PasswordHasher()
SCHEMA_VERSION = 3

_BASE = """
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
_V2 = """
alter table account add column session_version integer not null default 0;
create table if not exists attempt (
    key text not null,            -- keyed hash of the typed name (known or not)
    client text not null,         -- '*' for the account-wide counter, else a keyed hash of the client
    failures integer not null default 0,
    locked_until real not null default 0,
    updated real not null default 0,
    primary key (key, client)
);
create table if not exists web_session (
    token_hash text primary key,  -- sha256 of the cookie's token (or of the one-time code while pending)
    name text not null,
    version integer not null,
    via text not null,
    state text not null,          -- 'pending' (code not yet exchanged) or 'active'
    created real not null,
    last_seen real not null
);
create index if not exists web_session_name on web_session(name);
create table if not exists meta (key text primary key, value text not null);
"""
_V3 = """
alter table web_session add column sid text;  -- the session's id, known to the tab that started it
create unique index if not exists web_session_sid on web_session(sid);
"""


def accounts_path() -> Path:
    return Path(os.environ.get("JINGUO_ACCOUNTS_DB") or DATA_DIR / "accounts.db")


_migrated: set[str] = set()
_mlock = threading.Lock()


def _create_private(path: Path) -> None:
    """Make the folder (0700 when we create it) and the file, empty and 0600, if it does not exist yet.

    Called under ``_mlock`` before any connection: the descriptor opened here is on a file no connection
    of this process can be on yet (it did not exist, and every thread of this process waits for the lock
    before connecting), so closing it drops no SQLite lock. Other processes' locks are theirs alone."""
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, mode=0o700)
        except FileExistsError:
            pass
        else:
            os.chmod(path.parent, 0o700)     # exactly 0700, whatever the umask
    if path.exists():
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:   # another process made it first
        return
    try:
        os.fchmod(fd, 0o600)                 # exactly 0600, whatever the umask
    finally:
        os.close(fd)


def _tighten(path: Path) -> None:
    """An older file (and its WAL and shared-memory files) created world-readable: made 0600, by path."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        if st.st_mode & 0o077 and st.st_uid == os.getuid():
            os.chmod(p, 0o600)


def _migrate(con: sqlite3.Connection) -> None:
    con.executescript(_BASE)
    v = con.execute("pragma user_version").fetchone()[0]
    if v >= SCHEMA_VERSION:
        return
    con.execute("begin immediate")
    try:
        if con.execute("pragma user_version").fetchone()[0] < 2:
            cols = {r[1] for r in con.execute("pragma table_info(account)")}
            for stmt in _V2.split(";"):
                if stmt.strip() and not ("session_version" in stmt and "session_version" in cols):
                    con.execute(stmt)
            # E-mails were unique case-sensitively; SSO looked them up case-insensitively. Store one
            # form. Addresses that differ only in case are ambiguous: their SSO mapping is removed
            # (password sign-in still works) and the audit says so.
            dup = [r[0] for r in con.execute(
                "select lower(trim(email)) from account where email is not null and trim(email) != '' "
                "group by 1 having count(*) > 1")]
            for e in dup:
                names = [r[0] for r in con.execute("select name from account where lower(trim(email)) = ?", (e,))]
                con.execute("update account set email = null, session_version = session_version + 1 "
                            "where lower(trim(email)) = ?", (e,))
                con.execute("insert into audit_log (ts, user_name, action, detail) values (?, 'system', "
                            "'account_email_cleared', ?)", (time.time(), ",".join(names)))
            con.execute("update account set email = nullif(lower(trim(email)), '') where email is not null")
            con.execute("create unique index if not exists account_email_ci on account(lower(email))")
            con.execute("insert or ignore into meta values ('key', ?)", (secrets.token_hex(32),))
        if con.execute("pragma user_version").fetchone()[0] < 3:
            cols = {r[1] for r in con.execute("pragma table_info(web_session)")}
            for stmt in _V3.split(";"):
                if stmt.strip() and not ("add column sid" in stmt and "sid" in cols):
                    con.execute(stmt)
        con.execute(f"pragma user_version = {SCHEMA_VERSION}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def connect(path: Path | None = None) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), the schema migrated when behind: on a
    process's first connection, and again whenever the file's version is older than this code's (a backup
    from before an upgrade restored under running servers).

    The file is created (private) before the first connection to it and never opened here otherwise."""
    path = Path(path or accounts_path())
    key = str(path.resolve())
    with _mlock:   # a thread that finds the file here finds it whole, its maker's descriptor closed
        if not path.exists():
            _create_private(path)
    con = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    con.execute("pragma busy_timeout = 30000")
    con.execute("pragma journal_mode=wal")
    if key not in _migrated or con.execute("pragma user_version").fetchone()[0] < SCHEMA_VERSION:
        with _mlock:
            _tighten(path)
            _migrate(con)
            _migrated.add(key)
    return con


def install_key(con: sqlite3.Connection) -> bytes:
    """A random key made once per accounts file: keys the hashes of typed names and clients."""
    return bytes.fromhex(con.execute("select value from meta where key = 'key'").fetchone()[0])


def name_key(con: sqlite3.Connection, name: str) -> str:
    """A keyed hash of a typed name: counts failures for names that exist and names that don't alike,
    without storing what was typed (it may be a password typed into the wrong field)."""
    return hmac.new(install_key(con), ("name:" + name.strip()).encode(), hashlib.sha256).hexdigest()[:32]


def account_row(name: str, con: sqlite3.Connection | None = None) -> tuple | None:
    """(pw_hash, role, province, disabled, session_version) of an account, or None."""
    own = con is None
    con = con or connect()
    try:
        return con.execute("select pw_hash, role, province, disabled, session_version from account "
                           "where name = ?", (name,)).fetchone()
    finally:
        if own:
            con.close()


