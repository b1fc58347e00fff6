"""Plotly figures to PNG with kaleido, plotly's own exporter, driving Debian's Chromium.

Nothing is downloaded: kaleido is pointed at the installed browser (``$JINGUO_CHROMIUM`` or
``/usr/bin/chromium``), plotly.js comes from the plotly package, and MathJax (a CDN script by
default) is switched off. One browser renders all the figures of a briefing; PNGs are kept per
figure JSON, so a second briefing of the same view renders nothing again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import threading
from collections import OrderedDict
from pathlib import Path

import plotly.graph_objects as go

WIDTH, HEIGHT = 1200, 640
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_MAX = 64
_LOCK = threading.Lock()


class RenderError(RuntimeError):
    """No browser to render with (message key and value for the user's language)."""

    def __init__(self, key: str, **kw):
        super().__init__(key)
        self.key, self.kw = key, kw


def chromium() -> str:
    """The browser kaleido drives: ``$JINGUO_CHROMIUM``, ``/usr/bin/chromium`` or ``chromium`` on PATH."""
    path = os.environ.get("JINGUO_CHROMIUM") or "/usr/bin/chromium"
    if Path(path).is_file():
        return path
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    raise RenderError("brief.err_browser", path=path)


def _static(fig: go.Figure | dict) -> dict:
    """The figure as JSON for a still picture: no hover, no selection outline, a fixed size."""
    d = fig.to_plotly_json() if isinstance(fig, go.Figure) else dict(fig)
    d = json.loads(json.dumps(d, default=str))
    layout = d.setdefault("layout", {})
    layout.pop("height", None)
    layout.pop("width", None)
    layout["title"] = {"text": ""}        # the slide carries the title
    layout["margin"] = {"l": 20, "r": 20, "t": 20, "b": 30}
    return d


def _key(d: dict) -> str:
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()


class Browser:
    """A Chromium started in the background (its own thread and event loop), so it starts while the
    briefing's queries and figures are computed; :meth:`pngs` then renders, :meth:`close` ends it."""

    def __init__(self):
        self.path = chromium()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kaleido", daemon=True)
        self.thread.start()
        self.kaleido = None
        self.opened = asyncio.run_coroutine_threadsafe(self._open(), self.loop)

    async def _open(self):
        import kaleido

        k = kaleido.Kaleido(n=1, path=self.path, mathjax=False, timeout=60, enable_extensions=False)
        await k.open()
        self.kaleido = k

    def _render(self, figs: list[dict]) -> list[bytes]:
        self.opened.result(timeout=120)
        futs = [asyncio.run_coroutine_threadsafe(self.kaleido.calc_fig(
            d, opts=dict(format="png", width=WIDTH, height=HEIGHT, scale=1)), self.loop) for d in figs]
        return [f.result(timeout=120) for f in futs]

    def pngs(self, figures: list[go.Figure | dict]) -> list[bytes]:
        return pngs(figures, render=self._render)

    def close(self) -> None:
        try:
            if self.kaleido is not None:
                asyncio.run_coroutine_threadsafe(self.kaleido.close(), self.loop).result(timeout=30)
            else:
                self.opened.cancel()
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)


def _render_once(figs: list[dict]) -> list[bytes]:
    b = Browser()
    try:
        return b._render(figs)
    finally:
        b.close()


def pngs(figures: list[go.Figure | dict], render=None) -> list[bytes]:
    """PNG pictures of ``figures``, in order (rendered in one browser; cached per figure)."""
    if not figures:
        return []
    statics = [_static(f) for f in figures]
    keys = [_key(d) for d in statics]
    with _LOCK:
        found = {k: _CACHE[k] for k in keys if k in _CACHE}
    missing = [i for i, k in enumerate(keys) if k not in found]
    if missing:
        out = (render or _render_once)([statics[i] for i in missing])
        with _LOCK:
            for i, png in zip(missing, out):
                found[keys[i]] = _CACHE[keys[i]] = png
            while len(_CACHE) > _CACHE_MAX:
                _CACHE.popitem(last=False)
    return [found[k] for k in keys]
