"""Issue 12: the lockout under concurrency (threads and processes), per-client locks, the same path for
every name, what the audit keeps of a failed sign-in, the accounts file's mode, single sign-on mapping."""

import json
import os
import sqlite3
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jinguo import auth
from jinguo.auth import accounts, db, lockout

ROOT = Path(__file__).resolve().parents[1]
PW = "correct horse battery"
T0 = 1_000_000.0


def clk(t=T0):
    return auth.Clock(now=lambda: t, sleep=lambda s: None)


def _try(name, password, client="a", t=T0):
    try:
        return auth.authenticate(name, password, clk(t), client=client)
    except auth.AuthError as e:
        return e.key


def _name_failures(name, client="*"):
    con = db.connect()
    try:
        row = con.execute("select failures, locked_until from attempt where key = ? and client = ?",
                          (db.name_key(con, name), client if client == "*" else lockout._client_key(con, client))
                          ).fetchone()
        return row or (0, 0)
    finally:
        con.close()


def test_forty_simultaneous_wrong_guesses_all_count_and_lock():
    auth.add_user("bob", "national_viewer", PW)
    with ThreadPoolExecutor(40) as ex:   # 40 wrong guesses at once from 40 clients
        keys = list(ex.map(lambda i: _try("bob", "wrong guess", client=f"c{i}"), range(40)))
    assert set(keys) <= {"auth.failed", "auth.locked"}
    assert _name_failures("bob")[0] == 40          # every one counted, none lost
    with ThreadPoolExecutor(10) as ex:
        list(ex.map(lambda i: _try("bob", "wrong guess", client=f"d{i}"), range(10)))
    failures, until = _name_failures("bob")
    assert failures == 50 and until == T0 + auth.LOCK_SECONDS   # the 50th locked the name everywhere
    assert _try("bob", PW, client="fresh") == "auth.locked"     # even the right password, from anywhere


def test_one_client_racing_counts_every_guess_and_stays_locked():
    auth.add_user("ann", "national_viewer", PW)
    with ThreadPoolExecutor(20) as ex:   # 20 wrong guesses at once from one client
        keys = list(ex.map(lambda i: _try("ann", "wrong"), range(20)))
    assert keys.count("auth.failed") == auth.MAX_FAILURES - 1 and keys.count("auth.locked") == 16
    assert _name_failures("ann", "a") == (20, T0 + auth.LOCK_SECONDS)
    assert _try("ann", PW) == "auth.locked"           # the right password during the lock is refused
    assert _try("ann", PW, t=T0 + auth.LOCK_SECONDS + 1).name == "ann"   # after the lock, it opens


def test_a_right_password_checked_before_the_lock_finishes_after_it_and_is_refused(monkeypatch):
    """The old race: a slow check that began before the lock was set must not clear it when it ends."""
    import threading

    auth.add_user("kim", "national_viewer", PW)
    go = threading.Event()
    real = lockout._verify

    def slow(h, p):
        ok = real(h, p)
        if p == PW:
            go.wait(30)            # the right password's check ends only after the lock is set
        return ok

    monkeypatch.setattr(lockout, "_verify", slow)
    with ThreadPoolExecutor(1) as ex:
        late = ex.submit(_try, "kim", PW)
        assert [_try("kim", "wrong") for _ in range(5)][-1] == "auth.locked"
        go.set()
        assert late.result(30) == "auth.locked"
    assert _name_failures("kim", "a") == (5, T0 + auth.LOCK_SECONDS)   # the lock survived
    assert _try("kim", "wrong") == "auth.locked"


_GUESSER = """
import json, sys
from jinguo import auth
out = []
for i in range(int(sys.argv[2])):
    try:
        auth.authenticate("pat", "wrong guess", auth.Clock(now=lambda: float(sys.argv[3]), sleep=lambda s: None),
                          client=f"{sys.argv[1]}-{i}")
        out.append("signed in")
    except auth.AuthError as e:
        out.append(e.key)
print(json.dumps(out))
"""


def test_wrong_guesses_from_several_processes_share_one_counter(_accounts_db):
    """Four separate interpreters (nothing shared but the accounts file) guess at once: every guess counts."""
    auth.add_user("pat", "national_viewer", PW)
    env = {**os.environ, "JINGUO_ACCOUNTS_DB": str(_accounts_db), "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _GUESSER, f"p{k}", "13", repr(T0)], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for k in range(4)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    assert sum(len(r) for r in results) == 52 and "signed in" not in sum(results, [])
    failures, until = _name_failures("pat")
    assert failures == 52 and until == T0 + auth.LOCK_SECONDS   # all 52 counted; the 50th locked
    assert _try("pat", PW, client="owner") == "auth.locked"


def test_one_client_locks_only_itself_and_cannot_reach_the_name_wide_cap():
    """Per (name, client): 5 wrong guesses lock that client out; the owner elsewhere still signs in.
    Per name: only 50 failures from clients not already locked lock the name for everyone, so a single
    client hammering on adds nothing more after its own lock."""
    auth.add_user("li", "national_viewer", PW)
    keys = [_try("li", "wrong", client="attacker") for _ in range(200)]
    assert keys[:4] == ["auth.failed"] * 4 and set(keys[4:]) == {"auth.locked"}
    assert _name_failures("li")[0] == auth.MAX_FAILURES       # the name-wide counter stopped at 5
    assert _try("li", PW, client="owner").name == "li"        # the owner, from another client, gets in
    assert _try("li", PW, client="attacker") == "auth.locked"


@pytest.mark.parametrize("name", ["ghost", "off", "on"])
def test_unknown_disabled_and_existing_names_take_the_same_path(monkeypatch, name):
    auth.add_user("off", "admin", PW)
    auth.add_user("on", "admin", PW)
    auth.set_disabled("off")
    calls = []
    real = lockout._verify
    monkeypatch.setattr(lockout, "_verify", lambda h, p: calls.append(h.startswith("$argon2")) or real(h, p))
    assert _try(name, "a wrong password") == "auth.failed"
    assert calls == [True]                               # one argon2 check, whatever the name
    assert _try(name if name != "on" else "off", PW) == "auth.failed"   # disabled/unknown: same reply


def test_a_password_typed_into_the_name_field_is_not_audited():
    auth.add_user("zhang", "admin", PW)
    _try(PW, "zhang")                                    # fields swapped
    _try("=cmd|' /C calc'!A0", "x")
    rows = auth.audit_rows(action="sign_in_failed")
    assert [r["user_name"] for r in rows] == ["unknown", "unknown"]
    con = db.connect()
    raw = "".join(str(v) for t in ("audit_log", "attempt") for r in con.execute(f"select * from {t}") for v in r)
    con.close()
    assert PW not in raw and "calc" not in raw


def test_accounts_file_is_created_owner_only(_accounts_db):
    old = os.umask(0o022)
    try:
        db.connect().close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(_accounts_db.stat().st_mode) == 0o600


@pytest.mark.parametrize("umask", [0o000, 0o277])
def test_accounts_file_and_folder_are_private_whatever_the_umask(tmp_path, monkeypatch, umask):
    """Issue 21: under a permissive umask the file (and SQLite's WAL and shared-memory files beside it) is
    0600 and a folder made for it 0700; under a narrow one they are still usable (0600/0700, not 0400/0500)."""
    path = tmp_path / "new" / "accounts.db"
    monkeypatch.setenv("JINGUO_ACCOUNTS_DB", str(path))
    old = os.umask(umask)
    try:
        con = db.connect()                    # held open: the WAL files stay while it is
        auth.add_user("wu", "admin", PW)
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
        con.close()
    finally:
        os.umask(old)
    assert modes == {"accounts.db": 0o600, "accounts.db-wal": 0o600, "accounts.db-shm": 0o600}
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_once_the_file_exists_only_sqlite_opens_it(_accounts_db, monkeypatch):
    """Issue 21: closing any descriptor on the file drops this process's SQLite locks, so after its creation
    nothing but SQLite may open it: connecting again (even in a fresh process) opens no descriptor of ours."""
    db.connect().close()
    opened = []
    real = os.open
    monkeypatch.setattr(os, "open", lambda p, *a, **kw: opened.append(str(p)) or real(p, *a, **kw))
    db._migrated.discard(str(_accounts_db.resolve()))     # as a fresh process would
    auth.add_user("qian", "admin", PW)
    auth.list_users()
    assert [p for p in opened if p.startswith(str(_accounts_db))] == []


def test_an_existing_world_readable_accounts_file_is_tightened(_accounts_db):
    sqlite3.connect(_accounts_db).close()
    os.chmod(_accounts_db, 0o644)
    db._migrated.discard(str(_accounts_db.resolve()))
    db.connect().close()
    assert stat.S_IMODE(_accounts_db.stat().st_mode) == 0o600


_CROWD = """
import json, sys, threading
from argon2 import PasswordHasher
from jinguo import auth
from jinguo.auth import lockout
from jinguo.auth import db

# Cheap argon2 settings, so the threads meet in SQLite rather than queue on the hash (64 MiB each by default).
db.PH = lockout.PH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
proc, threads, rounds, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
clock = auth.Clock(now=lambda: now, sleep=lambda s: None)
out, gate = [], threading.Barrier(threads)

def guess(t):
    gate.wait()
    for _ in range(rounds):
        for name in ("pat", "ghost"):   # an account and a name that does not exist: both count
            try:
                auth.authenticate(name, "wrong guess", clock, client=f"{proc}-{t}")
                out.append("signed in")
            except auth.AuthError as e:
                out.append(e.key)
            except Exception as e:   # a corrupt or unreadable file: reported, not raised
                out.append(f"error: {e!r}")

print("ready", flush=True)
sys.stdin.readline()                # every process starts guessing at once
ts = [threading.Thread(target=guess, args=(t,)) for t in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(json.dumps(out), flush=True)
"""


def test_four_processes_of_six_threads_guessing_at_once_leave_the_file_whole(_accounts_db, monkeypatch):
    """Issue 21: a crowd of wrong guesses (4 interpreters x 6 threads, each thread its own client, 4 rounds of
    two names) must leave accounts.db intact and every guess counted. Worked out by hand, per name: 4 x 6 x 4
    = 96 failures on the name-wide counter, which locks at the 50th, so exactly 49 replies 'failed' and 47
    'locked'; each of the 24 clients has 4 failures (under 5: no client lock); one 'locked' audit row."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(accounts, "PH", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    auth.add_user("pat", "national_viewer", PW)
    env = {**os.environ, "JINGUO_ACCOUNTS_DB": str(_accounts_db), "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _CROWD, f"p{k}", "6", "4", repr(T0)], env=env, cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in range(4)]
    try:
        for p in procs:                                 # wait until all four have imported and are waiting
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        replies = []
        for p in procs:
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0, err
            replies += json.loads(out)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    errors = [r for r in replies if r.startswith("error")]
    assert not errors, errors[:3]
    con = sqlite3.connect(_accounts_db)
    try:
        assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()
    assert len(replies) == 192 and replies.count("auth.failed") == 98 and replies.count("auth.locked") == 94
    for name in ("pat", "ghost"):
        assert _name_failures(name) == (96, T0 + auth.LOCK_SECONDS)
        for k in range(4):
            for t in range(6):
                assert _name_failures(name, f"p{k}-{t}") == (4, 0)
    failed = auth.audit_rows(action="sign_in_failed")
    assert len(failed) == 192 and sum(r["user_name"] == "pat" for r in failed) == 96
    assert len(auth.audit_rows(action="locked")) == 2
