"""Sign-in that lasts and links that land, in Chromium, on `streamlit run serve_app.py` (the cookie routes)."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.browser.conftest import PASSWORD, ROOT, Server, settle


@pytest.fixture()
def cookie_server(e2e_files, tmp_path):
    db, accounts = tmp_path / "db.duckdb", tmp_path / "accounts.db"
    shutil.copyfile(e2e_files[0], db)
    shutil.copyfile(e2e_files[1], accounts)
    s = Server(db, accounts, script="serve_app.py")
    s.accounts = accounts
    yield s
    s.stop()


def _sign_in_on_prompt(page, name):
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("textbox", name="账号").fill(name)
    pw = main.get_by_role("textbox", name="密码")
    pw.fill(PASSWORD)
    pw.press("Enter")


def test_deep_link_prompt_sign_in_lands_on_same_page_then_reload(page, cookie_server):
    url = cookie_server.url + "/matchmaking?prov=370000&years=2020-2023"
    page.goto(url)
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    # Signed out: the page's own URL exists, shows the prompt in the reader's language (not "Page not found").
    main.get_by_text("此页需要登录", exact=False).wait_for(timeout=20_000)
    assert page.get_by_text("Page not found").count() == 0
    _sign_in_on_prompt(page, "nat")
    # The same page opens, with every parameter of the link.
    side = page.locator('[data-testid="stSidebar"]')
    side.get_by_text("已登录：nat", exact=False).wait_for(timeout=20_000)
    settle(page)
    assert "/matchmaking?" in page.url and "prov=370000" in page.url and "years=2020-2023" in page.url
    assert main.get_by_text("此页需要登录", exact=False).count() == 0
    assert page.get_by_role("heading", name="婚恋交友").count() >= 1
    # The session cookie, set by the route's HTTP response: signed, HttpOnly, SameSite=Strict.
    for _ in range(50):
        cookies = [c for c in page.context.cookies() if c["name"] == "jinguo_session"]
        if cookies:
            break
        page.wait_for_timeout(200)
    cookie = cookies[0]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    # A reload (a new Streamlit session) keeps the sign-in; so does a new tab.
    page.reload()
    settle(page)
    side.get_by_text("已登录：nat", exact=False).wait_for(timeout=20_000)
    assert "prov=370000" in page.url
    tab = page.context.new_page()
    tab.goto(cookie_server.url + "/overview")
    settle(tab)
    tab.locator('[data-testid="stSidebar"]').get_by_text("已登录：nat", exact=False).wait_for(timeout=20_000)
    tab.close()

    # Revocation: the account is disabled from the CLI; the lasting cookie no longer signs in (a reload is a
    # new session that presents it), and the page asks for sign-in again. (The next click of an open session
    # is covered without a browser: tests/test_signin.py, tests/test_signin_revocation.py.)
    r = subprocess.run([sys.executable, "-m", "jinguo", "users", "disable", "nat"], cwd=ROOT, capture_output=True,
                       text=True, env={**os.environ, "JINGUO_ACCOUNTS_DB": str(cookie_server.accounts),
                                       "PYTHONPATH": str(ROOT)}, timeout=120)
    assert r.returncode == 0, r.stderr
    page.reload()
    settle(page)
    main.get_by_text("此页需要登录", exact=False).wait_for(timeout=20_000)
    assert side.get_by_text("已登录：nat", exact=False).count() == 0
    assert "prov=370000" in page.url    # the link is kept for whoever signs in next


def test_the_public_map_keeps_its_own_url(page, cookie_server):
    page.goto(cookie_server.url + "/mother-rooms")
    settle(page)
    assert page.get_by_text("Page not found").count() == 0
    page.get_by_role("heading", name="妈咪小屋地图").wait_for(timeout=20_000)
