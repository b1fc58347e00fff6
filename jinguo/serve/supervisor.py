"""``python -m jinguo serve``: N Streamlit processes on loopback ports behind an unprivileged nginx.

One process per core is the point: a Streamlit process runs every session's script in threads of one
Python, so one process uses one core at a time (the GIL). The supervisor

* writes ``nginx.conf`` from ``nginx.conf.template`` into a runtime directory (pid, logs, temp files
  there; nothing under /etc), with one ``server`` line per replica;
* starts the replicas (``streamlit run serve_app.py``, i.e. app.py plus the sign-in cookie routes
  ``/_jinguo/…``, from the project root, so ``.streamlit/config.toml`` is
  honoured: no file watcher, no usage statistics) with one shared cookie secret, and nginx in the
  foreground;
* starts M public-finder workers (``python -m jinguo finder``: Starlette on uvicorn, ``--finder-workers``),
  to which nginx sends /find and /api/ (cached briefly, rate-limited per client address), so a crowd at
  the finder and the dashboard's sessions never queue behind each other's Python;
* restarts a replica or finder worker that exits, on the same port (nginx has meanwhile taken it out: max_fails /
  fail_timeout, and retried the request on another process);
* on SIGTERM or SIGINT stops nginx and every replica and waits for them; children also get SIGTERM from
  the kernel if the supervisor itself is killed (``PR_SET_PDEATHSIG``), so nothing is orphaned.

The database is opened read-only by every replica (jinguo.store.db / jinguo.web.data); an import renames a new file
over it and every replica reopens it on its next rerun (the connection is keyed by the file's inode).
"""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from jinguo.paths import ROOT

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
NGINX = "/usr/sbin/nginx"
MAX_REPLICAS = 16
MAX_FINDER_WORKERS = 16
FAIL_TIMEOUT_S = 5
FINDER_RATE = 10          # requests a second per client address at the public finder (loopback exempt)
FINDER_BURST = 40         # asked at once beyond the rate before nginx answers 429


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (NGINX if os.access(NGINX, os.X_OK) else None)


def _servers(ports: list[int]) -> str:
    return "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout={FAIL_TIMEOUT_S}s;" for p in ports)


def render_config(run_dir: Path, listen: str, backends: list[int], max_body_mb: int = 210,
                  finder: list[int] | None = None) -> str:
    """The nginx config for the app processes ``backends`` and the finder workers ``finder`` (loopback ports;
    without finder workers the app processes answer /find and /api/ too), from the committed template."""
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in {"RUN": str(run_dir), "LISTEN": listen, "SERVERS": _servers(backends),
                       "FINDER_SERVERS": _servers(finder or backends), "FINDER_RATE": str(FINDER_RATE),
                       "FINDER_BURST": str(FINDER_BURST),
                       "MAX_BODY_MB": str(max_body_mb), "FAIL_TIMEOUT": f"{FAIL_TIMEOUT_S} s"}.items():
        text = text.replace(f"@{key}@", value)
    return text


@dataclass
class Child:
    name: str
    argv: list[str]
    log: Path
    port: int | None = None
    health: str = "/_stcore/health"     # a GET that answers 200 once the process serves
    proc: subprocess.Popen | None = None
    starts: list[float] = field(default_factory=list)

    def start(self, env: dict) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)  # noqa: PLW1509
        self.starts.append(time.time())

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Supervisor:
    def __init__(self, replicas: int = 2, port: int = 8501, host: str = "127.0.0.1", run_dir: Path | None = None,
                 quiet: bool = False, finder_workers: int = 1):
        if not 1 <= replicas <= MAX_REPLICAS:
            raise ValueError(f"--replicas must be between 1 and {MAX_REPLICAS}")
        if not 0 <= finder_workers <= MAX_FINDER_WORKERS:
            raise ValueError(f"--finder-workers must be between 0 and {MAX_FINDER_WORKERS}")
        self.host, self.port, self.quiet = host, port, quiet
        self.run_dir = Path(run_dir or tempfile.mkdtemp(prefix="jinguo-serve-")).resolve()
        for sub in ("tmp", "logs"):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        self.run_dir.chmod(0o755)  # run as root, nginx's workers (nobody) must reach their temp dirs
        if os.geteuid() == 0:      # ... and every folder above it (the finder's cache is written there)
            shut = [p for p in self.run_dir.parents if not p.stat().st_mode & 0o001]
            if shut:
                raise ValueError(f"--run-dir {self.run_dir}: nginx's workers (user nobody) cannot pass through "
                                 f"{shut[0]} (chmod o+x it, or choose a run dir under /tmp)")
        self.url = f"http://{host}:{port}"
        # One secret: a cookie signed by one replica is valid on the others (set it in the environment to
        # share it between hosts).
        secret = os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_hex(32)
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "STREAMLIT_SERVER_COOKIE_SECRET": secret}
        self.replicas = []
        for i in range(replicas):
            p = free_port()
            self.replicas.append(Child(
                f"replica-{i}", [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve_app.py"),
                                 "--server.headless", "true", "--server.address", "127.0.0.1",
                                 "--server.port", str(p)],
                self.run_dir / "logs" / f"replica-{i}.log", port=p))
        # The public finder's workers (/find, /api/): uvicorn processes of their own, so a crowd at the finder
        # and the dashboard's sessions never wait for each other's Python.
        self.finders = []
        for i in range(finder_workers):
            p = free_port()
            self.finders.append(Child(
                f"finder-{i}", [sys.executable, "-m", "jinguo", "finder", "--port", str(p)],
                self.run_dir / "logs" / f"finder-{i}.log", port=p, health="/find"))
        self.nginx: Child | None = None
        self._stopping = False

    # ------------------------------------------------------------------ lifecycle
    def say(self, msg: str) -> None:
        if not self.quiet:
            print(msg, flush=True)

    def start(self, timeout: float = 90) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx not found: apt-get install -y nginx-light (make system-deps does this)")
        conf = self.run_dir / "nginx.conf"
        conf.write_text(render_config(self.run_dir, f"{self.host}:{self.port}", [c.port for c in self.replicas],
                                      finder=[c.port for c in self.finders]), encoding="utf-8")
        check = subprocess.run([binary, "-t", "-q", "-p", str(self.run_dir), "-c", str(conf), "-e",
                                str(self.run_dir / "error.log")], capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"nginx rejected {conf}: {check.stderr.strip()}")
        for c in [*self.replicas, *self.finders]:
            c.start(self._replica_env(c))
        self.nginx = Child("nginx", [binary, "-p", str(self.run_dir), "-c", str(conf), "-e",
                                     str(self.run_dir / "error.log")], self.run_dir / "logs" / "nginx.log")
        self.nginx.start(self.env)
        deadline = time.time() + timeout
        for c in [*self.replicas, *self.finders]:
            if not self._wait_healthy(f"http://127.0.0.1:{c.port}", deadline, c):
                self.stop()
                raise RuntimeError(f"{c.name} did not start; see {c.log}")
        if not self._wait_healthy(self.url, deadline, self.nginx):
            self.stop()
            raise RuntimeError(f"nginx did not start on {self.url}; see {self.run_dir / 'error.log'}")
        self.say(f"serving {self.url} with {len(self.replicas)} replica(s) on ports "
                 f"{', '.join(str(c.port) for c in self.replicas)}, {len(self.finders)} finder worker(s)"
                 f"{' on ports ' + ', '.join(str(c.port) for c in self.finders) if self.finders else ''}; "
                 f"runtime dir {self.run_dir}")

    def _replica_env(self, c: Child) -> dict:
        return {**self.env, "JINGUO_REPLICA": c.name}

    @staticmethod
    def _wait_healthy(url: str, deadline: float, child: Child) -> bool:
        while time.time() < deadline:
            if not child.alive():
                return False
            try:
                with urllib.request.urlopen(url + child.health, timeout=2) as r:
                    if r.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.25)
        return False

    def check_once(self) -> list[str]:
        """Restart whatever has exited (a replica on its own port; nginx too). Returns what was restarted."""
        restarted = []
        for c in [*self.replicas, *self.finders, self.nginx]:
            if c is None or c.alive() or self._stopping:
                continue
            if c.starts and time.time() - c.starts[-1] < 1.0:  # crash loop: at most one start a second
                continue
            self.say(f"{c.name} exited ({c.proc.returncode if c.proc else '?'}); restarting")
            c.start(self._replica_env(c) if c is not self.nginx else self.env)
            restarted.append(c.name)
        return restarted

    def run_forever(self, interval: float = 0.5) -> None:
        while not self._stopping:
            self.check_once()
            time.sleep(interval)

    def stop(self, timeout: float = 15) -> None:
        """Stop nginx first (no new requests), then the replicas; SIGKILL what outlives ``timeout``."""
        self._stopping = True
        children = [c for c in [self.nginx, *self.replicas, *self.finders] if c is not None and c.proc is not None]
        for c in children:
            if c.alive():
                c.proc.send_signal(signal.SIGTERM)
        deadline = time.time() + timeout
        for c in children:
            try:
                c.proc.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                c.proc.kill()
                c.proc.wait()


def serve(replicas: int, port: int, host: str, run_dir: Path | None, finder_workers: int = 1) -> int:
    try:
        sup = Supervisor(replicas, port, host, run_dir, finder_workers=finder_workers)
    except ValueError as e:
        print(f"serve: {e}", file=sys.stderr)
        return 2

    def _on_signal(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        sup.start()
        sup.run_forever()
    except KeyboardInterrupt:
        pass
    except RuntimeError as e:
        print(f"serve failed: {e}", file=sys.stderr)
        sup.stop()
        return 2
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sup.stop()
        sup.say("stopped")
    return 0
