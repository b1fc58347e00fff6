"""Password sign-in with failure counting and locks that hold across threads and server processes.

Every attempt does the same work whatever the name: one argon2 verification (against the account's hash,
or a dummy hash for a name that does not exist), then one ``BEGIN IMMEDIATE`` transaction on the
accounts file. A wrong guess is counted there by ``INSERT … ON CONFLICT DO UPDATE SET failures =
failures + 1 … RETURNING``, so simultaneous guesses each count; a right password is accepted only if,
inside that same transaction, no lock is in force, so a guess that finishes late can never clear a lock
that was set meanwhile.

Two counters per typed name (a keyed hash of it: names that do not exist count and lock alike, and the
typed text is never stored):

* per (name, client): ``MAX_FAILURES`` in a row lock that name *for that client* for ``LOCK_SECONDS``,
  with doubling delays before. Someone guessing from one browser/address locks only themselves out;
* per name, every client together: ``ACCOUNT_MAX_FAILURES`` lock the name everywhere for
  ``LOCK_SECONDS``: a ceiling on distributed guessing (about 50 guesses per quarter hour per account).

Why this design, and what it still allows, is argued in the README's Security section.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from argon2.exceptions import InvalidHashError, VerificationError

from jinguo.auth.access import User
from jinguo.auth.accounts import AuthError
from jinguo.auth.audit import record
from jinguo.auth.db import PH, account_row, connect, install_key, name_key

MAX_FAILURES = 5             # per (name, client), in a row
ACCOUNT_MAX_FAILURES = 50    # per name, all clients together
LOCK_SECONDS = 15 * 60

_COUNT = """
insert into attempt (key, client, failures, locked_until, updated) values (?, ?, 1, 0, ?)
on conflict (key, client) do update set
  failures = case when attempt.locked_until > 0 and attempt.locked_until <= excluded.updated then 1
                  else attempt.failures + 1 end,
  locked_until = case when attempt.locked_until > 0 and attempt.locked_until <= excluded.updated then 0
                      else attempt.locked_until end,
  updated = excluded.updated
returning failures
"""
_LOCK = "update attempt set locked_until = max(locked_until, ?) where key = ? and client = ?"


@dataclass
class Clock:
    """Time and sleep, injectable so tests need not wait."""

    now: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


@cache
def _dummy_hash() -> str:
    return PH.hash("not a password: the same work for names that do not exist")


def _client_key(con, client: str) -> str:
    return "c:" + hmac.new(install_key(con), ("client:" + client).encode(), hashlib.sha256).hexdigest()[:24]


def _verify(pw_hash: str, password: str) -> bool:
    try:
        return PH.verify(pw_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(name: str, password: str, clock: Clock | None = None, client: str = "") -> User:
    """Check a password; return the account's user, or raise AuthError ('auth.failed' or 'auth.locked').

    ``client`` identifies where the attempt comes from (the Streamlit side passes the connection's
    address); the same reply and the same work for unknown, disabled and existing names."""
    clock = clock or Clock()
    name = name.strip()
    con = connect()
    try:
        row = account_row(name, con)
        good = _verify(row[0] if row else _dummy_hash(), password) and row is not None and not row[3]
        key, ckey = name_key(con, name), _client_key(con, client)
        now = clock.now()
        failures, newly_locked = 0, False
        con.execute("begin immediate")
        try:
            if good:
                lock = con.execute("select coalesce(max(locked_until), 0) from attempt where key = ? "
                                   "and client in (?, '*')", (key, ckey)).fetchone()[0]
                if lock <= now:
                    con.execute("update attempt set failures = 0, locked_until = 0 where key = ? "
                                "and client in (?, '*')", (key, ckey))
            else:
                # A client already locked out adds nothing to the name-wide counter: one client alone
                # cannot push a name to ACCOUNT_MAX_FAILURES and lock its owner out everywhere.
                held = con.execute("select locked_until from attempt where key = ? and client = ?",
                                   (key, ckey)).fetchone()
                failures = con.execute(_COUNT, (key, ckey, now)).fetchone()[0]
                if held and held[0] > now:
                    total = 0
                else:
                    total = con.execute(_COUNT, (key, "*", now)).fetchone()[0]
                if failures >= MAX_FAILURES:
                    con.execute(_LOCK, (now + LOCK_SECONDS, key, ckey))
                    newly_locked = failures == MAX_FAILURES
                if total >= ACCOUNT_MAX_FAILURES:
                    con.execute(_LOCK, (now + LOCK_SECONDS, key, "*"))
                    newly_locked = newly_locked or total == ACCOUNT_MAX_FAILURES
                lock = con.execute("select coalesce(max(locked_until), 0) from attempt where key = ? "
                                   "and client in (?, '*')", (key, ckey)).fetchone()[0]
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.close()
    who = name if row is not None else "unknown"
    if good and lock <= now:
        record("sign_in", name)
        return User(name, row[1], row[2])
    reason = "locked" if lock > now else ("unknown" if row is None else "disabled" if row[3] else "password")
    record("sign_in_failed", who, reason=reason, failures=failures, client=ckey[2:10])
    if newly_locked:
        record("locked", who, minutes=LOCK_SECONDS // 60)
    if not good:
        clock.sleep(min(0.25 * 2 ** (max(failures, 1) - 1), 4.0))
    if lock > now:
        raise AuthError("auth.locked", minutes=int((lock - now) // 60) + 1)
    raise AuthError("auth.failed")
