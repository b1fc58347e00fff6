"""Issue 12: open sessions lose their rights when the account changes (province too), a download button
drawn before the change no longer hands out its file, and a formula typed as a name at sign-in is
neutralised on the admin audit page and in its download."""

import pytest
from streamlit.delta_generator import DeltaGenerator

from jinguo import auth
from jinguo.web import downloads
from jinguo.web.signin import USER_KEY
from tests.util import ADMIN, NATIONAL, SHANDONG, no_exception, open_app, sign_in_by_form

PW = "correct horse battery"


@pytest.fixture()
def files(monkeypatch):
    """The deferred file makers of every download button drawn (called later, as a click would)."""
    made = []
    real = DeltaGenerator.download_button

    def spy(self, label, data, *a, **kw):
        if getattr(data, "func", None) is downloads.extract_payload:   # the tables' CSV/XLSX buttons (downloads.downloads)
            made.append(data)
        return real(self, label, data, *a, **kw)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    return made


def test_a_province_change_revokes_the_open_session(app_db):
    at = open_app("app_pages/extracts.py", user=SHANDONG)
    no_exception(at)
    assert at.session_state[USER_KEY].province == "370000"
    auth.set_role(SHANDONG.name, "province_viewer", province="440000")
    at.run()
    no_exception(at)
    assert USER_KEY not in at.session_state                  # signed out, not silently moved to 440000
    assert not at.download_button
    assert auth.audit_rows(action="session_revoked")[0]["user_name"] == SHANDONG.name


@pytest.mark.parametrize("change", ["disable", "role", "province"])
def test_a_download_button_drawn_before_the_change_no_longer_gives_its_file(app_db, files, change):
    at = open_app("app_pages/extracts.py", user=SHANDONG)
    no_exception(at)
    assert files and all(callable(f) for f in files)
    assert files[0]()[:3] == b"\xef\xbb\xbf"                  # before the change: the CSV is made
    n = len(auth.audit_rows(action="extract"))
    if change == "disable":
        auth.set_disabled(SHANDONG.name)
    elif change == "role":
        auth.set_role(SHANDONG.name, "national_viewer")
    else:
        auth.set_role(SHANDONG.name, "province_viewer", province="440000")
    for make in files:                                         # the page was not rerun: old buttons clicked
        with pytest.raises(PermissionError):
            make()
    assert len(auth.audit_rows(action="extract")) == n         # nothing extracted
    assert auth.audit_rows(action="session_revoked")[0]["detail"].startswith('{"via": "download"')


def test_a_formula_name_from_a_failed_sign_in_is_neutralised_on_the_audit_page_and_download(app_db, files):
    bad = "=cmd|' /C calc'!A0"
    auth.add_user(bad, "national_viewer", PW)                  # an account name an admin once accepted
    with pytest.raises(auth.AuthError):
        auth.authenticate(bad, "wrong password", auth.Clock(sleep=lambda s: None))
    at = open_app("app_pages/admin.py", user=ADMIN)
    no_exception(at)
    shown = at.dataframe[-1].value
    assert "'" + bad in set(shown["user_name"]) and bad not in set(shown["user_name"])
    csv = next(f for f in files if f.args[2] == "csv" and f.args[4]["what"] == "audit_log")().decode("utf-8-sig")
    cells = [c for line in csv.splitlines() for c in line.split(",")]
    assert any(c.startswith("'=cmd") for c in cells)
    assert not any(c.lstrip('"').startswith(("=", "+", "-", "@")) for c in cells)


def test_national_viewer_revocation_still_removes_downloads(app_db):
    at = open_app("app_pages/extracts.py", user=NATIONAL)
    assert at.download_button
    auth.set_disabled(NATIONAL.name)
    at.run()
    assert not at.download_button


def test_a_role_change_landing_during_sign_in_is_not_lost(app_db, monkeypatch):
    """The account changes between the password check and the session's start: the session must not
    keep the old role under the new version; it is revoked at its next rerun."""
    from jinguo.web import signin

    auth.add_user("mid", "national_viewer", PW)
    real = auth.authenticate

    def check_then_change(*a, **kw):
        u = real(*a, clock=auth.Clock(sleep=lambda s: None), **kw)
        auth.set_role("mid", "province_viewer", province="440000")   # an admin's change lands now
        return u

    monkeypatch.setattr(signin.auth, "authenticate", check_then_change)
    monkeypatch.setattr(signin, "_client", lambda: "test")   # AppTest has no connection address
    at = open_app(user=None)
    sign_in_by_form(at, "mid", PW)
    no_exception(at)
    assert auth.audit_rows(action="sign_in")[0]["user_name"] == "mid"   # the form did sign in
    at.run()
    u = at.session_state[USER_KEY] if USER_KEY in at.session_state else None
    assert u is None or u.role == "province_viewer"


def test_the_extract_audit_names_the_provinces_the_role_let_through(app_db, files):
    """A Shandong viewer asks for Guangdong and Shandong event rows: the file holds Shandong's only, and the
    audit row says so (detail 370000), besides the filter asked for (440000,370000) and the file's rows."""
    import json

    at = open_app("app_pages/extracts.py", params={"ext": "matchmaking_events", "prov": "440000,370000"}, user=SHANDONG)
    no_exception(at)
    (click,) = [b for b in files if b.args[4]["what"] == "matchmaking_events"][-1:]   # 下载 CSV of the extract
    sent = click.args[0]
    assert set(sent["province_code"]) == {"370000"}         # the file holds Shandong's rows only
    click()
    d = json.loads(auth.audit_rows(action="extract")[0]["detail"])
    assert d["what"] == "matchmaking_events" and d["provinces"] == "440000,370000"   # what was asked
    assert d["detail_provinces"] == "370000" and d["role"] == "province_viewer"     # what was applied
    assert d["rows"] == len(sent)


@pytest.mark.parametrize("user, asked, detail, rollup", [
    (SHANDONG, (), "370000", "all"),
    (SHANDONG, ("440000",), "none", "440000"),
    (NATIONAL, ("440000", "370000"), "370000,440000", "370000,440000"),
    (None, (), "all", "none"),
])
def test_applied_scope_by_hand(user, asked, detail, rollup):
    """Detail rows: the role's province only; rollups: every province a signed-in reader may compare; the
    public: no rollups, public rows only (detail 'all' of the public rows)."""
    from jinguo.auth import access

    got = access.applied_scope(user, asked)
    assert (got["detail_provinces"], got["rollup_provinces"]) == (detail, rollup)
    assert got["public_only"] == ("true" if user is None else "false")
