"""Accounts, sign-in, lockout and the audit log (jinguo.auth) and what each role reaches."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from jinguo import auth
from jinguo.auth import access
from jinguo.store import sql
from jinguo.store.db import query
from jinguo.web import downloads
from tests.util import ADMIN, NATIONAL, SD_OFFICER, SHANDONG, no_exception, open_app

ROOT = Path(__file__).resolve().parents[1]
PW = "correct horse battery"


class FakeClock:
    def __init__(self):
        self.t, self.slept = 1_000_000.0, []

    def now(self):
        return self.t

    def sleep(self, s):
        self.slept.append(s)


def clock():
    c = FakeClock()
    return c, auth.Clock(now=c.now, sleep=c.sleep)


def test_sign_in_returns_the_accounts_role_and_province():
    auth.add_user("sd", "province_viewer", PW, province="370000")
    _, clk = clock()
    assert auth.authenticate("sd", PW, clk) == access.User("sd", "province_viewer", "370000")


def test_failures_are_slowed_then_the_account_locks_and_unlocks():
    auth.add_user("bob", "national_viewer", PW)
    fake, clk = clock()
    for _ in range(4):
        with pytest.raises(auth.AuthError) as e:
            auth.authenticate("bob", "wrong password", clk)
        assert e.value.key == "auth.failed"
    assert fake.slept == [0.25, 0.5, 1.0, 2.0]          # doubling delays
    with pytest.raises(auth.AuthError) as e:
        auth.authenticate("bob", "wrong password", clk)  # fifth failure locks
    assert e.value.key == "auth.locked"
    with pytest.raises(auth.AuthError) as e:
        auth.authenticate("bob", PW, clk)                # even the right password, while locked
    assert e.value.key == "auth.locked"
    fake.t += auth.LOCK_SECONDS + 1
    assert auth.authenticate("bob", PW, clk).role == "national_viewer"


def test_disabled_and_unknown_accounts_cannot_sign_in():
    auth.add_user("eve", "admin", PW)
    auth.set_disabled("eve")
    _, clk = clock()
    for name in ("eve", "nobody"):
        with pytest.raises(auth.AuthError, match="auth.failed"):
            auth.authenticate(name, PW, clk)


def test_roles_need_valid_provinces_and_no_public_accounts():
    with pytest.raises(auth.AuthError, match="need_province"):
        auth.add_user("x", "data_officer", PW)
    with pytest.raises(auth.AuthError, match="bad_role"):
        auth.add_user("x", "public", PW)
    with pytest.raises(auth.AuthError, match="short_password"):
        auth.add_user("x", "admin", "short")


def test_password_is_never_stored_logged_or_audited(caplog, _accounts_db):
    caplog.set_level(logging.DEBUG)
    auth.add_user("carol", "admin", PW)
    _, clk = clock()
    auth.authenticate("carol", PW, clk)
    with pytest.raises(auth.AuthError):
        auth.authenticate("carol", PW + "x", clk)
    raw = b"".join(p.read_bytes() for p in _accounts_db.parent.glob("accounts.db*"))
    assert PW.encode() not in raw and b"$argon2id$" in raw
    assert PW not in caplog.text
    assert all(PW not in r["detail"] for r in auth.audit_rows())
    actions = [r["action"] for r in auth.audit_rows(user="carol")]
    assert actions == ["sign_in_failed", "sign_in"]


def test_cli_adds_users_from_stdin_never_argv(_accounts_db):
    env = {"JINGUO_ACCOUNTS_DB": str(_accounts_db), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "jinguo", "users", "add", "root", "--role", "admin",
                        "--password-stdin"], input=PW + "\n", text=True, capture_output=True, env=env, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, "-m", "jinguo", "users", "list"], text=True, capture_output=True,
                       env=env, cwd=ROOT)
    assert "root" in r.stdout and "admin" in r.stdout and PW not in r.stdout
    r = subprocess.run([sys.executable, "-m", "jinguo", "users", "set-role", "root", "--role", "data_officer"],
                       text=True, capture_output=True, env=env, cwd=ROOT)
    assert r.returncode == 2 and "province" in r.stderr


def test_province_viewer_reads_all_rollups_but_only_own_detail(built):
    scope = access.scope_for(SHANDONG)
    provs = [r[0] for r in built.execute("select adcode from region where level='province' and mainland").fetchall()]
    ev = sql.run(built, "matchmaking_events", scope, provinces=provs, origins=["demo", "reported"],
                 year_from=2019, year_to=2024, limit=100000)
    assert set(ev["province_code"]) == {"370000"}
    roll = sql.run(built, "indicator_by_period", scope, indicators=["mm_events"], provinces=provs,
                   origins=["demo", "reported"], year_from=2019, year_to=2024)
    assert len(set(roll["province_code"])) == 32  # 31 provinces + national
    # Asking for Guangdong's detail rows explicitly gets nothing.
    gd = sql.run(built, "matchmaking_events", scope, provinces=["440000"], origins=["demo"], year_from=2019,
                 year_to=2024, limit=10)
    assert gd.empty


def test_public_reaches_no_rollups(built):
    roll = query(built, "indicator_by_period", access.scope_for(None), indicators=["mm_events"],
                 provinces=["370000"], origins=["demo"], year_from=2019, year_to=2024)
    assert roll.empty


def test_public_sees_no_internal_pages(app_db):
    at = open_app(user=None)
    no_exception(at)
    assert at.title[0].value == "妈咪小屋地图"  # the public's only page
    assert not at.metric
    for page in ("app_pages/overview.py", "app_pages/sources.py", "app_pages/admin.py"):
        at.switch_page(page)  # registered (the URL exists) but gated before the page runs
        at.run()
        no_exception(at)
        assert not at.metric and not at.dataframe and not at.download_button
        assert at.info[0].value.startswith("此页需要登录")
        assert len(at.get("form")) == 2   # the sidebar's and the prompt's sign-in forms


@pytest.mark.parametrize("user, page, opens", [
    (SHANDONG, "app_pages/sources.py", True), (SD_OFFICER, "app_pages/admin.py", False),
    (NATIONAL, "app_pages/admin.py", False), (ADMIN, "app_pages/admin.py", True),
])
def test_page_access_by_role(app_db, user, page, opens):
    if not (ROOT / page).exists():
        pytest.skip(f"{page} not built")
    assert access.can_open(Path(page).stem.replace("import_data", "import"), user) is opens


def test_xsrf_protection_stays_on_and_uploads_are_limited():
    cfg = (ROOT / ".streamlit" / "config.toml").read_text()
    assert "enableXsrfProtection = true" in cfg and "maxUploadSize = 200" in cfg


def test_table_downloads_are_off_in_the_config_streamlit_reads():
    """The project's config turns the tables' toolbar download off."""
    import tomllib

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["client"]["disableDataExport"] is True   # honoured in the browser: tests/browser/test_pages.py


def test_admin_page_adds_an_account_and_lists_the_audit(app_db):
    at = open_app("app_pages/admin.py", user=ADMIN)
    no_exception(at)
    form = at.get("form")
    assert form, "no forms on the admin page"
    at.text_input[0].set_value("new_sd")
    at.text_input[1].set_value("370000")
    at.text_input[3].set_value(PW)
    at.button[0].click().run()
    no_exception(at)
    assert [u["name"] for u in auth.list_users()] == ["admin", "new_sd"]
    assert auth.audit_rows(action="account_add")[0]["user_name"] == "admin"


def test_a_data_officer_cannot_run_the_admin_page_even_directly(app_db):
    at = open_app("app_pages/admin.py", user=SD_OFFICER)   # its URL exists, but the frame stops before the page
    no_exception(at)
    assert at.warning[0].value == "你的账号无权打开此页。"
    assert not at.dataframe and not at.get("form") and not at.text_input


def test_a_downloaded_extract_is_audited_with_its_filter():
    import pandas as pd


    df = pd.DataFrame({"a": ["洛阳"], "origin": ["demo"]})
    raw = downloads.extract_payload(df, (("a", "地区"),), "csv", "national",
                             {"what": "reported_facts", "years": "2020-2023", "rows": 1})
    assert raw.decode("utf-8-sig").splitlines() == ["地区,origin", "洛阳,demo"]
    row = auth.audit_rows(action="extract")[0]
    assert row["user_name"] == "national"
    assert '"what": "reported_facts"' in row["detail"] and '"years": "2020-2023"' in row["detail"]


def test_download_buttons_make_their_file_only_when_clicked(app_db):
    at = open_app("app_pages/sources.py")
    assert all(b.proto.HasField("deferred_file_id") for b in at.download_button)


INJECTIONS = ["'; drop table mother_room; --", "370000' or '1'='1", "<script>alert(1)</script>", "${7*7}"]


@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/matchmaking.py", "app_pages/studios.py",
                                  "app_pages/mother_rooms.py", "app_pages/explorer.py", "app_pages/sources.py",
                                  "app_pages/extracts.py", "app_pages/admin.py"])
def test_injection_strings_in_every_text_input_and_url_parameter_reach_no_sql(app_db, built, page):
    params = {k: INJECTIONS[0] for k in ("prov", "years", "origin", "lang", "ov_ind", "ov_prov", "mm_prov",
                                          "ex_ind", "ex_view", "src_q", "src_fact", "mr_q", "mr_near", "mr_prov",
                                          "mr_kind", "ext")}
    at = open_app(page, params=params, user=ADMIN)
    no_exception(at)
    for text in INJECTIONS:
        for box in at.text_input:
            box.set_value(text)
        at.run()
        no_exception(at)
    n = built.execute("select count(*) from mother_room").fetchone()[0]
    assert n > 50_000   # nothing was dropped


@pytest.mark.parametrize("change", ["disable", "role"])
def test_an_open_session_is_signed_out_at_its_next_rerun_when_the_account_changes(app_db, change):
    """Disabling an account or changing its role bumps its session version: the open session, signed in
    before the change, loses its rights at its very next rerun (no stale role can still extract)."""
    from jinguo import auth
    from jinguo.web.signin import USER_KEY

    at = open_app("app_pages/extracts.py", user=NATIONAL)
    no_exception(at)
    assert at.session_state[USER_KEY].name == NATIONAL.name
    if change == "disable":
        auth.set_disabled(NATIONAL.name)
    else:
        auth.set_role(NATIONAL.name, "province_viewer", province="370000")
    at.run()
    no_exception(at)
    assert USER_KEY not in at.session_state or at.session_state[USER_KEY] is None or \
        at.session_state[USER_KEY].role == "public"
    assert not any(d.label for d in at.download_button), "a revoked session still offers downloads"
