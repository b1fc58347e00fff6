"""Shared by the public finder's tests: a database with hostile and internal rooms added at known places, a
finder worker (``python -m jinguo finder``) on a free port, and plain HTTP."""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
R = 6371008.8
# A point in Luoyang's Xigong district (GCJ-02) and rooms put right beside it.
XIGONG = (112.4365, 34.6703)
HOSTILE_NAME = '<script>alert(1)</script><img src="http://evil.example/x.png">[点我](http://evil.example)'
HOSTILE_ADDRESS = "河南省洛阳市西工区<b>粗体</b> ![](http://evil.example/y.png) http://evil.example/z"
# id, name, lon, lat, kind, internal, address
ADDED = [
    ("RX1", HOSTILE_NAME, XIGONG[0] + 0.0002, XIGONG[1], "public", False, HOSTILE_ADDRESS),
    ("RX2", "内部职工小屋（不对外）", XIGONG[0], XIGONG[1] + 0.0001, "workplace_room", True, "河南省洛阳市西工区某厂"),
    ("RX/3 ?#", "编号带斜杠的小屋", XIGONG[0] - 0.0005, XIGONG[1], "public", False, "河南省洛阳市西工区某路"),
]


def hav(lon1, lat1, lon2, lat2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))


def hostile_copy(built_db: Path, dst: Path) -> Path:
    """A copy of the built database with the rooms of ADDED (open around the clock, every day)."""
    shutil.copyfile(built_db, dst)
    con = duckdb.connect(str(dst))
    for rid, name, lon, lat, kind, internal, address in ADDED:
        con.execute("""insert into mother_room values (?, ?, '410000', '410300', '410303', ?, ?, ?, 'gcj02', ?,
                       true, true, false, true, true, false, null, null, '1234567', '2022-01-01', true, true, ?,
                       ?, 'imported', null)""",
                    [rid, name, address, lon, lat, kind, internal, "内线 8001" if internal else None])
    con.close()
    return dst


def by_hand(db, lon, lat, n=5, radius_m=20_000.0, where="true"):
    """The public fixed rooms nearest (lon, lat), scanned by hand: (id, metres) by distance then id."""
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(f"select room_id, lon, lat from mother_room where not internal and kind <> 'mobile_bus' "
                       f"and {where}").fetchall()
    con.close()
    found = sorted((hav(lon, lat, x, y), rid) for rid, x, y in rows if abs(y - lat) < 1)
    return [(rid, d) for d, rid in found if d <= radius_m][:n]


def centroid(db, adcode):
    con = duckdb.connect(str(db), read_only=True)
    lon, lat = con.execute("select lon, lat from region where adcode = ?", [adcode]).fetchone()
    con.close()
    return lon, lat


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Worker:
    """``python -m jinguo finder`` on a free loopback port, against ``db``."""

    def __init__(self, db: Path, log: Path, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen([sys.executable, "-m", "jinguo", "finder", "--port", str(self.port)], cwd=ROOT,
                                     env={**os.environ, "JINGUO_DB": str(db), "PYTHONPATH": str(ROOT), **(env or {})},
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if urllib.request.urlopen(self.url + "/find", timeout=5).status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the finder worker did not start; see " + log.name)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class Reply:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def get(url: str, headers: dict | None = None, follow: bool = True, source: str | None = None) -> Reply:
    """GET ``url``; an HTTP error is a Reply too. ``source``: the local address to connect from."""
    if source:
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30, source_address=(source, 0))
        conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""), headers=headers or {})
        r = conn.getresponse()
        reply = Reply(r.status, r.headers, r.read())
        conn.close()
        return reply
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=60) as r:
            return Reply(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Reply(e.code, e.headers, e.read())
