"""Issue 21: sign-out ends the lasting session the tab started. The sessions (jinguo.auth.sessions) by id,
through their life, racing the code's exchange, across an upgrade of the accounts file; then the tab
(jinguo.signin, in AppTest with the cookie routes said to exist) where no browser ever runs a fetch."""

import sqlite3
import threading

import pytest

from jinguo import auth
from jinguo.auth import db, sessions
from jinguo.auth.access import User
from jinguo.web import signin
from tests.util import no_exception, open_app, sign_in_by_form

PW = "correct horse battery"
NAT = User("nat", "national_viewer")
T0 = 1_000_000.0


@pytest.fixture()
def nat():
    auth.add_user("nat", "national_viewer", PW)
    return NAT


def _rows(name="nat"):
    con = db.connect()
    try:
        return con.execute("select state from web_session where name = ?", (name,)).fetchall()
    finally:
        con.close()


def test_ending_a_session_by_its_id_before_the_exchange_makes_its_code_useless(nat):
    p = sessions.start(nat, 0, "password", now=T0)
    assert sessions.state(p.sid, now=T0) == "pending"
    sessions.end_id(p.sid)
    assert sessions.exchange(p.code, now=T0 + 1) is None       # the browser's late exchange: refused
    assert sessions.state(p.sid, now=T0 + 1) is None and _rows() == []


def test_ending_a_session_by_its_id_after_the_exchange_kills_the_cookies_token(nat):
    p = sessions.start(nat, 0, "password", now=T0)
    token = sessions.exchange(p.code, now=T0 + 1)
    assert sessions.resolve(token, now=T0 + 2) == (nat, "password")   # the cookie signs in
    assert sessions.state(p.sid, now=T0 + 2) == "active"
    sessions.end_id(p.sid)
    assert sessions.resolve(token, now=T0 + 3) is None                 # and no longer, anywhere
    assert sessions.state(p.sid, now=T0 + 3) is None and _rows() == []


def test_ending_one_session_by_id_leaves_the_accounts_other_sessions(nat):
    a, b = sessions.start(nat, 0, "password", now=T0), sessions.start(nat, 0, "password", now=T0)
    ta, tb = sessions.exchange(a.code, now=T0), sessions.exchange(b.code, now=T0)
    sessions.end_id(a.sid)
    assert sessions.resolve(ta, now=T0) is None and sessions.resolve(tb, now=T0) == (nat, "password")
    assert sessions.state(b.sid, now=T0) == "active"


def test_the_state_by_id_follows_the_session_through_its_life(nat):
    """pending for the code's 60 s; a code never exchanged is then dead; an active session ends when its token
    does (sign-out by cookie), when idle past 8 h, and when its account is disabled."""
    p = sessions.start(nat, 0, "password", now=T0)
    assert sessions.state(p.sid, now=T0 + sessions.CODE_SECONDS) == "pending"
    assert sessions.state(p.sid, now=T0 + sessions.CODE_SECONDS + 1) is None
    assert sessions.exchange(p.code, now=T0 + sessions.CODE_SECONDS + 1) is None

    p = sessions.start(nat, 0, "password", now=T0)
    token = sessions.exchange(p.code, now=T0)
    sessions.end(token)                                                 # the sign-out route, by cookie
    assert sessions.state(p.sid, now=T0) is None

    p = sessions.start(nat, 0, "password", now=T0)
    sessions.exchange(p.code, now=T0)
    assert sessions.state(p.sid, now=T0 + sessions.idle_seconds()) == "active"   # touched: idle from here
    assert sessions.state(p.sid, now=T0 + 2 * sessions.idle_seconds()) == "active"
    assert sessions.state(p.sid, now=T0 + 3 * sessions.idle_seconds() + 1) is None

    p = sessions.start(nat, 0, "password", now=T0)
    sessions.exchange(p.code, now=T0)
    auth.set_disabled("nat")
    assert sessions.state(p.sid, now=T0) is None


def test_sign_out_racing_the_exchange_never_leaves_a_live_session(nat):
    """The tab ends its session while the browser exchanges the code: in whichever order SQLite runs the two,
    afterwards the code gives no token or the token signs nobody in."""
    for _ in range(40):
        p = sessions.start(nat, 0, "password")
        got, gate = [], threading.Barrier(2)
        t = threading.Thread(target=lambda: (gate.wait(), got.append(sessions.exchange(p.code))))  # noqa: B023
        t.start()
        gate.wait()
        sessions.end_id(p.sid)
        t.join(30)
        assert got and (got[0] is None or sessions.resolve(got[0]) is None)
    assert _rows() == []


def _version_2_file(path):
    """An accounts file as written before session ids: nat, and a live cookie session of theirs."""
    con = sqlite3.connect(path, isolation_level=None)
    con.executescript(db._BASE)
    for stmt in db._V2.split(";"):
        if stmt.strip():
            con.execute(stmt)
    con.execute("insert into meta values ('key', ?)", ("ab" * 32,))
    con.execute("insert into account (name, pw_hash, role, created_at) values ('nat', ?, 'national_viewer', 0)",
                (db.PH.hash(PW),))
    con.execute("insert into web_session values (?, 'nat', 0, 'password', 'active', ?, ?)",
                (sessions._h("old-token"), T0, T0))
    con.execute("pragma user_version = 2")
    con.close()


def test_a_version_2_file_upgrades_and_its_open_sessions_still_sign_in(_accounts_db):
    """An accounts file from before session ids, with a live cookie session: after the upgrade the cookie
    still signs in (nobody is signed out by the upgrade) and new sessions carry an id."""
    _version_2_file(_accounts_db)
    db._migrated.discard(str(_accounts_db.resolve()))
    assert sessions.resolve("old-token", now=T0 + 1) == (NAT, "password")
    con = db.connect()
    assert con.execute("pragma user_version").fetchone()[0] == db.SCHEMA_VERSION == 3
    con.close()
    p = sessions.start(NAT, 0, "password", now=T0)
    assert sessions.state(p.sid, now=T0) == "pending"


def test_a_backup_from_before_the_upgrade_restored_under_a_running_process_is_upgraded_again(nat, tmp_path):
    """`restore` copies a backup's accounts file over the live one with SQLite's backup API while servers
    run; a backup made before the upgrade brings schema 2 back. A process that migrated the file earlier
    must migrate it again, not fail every password sign-in on the missing session id."""
    sessions.start(nat, 0, "password")                 # this process has migrated the live file
    _version_2_file(tmp_path / "backup.db")
    back, live = sqlite3.connect(tmp_path / "backup.db"), db.connect()
    try:
        back.backup(live)                               # what `python -m jinguo restore --yes` does
    finally:
        live.close()
        back.close()
    p = sessions.start(NAT, 0, "password", now=T0)
    assert sessions.state(p.sid, now=T0) == "pending"
    assert sessions.resolve("old-token", now=T0 + 1) == (NAT, "password")   # the backup's session


# --------------------------------------------------------------------------- the tab (AppTest)
@pytest.fixture()
def tab(app_db, nat, monkeypatch):
    """A tab of `streamlit run serve_app.py` (the cookie routes exist) signed in as nat by the sidebar form;
    no browser: the code's exchange happens only when a test does it."""
    monkeypatch.setenv(signin.ROUTES_ENV, "1")
    monkeypatch.setattr(signin, "_client", lambda: "test")   # AppTest has no connection address
    at = open_app(user=None)
    sign_in_by_form(at, "nat", PW)
    no_exception(at)
    assert at.session_state[signin.USER_KEY] == NAT
    return at


def _sign_out(at):
    at.button(key="auth_sign_out").click().run()
    no_exception(at)
    assert signin.USER_KEY not in at.session_state


def test_sign_out_in_the_tab_that_signed_in_ends_the_cookies_session(tab):
    """The bug: the tab knew only the one-time code, so its sign-out ended nothing and the cookie lived on.
    Here the browser never runs the sign-out route's fetch: the server ends the session all the same."""
    token = sessions.exchange(tab.session_state[signin.HANDOFF_KEY])    # what the browser's fetch does
    assert sessions.resolve(token) == (NAT, "password")
    tab.run()
    _sign_out(tab)
    assert sessions.resolve(token) is None
    assert _rows() == []
    assert tab.session_state[signin.SIGNOUT_KEY]                        # the browser is asked to clear it
    assert [r["action"] for r in auth.audit_rows(user="nat")][:2] == ["sign_out", "sign_in"]


def test_sign_out_before_the_browser_exchanged_the_code_makes_the_code_useless(tab):
    code = tab.session_state[signin.HANDOFF_KEY]
    _sign_out(tab)
    assert sessions.exchange(code) is None                              # the late fetch gets no cookie
    assert signin.HANDOFF_KEY not in tab.session_state


def test_sign_out_in_another_tab_of_the_browser_ends_the_tab_that_signed_in(tab):
    token = sessions.exchange(tab.session_state[signin.HANDOFF_KEY])
    tab.run()                                                            # sees its session active
    assert tab.session_state[signin.USER_KEY] == NAT
    sessions.end(token)                                                  # the other tab's sign-out (by cookie)
    tab.run()
    no_exception(tab)
    assert signin.USER_KEY not in tab.session_state
    assert [w.value for w in tab.sidebar.warning] == ["你的账号已被更改或停用，或登录已过期，请重新登录。"]


def test_a_code_never_exchanged_leaves_a_sign_in_for_this_tab_alone(tab):
    """No cookie ever reached the browser (its fetch failed): the tab stays signed in, as without the routes."""
    con = db.connect()
    con.execute("update web_session set created = created - 3600")      # the code's 60 s are long gone
    con.close()
    tab.run()
    no_exception(tab)
    assert tab.session_state[signin.USER_KEY] == NAT
    _sign_out(tab)
    assert _rows() == []
