"""``python -m tools.load``: a load generator that speaks Streamlit's own protocol, with no browser.

Each of S sessions does what the frontend does (frontend/connection + App.tsx in streamlit/streamlit; the
server side is streamlit/web/server/starlette/starlette_websocket.py):

1. ``GET /`` for the page and its cookies (behind ``jinguo serve`` that is the ``jg_backend`` affinity
   cookie, so the session's later requests reach the same process);
2. opens the websocket ``/_stcore/stream`` with subprotocol ``streamlit`` (the frontend puts its XSRF
   token and a previous session id in the 2nd and 3rd subprotocol entries; a fresh client sends neither);
3. sends ``BackMsg.rerun_script`` (a ``ClientState`` with the query string, ``page_script_hash`` "" for
   the default page, no widget states) and reads ``ForwardMsg``s: a ``new_session`` starts each script
   run, ``delta``s carry the elements (here: the widgets' ids), ``script_finished`` ends the run;
   The room search sits in the finder's folded options, drawn only when they are open: a session opens
   them once (the expander's own widget state, as a click does), counted as ``panel_opens``;
4. every T seconds changes a filter: a rerun with the search box's ``WidgetState`` set to a new string
   (the mother-room page, which is what a reader who is not signed in gets), timed from the send to
   ``script_finished``.

Every failure is counted by kind: connect, closed, timeout, exception element, error alert, page not found,
compile error, no search box. Bounded: at most 200 sessions and 600 s, and loopback targets only.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookies
import ipaddress
import json
import random
import socket
import statistics
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlparse

from jinguo.text import i18n

MAX_SESSIONS = 200
MAX_SECONDS = 600
RERUN_TIMEOUT_S = 60.0
SEARCH_LABELS = tuple(i18n.t("rooms.search", lang) for lang in ("zh", "en"))
MORE_LABELS = tuple(i18n.t("finder.more", lang) for lang in ("zh", "en"))   # the folded options around it
WORDS = ["洛阳", "济南", "哈尔滨", "广州", "重庆", "西工", "历下", "公交", "成都", "长沙"]


class NotLoopback(ValueError):
    """The target is not this machine."""


def check_loopback(url: str) -> tuple[str, int]:
    """(host, port) of ``url`` if every address it resolves to is loopback (127.0.0.0/8 or ::1)."""
    u = urlparse(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise NotLoopback(f"not an http(s) URL: {url!r}")
    port = u.port or (443 if u.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(u.hostname, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as e:
        raise NotLoopback(f"cannot resolve {u.hostname!r}: {e}") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        if not (ip.is_loopback or (mapped is not None and mapped.is_loopback)):
            raise NotLoopback(f"{u.hostname} resolves to {ip}, not loopback: this tool only loads this machine")
    return u.hostname, port


@dataclass
class Result:
    sessions: int
    seconds: float
    interval: float
    opens_s: list[float] = field(default_factory=list)
    reruns_s: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    runs_seen: int = 0  # script runs the server started for us (one ``new_session`` each)
    runs_by_session: Counter = field(default_factory=Counter)  # server session id -> script runs
    app_reruns: int = 0  # runs the app itself cut short for another (st.rerun, st.switch_page: the public's landing)
    panel_opens: int = 0  # runs that opened the finder's folded options (where the name search is) after the open
    bytes_in: int = 0  # ForwardMsg bytes received, opens and interactions
    samples: list[str] = field(default_factory=list)  # the first few error texts, to say what failed

    def error(self, kind: str, text: str = "") -> None:
        self.errors[kind] += 1
        if len(self.samples) < 5:
            self.samples.append(f"{kind}: {text[:300]}")

    def summary(self) -> dict:
        def pct(xs, q):
            xs = sorted(xs)
            return round(xs[min(len(xs) - 1, int(q * len(xs)))], 4) if xs else None

        return {"sessions": self.sessions, "seconds": self.seconds, "interval_s": self.interval,
                "opened": len(self.opens_s), "open_p50_s": pct(self.opens_s, 0.5), "open_p95_s": pct(self.opens_s, 0.95),
                "interactions": len(self.reruns_s), "errors": sum(self.errors.values()),
                "errors_by_kind": dict(self.errors),
                "p50_s": pct(self.reruns_s, 0.5), "p95_s": pct(self.reruns_s, 0.95),
                "max_s": round(max(self.reruns_s), 4) if self.reruns_s else None,
                "mean_s": round(statistics.fmean(self.reruns_s), 4) if self.reruns_s else None,
                "runs_seen": self.runs_seen, "app_reruns": self.app_reruns, "panel_opens": self.panel_opens, "bytes_in": self.bytes_in, "server_sessions": len(self.runs_by_session),
                "runs_by_session": dict(self.runs_by_session), "samples": self.samples}


def widget_state(el, known: bool):
    """The ``WidgetState`` a browser holds for element ``el`` after this run, or None to leave it out.

    The frontend sends every widget's value with every rerun; a widget left out is reset to its
    default by the server. A value the app set through ``st.session_state`` arrives with
    ``set_value``; otherwise the widget shows its default, unless the client already holds a value
    (``known``). Buttons, charts and tables hold no state between runs.
    """
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    kind = el.WhichOneof("type")
    w = getattr(el, kind, None) if kind else None
    if w is None or not getattr(w, "id", "") or (known and not getattr(w, "set_value", False)):
        return None
    ws = WidgetState(id=w.id)
    sv = getattr(w, "set_value", False)
    if kind in ("text_input", "text_area"):
        if sv or w.HasField("default"):
            ws.string_value = w.value if sv else w.default
            return ws
    elif kind in ("radio", "selectbox"):
        if sv and w.HasField("raw_value"):
            ws.string_value = w.raw_value
            return ws
        if not sv and w.HasField("default") and 0 <= w.default < len(w.options):
            ws.string_value = w.options[w.default]
            return ws
    elif kind == "multiselect":
        ws.string_array_value.data.extend(w.raw_values if sv else [w.options[i] for i in w.default])
        return ws
    elif kind == "button_group":
        ws.string_array_value.data.extend(w.raw_values if sv else [w.options[i].content for i in w.default])
        return ws
    elif kind == "slider":
        ws.double_array_value.data.extend(w.value if sv else w.default)
        return ws
    elif kind == "checkbox":
        ws.bool_value = w.value if sv else w.default
        return ws
    return None


class Session:
    def __init__(self, base: str, query: str, res: Result):
        self.base, self.query, self.res = base.rstrip("/"), query, res
        self.ws = None
        self.page_hash = ""
        self.search_id: str | None = None
        self.more_id: str | None = None
        self.widgets: dict = {}  # widget id -> the WidgetState the frontend would send back

    def _cookies(self) -> str:
        """``GET /`` as a browser does first; returns the Cookie header for the websocket."""
        with urllib.request.urlopen(self.base + "/", timeout=30) as r:
            r.read()
            jar = http.cookies.SimpleCookie()
            for h in r.headers.get_all("Set-Cookie") or []:
                jar.load(h)
        return "; ".join(f"{k}={m.value}" for k, m in jar.items())

    async def open(self) -> bool:
        from websockets.asyncio.client import connect

        t = time.perf_counter()
        try:
            cookie = await asyncio.to_thread(self._cookies)
            ws_url = "ws" + self.base[4:] + "/_stcore/stream"
            self.ws = await connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=30,
                                    additional_headers={"Cookie": cookie} if cookie else None,
                                    ping_interval=None)
        except Exception as e:  # noqa: BLE001 - counted by kind
            self.res.error("connect", repr(e))
            return False
        ok = await self._rerun(None)
        if ok and self.search_id is None and self.more_id:
            # the name search is in the folded options, drawn once opened: open them as a reader does
            from streamlit.proto.WidgetStates_pb2 import WidgetState

            self.widgets[self.more_id] = WidgetState(id=self.more_id, bool_value=True)
            self.res.panel_opens += 1
            ok = await self._rerun(None)
        if ok:
            self.res.opens_s.append(time.perf_counter() - t)
            if self.search_id is None:
                self.res.error("no_search_box", "the page has no mother-room search box")
                return False
        return ok

    async def interact(self, word: str) -> None:
        t = time.perf_counter()
        if await self._rerun(word):
            self.res.reruns_s.append(time.perf_counter() - t)

    async def _rerun(self, word: str | None) -> bool:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        states = WidgetStates()
        if word is not None and self.search_id:
            from streamlit.proto.WidgetStates_pb2 import WidgetState

            self.widgets.setdefault(self.search_id, WidgetState(id=self.search_id)).string_value = word
        states.widgets.extend(self.widgets.values())
        msg = BackMsg(rerun_script=ClientState(query_string=self.query, page_script_hash=self.page_hash,
                                               widget_states=states))
        try:
            await self.ws.send(msg.SerializeToString())
            return await asyncio.wait_for(self._until_finished(), RERUN_TIMEOUT_S)
        except TimeoutError:
            self.res.error("timeout", f"no script_finished within {RERUN_TIMEOUT_S:g} s")
        except Exception as e:  # noqa: BLE001 - the websocket closed or broke
            self.res.error("closed", repr(e))
        return False

    async def _until_finished(self) -> bool:
        from streamlit.proto.Alert_pb2 import Alert
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        ok = True
        while True:
            fm = ForwardMsg()
            raw = await self.ws.recv()
            self.res.bytes_in += len(raw)
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.res.runs_seen += 1
                self.page_hash = fm.new_session.page_script_hash or self.page_hash
                self.res.runs_by_session[fm.new_session.initialize.session_id] += 1
            elif (kind == "delta" and fm.delta.WhichOneof("type") == "add_block"
                  and fm.delta.add_block.WhichOneof("type") == "expandable"
                  and fm.delta.add_block.expandable.label in MORE_LABELS and fm.delta.add_block.expandable.id):
                self.more_id = fm.delta.add_block.expandable.id   # the folded options (the search is inside)
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                et = el.WhichOneof("type")
                if et == "exception":
                    self.res.error("exception", f"{el.exception.type}: {el.exception.message}")
                    ok = False
                elif et == "alert" and el.alert.format == Alert.ERROR:
                    self.res.error("error_alert", el.alert.body)
                    ok = False
                else:
                    ws = widget_state(el, getattr(getattr(el, et), "id", "") in self.widgets)
                    if ws is not None:
                        self.widgets[ws.id] = ws
                    if et == "text_input" and el.text_input.label in SEARCH_LABELS:
                        self.search_id = el.text_input.id
            elif kind == "page_not_found":
                self.res.error("page_not_found", fm.page_not_found.page_name)
                ok = False
            elif kind == "script_finished":
                st = fm.script_finished
                if st == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    self.res.error("compile_error")
                    return False
                if st in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    return ok
                if st == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    # the app called st.rerun() or st.switch_page(); the next run follows on this socket
                    self.res.app_reruns += 1

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken socket
                pass


class _Start:
    """The interaction phase starts once every session has opened (or failed to): D seconds from then."""

    def __init__(self, sessions: int, seconds: float):
        self.pending, self.seconds = sessions, seconds
        self.event = asyncio.Event()
        self.end = 0.0

    def done_opening(self) -> None:
        self.pending -= 1
        if self.pending == 0:
            self.end = time.monotonic() + self.seconds
            self.event.set()


async def _one(i: int, base: str, query: str, res: Result, interval: float, start: _Start, rng: random.Random):
    s = Session(base, query, res)
    try:
        await asyncio.sleep(rng.uniform(0, min(interval, 5.0)))  # stagger the arrivals a little
        opened = await s.open()
        start.done_opening()
        if not opened:
            return
        await start.event.wait()
        n = i
        next_at = time.monotonic() + rng.uniform(0, interval)
        while True:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            if time.monotonic() >= start.end:
                break
            n += 1
            await s.interact(WORDS[n % len(WORDS)] + ("" if n % 3 == 0 else str(n % 3)))
            next_at += interval
    finally:
        await s.close()


async def run(url: str, sessions: int, seconds: float, interval: float = 10.0, query: dict | None = None,
              seed: int = 42) -> Result:
    """Open ``sessions`` sessions, then let each change the search every ``interval`` s for ``seconds`` s.

    Raises ValueError for a target or a bound it refuses."""
    check_loopback(url)
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be 1..{MAX_SESSIONS}")
    if not 1 <= seconds <= MAX_SECONDS:
        raise ValueError(f"seconds must be 1..{MAX_SECONDS}")
    if not 0.2 <= interval <= MAX_SECONDS:
        raise ValueError("interval must be at least 0.2 s")
    res = Result(sessions, seconds, interval)
    rng = random.Random(seed)
    start = _Start(sessions, seconds)
    qs = urlencode(query or {})
    await asyncio.gather(*(_one(i, url, qs, res, interval, start, rng) for i in range(sessions)))
    return res


def run_blocking(*args, **kwargs) -> Result:
    """:func:`run` from synchronous code, in a thread of its own (works where an event loop is already
    running in this thread, e.g. beside Playwright's sync API)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as ex:
        return ex.submit(lambda: asyncio.run(run(*args, **kwargs))).result()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="the app or the balancer, on loopback: http://127.0.0.1:8501")
    p.add_argument("--sessions", type=int, default=10, help=f"concurrent sessions (max {MAX_SESSIONS})")
    p.add_argument("--seconds", type=float, default=60,
                   help=f"duration of the interaction phase, after every session has opened (max {MAX_SECONDS})")
    p.add_argument("--interval", type=float, default=10, help="seconds between one session's interactions")
    p.add_argument("--json", action="store_true", help="print the summary as JSON only")
    args = p.parse_args(argv)
    try:
        res = run_blocking(args.url, args.sessions, args.seconds, args.interval)
    except ValueError as e:
        print(f"refused: {e}", file=sys.stderr)
        return 2
    s = res.summary()
    if args.json:
        print(json.dumps(s))
    else:
        print(f"{s['sessions']} sessions × {s['seconds']:g} s, one interaction every {s['interval_s']:g} s: "
              f"{s['opened']} opened (p50 {s['open_p50_s']} s), {s['interactions']} interactions, "
              f"{s['errors']} errors {s['errors_by_kind'] or ''}; p50 {s['p50_s']} s, p95 {s['p95_s']} s, "
              f"max {s['max_s']} s; {s['runs_seen']} script runs")
        for line in s["samples"]:
            print("  " + line)
    return 0 if s["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
