"""The real app in a real browser: `streamlit run app.py` on a free loopback port against a test
database, driven by Playwright in Debian's Chromium. Without /usr/bin/chromium every browser test
skips and says how to enable them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "screenshots"
PASSWORD = "correct horse battery"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOW = ("browser tests need Debian's Chromium and a CJK font: `apt-get install -y chromium fonts-wqy-microhei` "
       "(make test does this when run as root)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=HOW))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db: Path, accounts: Path, script: str = "app.py"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "JINGUO_DB": str(db), "JINGUO_ACCOUNTS_DB": str(accounts), "PYTHONPATH": str(ROOT),
               "JINGUO_DATA_DIR": str(accounts.parent / f"registers-{self.port}")}   # imports stay its own
        self.log = open(accounts.parent / f"server-{self.port}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port), "--browser.gatherUsageStats",
             "false"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start; see " + self.log.name)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def e2e_files(tmp_path_factory):
    from jinguo.store.build import build
    from tests.conftest import empty_registers

    d = tmp_path_factory.mktemp("e2e")
    with empty_registers(tmp_path_factory):
        db = build(d / "jinguo.duckdb", scale=1.0)
    accounts = d / "accounts.db"
    env = {**os.environ, "JINGUO_ACCOUNTS_DB": str(accounts), "PYTHONPATH": str(ROOT)}
    for args in (["admin", "--role", "admin"], ["nat", "--role", "national_viewer"],
                 ["sd_officer", "--role", "data_officer", "--province", "370000"]):
        subprocess.run([sys.executable, "-m", "jinguo", "users", "add", *args, "--password-stdin"], input=PASSWORD,
                       text=True, env=env, cwd=ROOT, check=True, capture_output=True)
    return db, accounts


@pytest.fixture(scope="session")
def server(e2e_files):
    if not Path(CHROMIUM).exists():
        pytest.skip(HOW)
    s = Server(*e2e_files)
    yield s
    s.stop()


@pytest.fixture()
def fresh_server(e2e_files, tmp_path):
    """A server nobody has loaded yet (for deep links), on its own copy of the files."""
    db, accounts = tmp_path / "db.duckdb", tmp_path / "accounts.db"
    shutil.copyfile(e2e_files[0], db)
    shutil.copyfile(e2e_files[1], accounts)
    s = Server(db, accounts)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {"executable_path": CHROMIUM, "headless": True, "args": FLAGS}


@pytest.fixture()
def console(page):
    """Console errors of the page (every one fails the test that checks it)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def settle(page, timeout=30_000):
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    # The first script run may start late on a loaded machine (and a public reader is sent on to their
    # default page): wait until the main area shows something before waiting for the run to end.
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stElementContainer"]', state="attached", timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)
    page.wait_for_timeout(300)


def sign_in(page, name):
    """Sign in from the sidebar form (Chinese or English labels)."""
    import re

    side = page.locator('[data-testid="stSidebar"]')
    side.get_by_text(re.compile("^(登录|Sign in)$")).first.wait_for(timeout=20_000)
    zh = side.get_by_text("登录", exact=True).count() > 0
    side.get_by_text("登录" if zh else "Sign in", exact=True).first.click()
    side.get_by_role("textbox", name="账号" if zh else "Account").fill(name)
    pw = side.get_by_role("textbox", name="密码" if zh else "Password")
    pw.fill(PASSWORD)
    pw.press("Enter")
    page.wait_for_timeout(800)
    settle(page)
    try:   # a loaded machine may take a few seconds to finish the rerun after the password check
        side.get_by_text(name).first.wait_for(timeout=20_000)
    except Exception:  # noqa: BLE001 - reported as the assertion below
        pass
    assert side.get_by_text(name).count() >= 1, "sign-in failed"


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
