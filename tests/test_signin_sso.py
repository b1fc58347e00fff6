"""Single sign-on (issue 12): e-mails are unique whatever their case, only a verified e-mail signs in,
and signing out of an SSO session also ends Streamlit's own identity cookie (st.logout)."""

import sqlite3
import time

import pytest
import streamlit

from jinguo import auth
from jinguo.auth import accounts, db
from jinguo.web import signin
from tests.util import no_exception, open_app

PW = "correct horse battery"


class FakeUser:
    def __init__(self, **claims):
        self.claims, self.is_logged_in = claims, True

    def get(self, k, default=None):
        return self.claims.get(k, default)


@pytest.fixture()
def sso(monkeypatch):
    """SSO configured, and an identity provider whose answer each test sets; st.logout recorded."""
    monkeypatch.setattr(signin, "sso_configured", lambda: True)
    calls = []

    def logout():
        calls.append("logout")
        streamlit.user.is_logged_in = False

    monkeypatch.setattr(streamlit, "logout", logout)

    def login_as(**claims):
        monkeypatch.setattr(streamlit, "user", FakeUser(**claims))
    login_as.logouts = calls
    return login_as


def test_emails_differing_only_in_case_cannot_both_exist():
    auth.add_user("wang_admin", "admin", PW, email="Wang.Li@x.cn")
    with pytest.raises(auth.AuthError, match="email_taken"):
        auth.add_user("wang_viewer", "national_viewer", PW, email="wang.li@X.CN")
    con = db.connect()
    with pytest.raises(sqlite3.IntegrityError):   # the index holds even for a raw insert
        con.execute("insert into account (name, pw_hash, role, email, created_at) values "
                    "('w2', 'x', 'national_viewer', 'WANG.LI@x.cn', 0)")
    con.close()
    assert accounts.user_by_email(" WANG.li@x.cn ")[0].name == "wang_admin"


def test_migrating_a_file_with_a_case_pair_clears_both_mappings_and_says_so(_accounts_db):
    con = sqlite3.connect(_accounts_db)
    con.executescript(db._BASE)
    for name, role, email in (("boss", "admin", "Wang.Li@x.cn"), ("clerk", "national_viewer", "wang.li@x.cn"),
                              ("solo", "national_viewer", " Solo@X.cn")):
        con.execute("insert into account (name, pw_hash, role, email, created_at) values (?,?,?,?,?)",
                    (name, db.PH.hash(PW), role, email, time.time()))
    con.commit()
    con.close()
    db._migrated.discard(str(_accounts_db.resolve()))
    emails = {u["name"]: u["email"] for u in auth.list_users()}
    assert emails == {"boss": None, "clerk": None, "solo": "solo@x.cn"}
    assert accounts.user_by_email("wang.li@x.cn") is None        # neither gets the other's rights
    cleared = auth.audit_rows(action="account_email_cleared")
    assert [(r["user_name"], r["detail"]) for r in cleared] == [("system", "boss,clerk")]
    assert auth.authenticate("boss", PW, auth.Clock(sleep=lambda s: None)).role == "admin"  # passwords still work


def test_a_verified_email_signs_in_to_its_account_whatever_its_case(app_db, sso):
    auth.add_user("wang_admin", "admin", PW, email="Wang.Li@x.cn")
    auth.add_user("zhao", "national_viewer", PW, email="zhao@x.cn")
    sso(email="WANG.LI@x.cn", email_verified=True)
    at = open_app(user=None)
    no_exception(at)
    assert at.session_state[signin.USER_KEY].name == "wang_admin"
    assert auth.audit_rows(action="sign_in")[0]["user_name"] == "wang_admin"


@pytest.mark.parametrize("claims", [{"email_verified": False}, {}, {"email_verified": "true"}])
def test_an_unverified_email_is_refused_with_a_message(app_db, sso, claims):
    auth.add_user("wang_admin", "admin", PW, email="wang.li@x.cn")
    sso(email="wang.li@x.cn", **claims)
    at = open_app(user=None)
    no_exception(at)
    assert signin.USER_KEY not in at.session_state
    assert "统一身份认证未确认你的电子邮箱，无法登录。请先在认证系统中验证邮箱。" in [w.value for w in at.warning]
    assert not auth.audit_rows(action="sign_in")


def test_an_email_without_an_account_is_told_so(app_db, sso):
    sso(email="nobody@x.cn", email_verified=True)
    at = open_app(user=None)
    assert signin.USER_KEY not in at.session_state
    assert "没有与此电子邮箱对应的启用账号，请联系管理员。" in [w.value for w in at.warning]


def test_signing_out_of_sso_calls_st_logout(app_db, sso):
    auth.add_user("zhao", "national_viewer", PW, email="zhao@x.cn")
    sso(email="zhao@x.cn", email_verified=True)
    at = open_app(user=None)
    assert at.session_state[signin.USER_KEY].name == "zhao"
    at.button(key="auth_sign_out").click().run()
    no_exception(at)
    assert sso.logouts == ["logout"]
    assert signin.USER_KEY not in at.session_state       # and not signed straight back in
    assert [r["action"] for r in auth.audit_rows(user="zhao")][:2] == ["sign_out", "sign_in"]
