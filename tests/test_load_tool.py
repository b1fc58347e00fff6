"""The protocol load generator (tools/load.py): it refuses what it must, and the script runs it counts are
the runs the server logged (JINGUO_RUN_LOG), session by session, against a real `streamlit run`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from jinguo.serve.supervisor import free_port
from tools import load

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8501", "http://127.9.9.9:1/", "http://[::1]:8501/x",
                                 "http://localhost:8501"])
def test_loopback_targets_are_accepted(url):
    """127.0.0.0/8, ::1 and localhost resolve to this machine."""
    host, port = load.check_loopback(url)
    assert port in (8501, 1)


@pytest.mark.parametrize("url", ["http://10.0.0.1:8501", "http://192.168.1.2", "http://[2001:db8::1]:80",
                                 "http://0.0.0.0:8501", "ftp://127.0.0.1/", "127.0.0.1:8501",
                                 "http://[::ffff:10.0.0.1]:8501"])
def test_other_targets_are_refused(url):
    """Anything that is not loopback (or not http) is refused before a connection is made."""
    with pytest.raises(load.NotLoopback):
        load.check_loopback(url)


@pytest.mark.parametrize("sessions,seconds,interval", [(0, 5, 1), (201, 5, 1), (3, 0, 1), (3, 601, 1), (3, 5, 0.1)])
def test_bounds_are_enforced(sessions, seconds, interval):
    """More than 200 sessions, more than 600 s, or a rerun storm is refused."""
    with pytest.raises(ValueError):
        load.run_blocking("http://127.0.0.1:9", sessions, seconds, interval)


def test_the_command_refuses_a_remote_target_with_a_message():
    r = subprocess.run([sys.executable, "-m", "tools.load", "--url", "http://10.1.2.3:8501", "--sessions", "1",
                        "--seconds", "1"], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert r.returncode == 2 and "refused" in r.stderr and "not loopback" in r.stderr


@pytest.fixture()
def logged_server(built_db, tmp_path):
    """`streamlit run app.py` on a free port, writing a line per script run to runs.log."""
    port = free_port()
    runlog = tmp_path / "runs.log"
    env = {**os.environ, "JINGUO_DB": str(built_db), "JINGUO_ACCOUNTS_DB": str(tmp_path / "accounts.db"),
           "JINGUO_RUN_LOG": str(runlog), "PYTHONPATH": str(ROOT)}
    with open(tmp_path / "server.log", "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                 "--server.address", "127.0.0.1", "--server.port", str(port)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("streamlit did not start") from None
                time.sleep(0.3)
        yield url, runlog
    finally:
        proc.terminate()
        proc.wait(15)


def test_counted_reruns_match_the_reruns_the_server_logged(logged_server):
    """3 sessions × 8 s, one search every second: every script run the client saw is one the server logged,
    per server session, and every run was an open, an interaction or the landing's redirect (no errors)."""
    url, runlog = logged_server
    res = load.run_blocking(url, sessions=3, seconds=8, interval=1.0)
    s = res.summary()
    assert s["errors"] == 0, s["samples"]
    assert s["opened"] == 3 and s["interactions"] >= 3, s
    logged = Counter(line.split()[3] for line in runlog.read_text().splitlines())
    assert logged == res.runs_by_session
    # The public lands on "/" and the app sends them on to the room finder (st.switch_page): one run cut short
    # per session on open, none after (the client then asks for the finder's own page).
    assert s["app_reruns"] == 3
    # the name search is in the finder's folded options: each session opens them once, as a reader does
    assert s["panel_opens"] == 3
    assert (sum(logged.values()) == s["runs_seen"]
            == s["opened"] + s["interactions"] + s["app_reruns"] + s["panel_opens"])
    assert len(logged) == 3
