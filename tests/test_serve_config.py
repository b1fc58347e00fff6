"""`jinguo serve` without starting it: the generated nginx config is valid and says what the design needs; bad
arguments get a message; the runtime package never imports tools or tests."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jinguo.serve.supervisor import Supervisor, nginx_binary, render_config

ROOT = Path(__file__).resolve().parents[1]


def test_the_generated_config_is_accepted_by_nginx(tmp_path):
    """nginx -t (unprivileged prefix, no /etc) accepts the config for three processes."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx missing: apt-get install -y nginx-light")
    (tmp_path / "tmp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_config(tmp_path, "127.0.0.1:18999", [18001, 18002, 18003]), encoding="utf-8")
    r = subprocess.run([binary, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "test is successful" in r.stderr


def test_the_config_keeps_sessions_on_their_process_and_takes_dead_ones_out(tmp_path):
    """Every process is listed with passive health; the upstream hashes the nginx-set cookie; the websocket is
    upgraded; no placeholder is left; every path nginx writes is under the runtime dir."""
    text = render_config(tmp_path, "127.0.0.1:18999", [18001, 18002])
    app = re.search(r"upstream jinguo_app \{(.*?)\n    \}", text, re.S).group(1)
    assert re.findall(r"server (127\.0\.0\.1:\d+) max_fails=1 fail_timeout=5s;", app) == \
        ["127.0.0.1:18001", "127.0.0.1:18002"]
    assert "hash $jg_key consistent;" in text and "ip_hash" not in text.replace("ip_hash would", "")
    assert '$request_id;' in text and "jg_backend=$request_id" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text and "location = /_stcore/stream" in text
    assert not re.search(r"@[A-Z_]+@", re.sub(r"#.*", "", text))     # no placeholder left
    for path in re.findall(r"^\s*(?:pid|error_log|access_log|\w+_temp_path|proxy_cache_path)\s+(\S+)", text, re.M):
        assert path.startswith(str(tmp_path)), path


@pytest.mark.parametrize("n", [0, 17])
def test_replica_count_is_bounded(n):
    with pytest.raises(ValueError):
        Supervisor(replicas=n)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "jinguo", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)


def test_serve_refuses_a_bad_replica_count_with_a_message():
    r = _cli("serve", "--replicas", "0")
    assert r.returncode == 2 and "between 1 and 16" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("cmd,tool", [("bench", "tools.bench"), ("load", "tools.load")])
def test_moved_commands_say_where_they_went(cmd, tool):
    r = _cli(cmd, "--scales", "1")
    assert r.returncode == 2 and f"python -m {tool}" in r.stderr


def test_runtime_code_never_imports_tools_or_tests():
    """app.py, app_pages/ and jinguo/ import neither `tools` nor `tests` (not even inside functions)."""
    files = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "jinguo").rglob("*.py"))]
    bad = []
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            bad += [f"{f.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in ("tools", "tests")]
    assert bad == []


def test_every_location_passes_the_readers_address_and_host(tmp_path):
    """A location with its own proxy_set_header drops the server block's: each location repeats Host and
    X-Real-IP (the sign-in lockout's per-client key behind nginx)."""
    text = re.sub(r"#.*", "", render_config(tmp_path, "127.0.0.1:18999", [18001]))
    locations = [b for b in re.findall(r"^\s*location\b[^{]*\{(.*?)\n\s*\}", text, re.S | re.M)
                 if "proxy_pass" in b]
    assert len(locations) == 3      # the websocket, the public finder, the rest
    for body in locations:
        assert "proxy_set_header X-Real-IP $remote_addr;" in body and "proxy_set_header Host $http_host;" in body


@pytest.mark.parametrize("peer, header, expected", [
    ("127.0.0.1", "203.0.113.5", "203.0.113.5"),     # through our nginx: the reader's address
    ("198.51.100.7", "203.0.113.5", "198.51.100.7"),  # a remote client cannot pick its own lock key
    ("127.0.0.1", None, "127.0.0.1"),
    (None, None, "local"),
])
def test_the_sign_in_client_is_the_readers_address_only_through_loopback(monkeypatch, peer, header, expected):
    from types import SimpleNamespace

    from jinguo.web import signin

    ctx = SimpleNamespace(ip_address=peer, headers={"X-Real-IP": header} if header else {})
    monkeypatch.setattr(signin, "st", SimpleNamespace(context=ctx))
    assert signin._client() == expected


def test_the_finder_has_its_own_workers_cache_and_limit(tmp_path):
    """/find and /api/ go to the finder's workers (or, with none, to the app processes), through a cache keyed
    by host and URI and a per-address limit that loopback escapes."""
    text = render_config(tmp_path, "127.0.0.1:18999", [18001], finder=[18101, 18102])
    finder = re.search(r"upstream jinguo_finder \{(.*?)\n    \}", text, re.S).group(1)
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", finder) == ["18101", "18102"] and "keepalive" in finder
    loc = re.search(r"location ~ \^/\(find\$\|find/\|api/\) \{(.*?)\n        \}", text, re.S).group(1)
    assert "proxy_pass http://jinguo_finder;" in loc and "proxy_cache_key $scheme$host$request_uri;" in loc
    assert "limit_req zone=finder_rate" in loc and re.search(r"127\.0\.0\.1 0;", text)
    alone = render_config(tmp_path, "127.0.0.1:18999", [18001])
    assert re.findall(r"server 127\.0\.0\.1:(\d+)",
                      re.search(r"upstream jinguo_finder \{(.*?)\n    \}", alone, re.S).group(1)) == ["18001"]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root's nginx workers run as another user")
def test_a_run_dir_nginx_workers_cannot_reach_is_refused_with_a_message(tmp_path):
    shut = tmp_path / "shut"
    shut.mkdir(mode=0o700)
    with pytest.raises(ValueError, match="cannot pass through"):
        Supervisor(replicas=1, run_dir=shut / "run")
    with pytest.raises(ValueError, match="finder-workers"):
        Supervisor(replicas=1, finder_workers=17)
