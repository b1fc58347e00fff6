"""The public finder through ``python -m jinguo serve --replicas 1 --finder-workers 1`` (nginx in front), over
plain HTTP: nginx sends /find and /api/ to the finder's worker, caches identical questions briefly (a language
and a host apart), limits each client address (loopback exempt), and the app sends phones and old room links
to the finder."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

from jinguo.serve.supervisor import FINDER_BURST, free_port, nginx_binary
from tests.finder_util import ROOT, XIGONG, get, hostile_copy

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx missing: apt-get install -y nginx-light")
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
NEAR = "河南省洛阳市西工区"


class Served:
    def __init__(self, db: Path, tmp: Path):
        # nginx's workers (nobody, when the tests run as root) must reach the run dir: not under pytest's 0700 dirs
        self.run_dir = Path(tempfile.mkdtemp(prefix="jinguo-finder-serve-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "JINGUO_DB": str(db), "JINGUO_ACCOUNTS_DB": str(tmp / "accounts.db"),
               "PYTHONPATH": str(ROOT), "JINGUO_DATA_DIR": str(tmp / "registers")}
        self.out = tmp / "serve.out"
        with open(self.out, "wb") as f:
            self.proc = subprocess.Popen([sys.executable, "-m", "jinguo", "serve", "--replicas", "1",
                                          "--finder-workers", "1", "--port", str(self.port), "--run-dir",
                                          str(self.run_dir)], cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT)
        deadline = time.time() + 180
        while "serving http" not in self.out.read_text():
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("serve did not start: " + self.out.read_text())
            time.sleep(0.3)
        conf = (self.run_dir / "nginx.conf").read_text()
        block = re.search(r"upstream jinguo_finder \{(.*?)\n    \}", conf, re.S).group(1)
        self.finder_ports = re.findall(r"server 127\.0\.0\.1:(\d+)", block)

    def upstreams(self, uri_part: str) -> list[str]:
        """The upstream of every logged request whose URI contains ``uri_part`` (the log is flushed each s)."""
        deadline = time.time() + 10
        while time.time() < deadline:
            lines = [ln for ln in (self.run_dir / "access.log").read_text().splitlines() if uri_part in ln]
            if lines:
                return [re.search(r" up=(\S+)", ln).group(1) for ln in lines]
            time.sleep(0.3)
        return []


@pytest.fixture(scope="module")
def served(built_db, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("finder-serve")
    s = Served(hostile_copy(built_db, tmp / "f.duckdb"), tmp)
    yield s
    if s.proc.poll() is None:
        s.proc.send_signal(signal.SIGTERM)
        try:
            s.proc.wait(30)
        except subprocess.TimeoutExpired:
            s.proc.kill()
            s.proc.wait()
    shutil.rmtree(s.run_dir, ignore_errors=True)


def test_the_finder_is_answered_by_its_own_worker_and_cached_briefly(served):
    """The first answer is a cache MISS from the finder's worker, the same question again a HIT; the answer
    says how long it may be kept (30 s), and nginx's jg_backend cookie stays off the finder's answers."""
    assert len(served.finder_ports) == 1
    url = served.url + f"/find?lon={XIGONG[0]}&lat={XIGONG[1]}&open=0&n=3&t=cachetest"
    first, again = get(url), get(url)
    assert (first.status, again.status) == (200, 200) and first.body == again.body
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("MISS", "HIT")
    assert first.headers["Cache-Control"] == "public, max-age=30" and "Set-Cookie" not in first.headers
    ups = set(served.upstreams(" GET /find "))           # the log has the path, not the query
    assert f"127.0.0.1:{served.finder_ports[0]}" in ups and ups <= {f"127.0.0.1:{served.finder_ports[0]}", "-"}
    # the JSON and a room's page too
    api = served.url + f"/api/rooms/near?lon={XIGONG[0]}&lat={XIGONG[1]}&cachetest2=1"
    assert (get(api).headers["X-Cache"], get(api).headers["X-Cache"]) == ("MISS", "HIT")


def test_a_cached_answer_keeps_each_language_and_each_host_apart(served):
    """The same URL asked in Chinese, then in English, then in Chinese: each reader gets their own language
    (Vary: Accept-Language). A room's page prints its host's address in the QR caption, so hosts are apart."""
    url = served.url + f"/find?lon={XIGONG[0]}&lat={XIGONG[1]}&open=0&n=1&t=langtest"
    zh = get(url, headers={"Accept-Language": "zh-CN"})
    en = get(url, headers={"Accept-Language": "en-US"})
    zh2 = get(url, headers={"Accept-Language": "zh-CN"})
    assert "高德导航" in zh.text and "Navigate (Amap)" in en.text and "高德导航" in zh2.text
    assert zh2.headers["X-Cache"] == "HIT"
    a = get(served.url + "/find/room/RX1", headers={"Host": "rooms-a.example"})
    b = get(served.url + "/find/room/RX1", headers={"Host": "rooms-b.example"})
    assert "http://rooms-a.example/find/room/RX1" in a.text and "http://rooms-b.example/find/room/RX1" in b.text


def test_each_client_address_is_limited_and_loopback_is_not(served):
    """From 127.0.0.2 (another client, as far as nginx knows) a burst beyond the limit gets 429 with a message
    in both languages; from 127.0.0.1 (the bench, this host) the same burst is all answered."""
    url = served.url + "/api/rooms/RX1"
    others = [get(url, source="127.0.0.2") for _ in range(FINDER_BURST + 30)]
    refused = [r for r in others if r.status == 429]
    assert refused and all(r.status in (200, 429) for r in others)
    assert "请求太频繁" in refused[0].text and "Too many requests" in refused[0].text
    assert refused[0].headers["Retry-After"] == "1" and refused[0].headers["Cache-Control"] == "no-store"
    assert all(get(url).status == 200 for _ in range(FINDER_BURST + 30))


def test_a_phone_opening_the_root_is_sent_to_the_finder(served):
    """Through nginx and the app: a phone without a sign-in is sent from / to /find, with a shared link's
    question; a desktop, or a phone signed in, gets the dashboard."""
    r = get(served.url + "/", headers={"User-Agent": PHONE}, follow=False)
    assert r.status == 302 and r.headers["Location"] == "/find"
    q = urllib.parse.urlencode({"mr_near": NEAR})
    shared = get(served.url + "/?" + q, headers={"User-Agent": PHONE}, follow=False)
    assert shared.status == 302 and shared.headers["Location"] == "/find?" + urllib.parse.urlencode({"near": NEAR})
    desk = get(served.url + "/?" + q, follow=False)
    assert desk.status == 200 and "<noscript>" in desk.text.lower()       # Streamlit's page
    signed = get(served.url + "/", headers={"User-Agent": PHONE, "Cookie": "jinguo_session=x"}, follow=False)
    assert signed.status == 200
    landed = get(served.url + shared.headers["Location"], headers={"User-Agent": PHONE})
    assert landed.status == 200 and "附近" in landed.text and "高德导航" in landed.text


def test_an_old_room_link_leads_to_the_rooms_page(served):
    """/mother-rooms?room=ID, as printed before, opens /find/room/ID on any device (signed-in staff keep the
    Streamlit page, with the contact)."""
    old = get(served.url + "/mother-rooms?room=RX1", follow=False)
    assert old.status == 302 and old.headers["Location"] == "/find/room/RX1"
    assert "<svg" in get(served.url + "/mother-rooms?room=RX1").text
    assert get(served.url + "/mother-rooms?room=RX1", headers={"Cookie": "jinguo_session=x"},
               follow=False).status == 200


def test_stopping_serve_stops_the_finder_workers(served):
    """SIGTERM stops nginx, the app process and the finder worker; none outlives it."""
    port = int(served.finder_ports[0])
    assert get(f"http://127.0.0.1:{port}/find").status == 200
    served.proc.send_signal(signal.SIGTERM)
    served.proc.wait(60)
    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{port}/find")
