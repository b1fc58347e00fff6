"""`python -m jinguo serve --replicas 2`: nginx in front of two app processes, driven in Chromium.

One server for the module, tests in order: a session's upload and download reach the process that holds it;
an import done through one process is seen by the other; a killed process is taken out (a new session is
still served) and restarted by the supervisor; SIGTERM stops everything, leaving no process behind.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from jinguo.serve.supervisor import free_port, nginx_binary
from tests.browser.conftest import ROOT, settle, shot, sign_in

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx missing: apt-get install -y nginx-light")


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class Served:
    def __init__(self, e2e_files, tmp: Path):
        db, accounts = tmp / "jinguo.duckdb", tmp / "accounts.db"
        shutil.copyfile(e2e_files[0], db)
        shutil.copyfile(e2e_files[1], accounts)
        # nginx's workers (nobody, when the tests run as root) must reach the run dir: not under pytest's 0700 dirs
        self.run_dir, self.runlog = Path(tempfile.mkdtemp(prefix="jinguo-serve-test-")), tmp / "runs.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "JINGUO_DB": str(db), "JINGUO_ACCOUNTS_DB": str(accounts), "PYTHONPATH": str(ROOT),
               "JINGUO_RUN_LOG": str(self.runlog), "JINGUO_DATA_DIR": str(tmp / "registers")}
        self.out = tmp / "serve.out"
        with open(self.out, "wb") as f:
            self.proc = subprocess.Popen([sys.executable, "-m", "jinguo", "serve", "--replicas", "2", "--port",
                                          str(self.port), "--run-dir", str(self.run_dir)], cwd=ROOT, env=env,
                                         stdout=f, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while "serving http" not in self.out.read_text():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("serve did not start: " + self.out.read_text())
            time.sleep(0.3)
        conf = (self.run_dir / "nginx.conf").read_text()
        app = re.search(r"upstream jinguo_app \{(.*?)\n    \}", conf, re.S).group(1)   # not the finder's
        self.backends = [int(p) for p in re.findall(r"server 127\.0\.0\.1:(\d+) max_fails", app)]

    def access(self) -> list[dict]:
        time.sleep(1.5)  # the access log is flushed every second
        rows = []
        for line in (self.run_dir / "access.log").read_text().splitlines():
            m = re.search(r" (\d{3}) (\S+) (\S+) jg=(\S+) up=(\S+)", line)
            if m:
                rows.append(dict(zip(("status", "method", "uri", "jg", "up"), m.groups())))
        return rows

    def runs(self) -> list[tuple[str, str]]:
        """(pid, session id) of every script run so far."""
        return [(ln.split()[1], ln.split()[3]) for ln in self.runlog.read_text().splitlines()]


@pytest.fixture(scope="module")
def served(e2e_files, tmp_path_factory):
    s = Served(e2e_files, tmp_path_factory.mktemp("serve"))
    yield s
    if s.proc.poll() is None:
        s.proc.kill()
        s.proc.wait()
    shutil.rmtree(s.run_dir, ignore_errors=True)


def _cookie(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "jg_backend")


def test_the_sign_in_cookie_routes_are_served_through_the_balancer(served):
    """The replicas run serve_app.py, so /_jinguo/session exists behind nginx: a made-up one-time code is
    refused (403, no cookie); app.py alone would answer the page's HTML (200) and no sign-in would last."""
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(served.url + "/_jinguo/session?code=made-up", timeout=30)
    assert err.value.code == 403 and "jinguo_session" not in (err.value.headers.get("Set-Cookie") or "")
    # sign-out sends back to a local path only, never to another site
    req = urllib.request.Request(served.url + "/_jinguo/signout?next=//evil.example/x")
    opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                              {"redirect_request": lambda *a, **k: None}))
    with pytest.raises(urllib.error.HTTPError) as err:
        opener.open(req, timeout=30)
    assert err.value.code == 303 and err.value.headers["Location"] == "/"


def test_scripts_reach_a_phone_compressed_through_the_balancer(served):
    """Streamlit itself sends its JavaScript uncompressed; through nginx a browser that accepts gzip gets it
    gzipped, and the unpacked bytes are the script (not a page of error)."""
    import gzip
    import re

    html = urllib.request.urlopen(served.url + "/", timeout=30).read().decode()
    script = re.search(r'src="\.?/?(static/js/index\.[^"]+\.js)"', html).group(1)
    plain = urllib.request.urlopen(f"{served.url}/{script}", timeout=30)
    raw = plain.read()
    assert plain.headers.get("Content-Encoding") is None
    req = urllib.request.Request(f"{served.url}/{script}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as r:
        body = r.read()
        assert r.headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == raw
    assert len(body) < len(raw) / 2


def test_a_sessions_upload_and_download_reach_the_process_that_holds_it(served, browser, tmp_path):
    """Signed in through the balancer, a data officer downloads a template (/media/...) and uploads a file
    (/_stcore/upload_file/...); both, and the websocket, went to one process, and both worked."""
    assert len(served.backends) == 2
    ctx = browser.new_context(accept_downloads=True)
    page = ctx.new_page()
    page.goto(served.url)
    settle(page, 60_000)
    sign_in(page, "sd_officer")
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="数据导入", exact=True).click()
    settle(page)
    page.get_by_text("下载模板（含一行示例）").first.click()
    with page.expect_download() as d:
        page.get_by_role("button", name="ZH · CSV").click()
    assert Path(d.value.path()).read_bytes() == (ROOT / "data/templates/mother_rooms_zh.csv").read_bytes()
    head = "编号,名称,所在区县,地址,经度,纬度,类型,可上锁,开放时间,关闭时间,启用日期\n"
    good = tmp_path / "good.csv"
    good.write_text(head + "R37S1,负载均衡测试小屋,济南市历下区,山东省济南市历下区测试路2号,117.02,36.66,public,是,,,"
                    "2023-05-01\n", encoding="utf-8")
    page.locator('input[type="file"]').set_input_files(str(good))
    page.get_by_text("1 行可以导入，0 行有问题").wait_for(timeout=30_000)
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("已导入：新增 1").wait_for(timeout=30_000)

    jg = _cookie(ctx)
    ctx.close()  # nginx logs a websocket when it closes
    mine = [r for r in served.access() if r["jg"] == jg]
    kinds = {k: {r["up"] for r in mine if r["uri"].startswith(k)}
             for k in ("/_stcore/stream", "/media/", "/_stcore/upload_file")}
    assert all(len(ups) == 1 for ups in kinds.values()), kinds
    assert len(set().union(*kinds.values())) == 1, kinds  # one process for all three
    assert all(r["status"] in ("101", "200", "204", "304") for r in mine if r["uri"] != "/favicon.ico"), mine


def test_an_import_through_one_process_is_seen_by_the_other(served, browser):
    """The import above renamed a new database file into place: both processes (opened directly, past nginx)
    find the new room, so each reopened the file."""
    for port in served.backends:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}")
        settle(page, 60_000)
        page.get_by_text("更多选项", exact=False).first.click()   # the name search is folded away
        settle(page)
        box = page.get_by_role("textbox", name="按名称、地址、城市或区县搜索")
        box.fill("负载均衡测试小屋")
        box.press("Enter")
        settle(page)
        shot(page, f"serve_replica_{served.backends.index(port)}_after_import")
        page.get_by_text("共 1 家").wait_for(timeout=20_000)
        page.close()
    assert len({pid for pid, _ in served.runs()}) == 2


def test_a_killed_process_is_taken_out_and_restarted(served, browser):
    """Kill the process that holds a session: the same browser (its cookie hashes to the dead process) and a
    new one are still served, by the other process, and the supervisor starts a new process on the port."""
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(served.url)
    settle(page, 60_000)
    pid, _ = served.runs()[-1]
    os.kill(int(pid), signal.SIGKILL)
    for c in (ctx, browser.new_context()):
        p = c.pages[0] if c.pages else c.new_page()
        p.goto(served.url)
        settle(p, 60_000)
        p.get_by_text("更多选项", exact=False).first.wait_for(timeout=60_000)
        assert served.runs()[-1][0] != pid
        c.close()
    deadline = time.time() + 90
    while time.time() < deadline:
        if "exited (-9); restarting" in served.out.read_text() and all(
                _health(port) for port in served.backends):
            break
        time.sleep(0.5)
    assert "exited (-9); restarting" in served.out.read_text()
    assert all(_health(port) for port in served.backends)
    assert int(pid) not in _children(served.proc.pid)


def _health(port: int) -> bool:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def test_sigterm_stops_nginx_and_every_process(served):
    """SIGTERM to `serve`: it exits 0 and every process it started (nginx, its workers, the apps) is gone."""
    kids = _children(served.proc.pid)
    grandkids = [g for k in kids for g in _children(k)]
    assert len(kids) == 4  # two apps, the public finder's worker (--finder-workers 1) and the nginx master
    served.proc.send_signal(signal.SIGTERM)
    assert served.proc.wait(30) == 0
    time.sleep(0.5)
    assert [p for p in kids + grandkids if _alive(p)] == []
    assert not _health(served.backends[0]) and not _health(served.port)
