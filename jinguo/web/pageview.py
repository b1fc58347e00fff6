"""The Streamlit side of :mod:`jinguo.views`: a page's view cached per input, its KPIs, its tables'
downloads and its URL settings (the briefing buttons are :mod:`jinguo.web.briefing`).

A view (frames and plotly figures) is cached keyed only by its arguments (the database file's
identity, the reader's scope, the page, the filters, the language and the page's own settings), so a
rerun that changes nothing in them rebuilds no figure. It is a pure result, but it is cached with
``st.cache_resource`` rather than ``st.cache_data``: cache_data hands out a pickled copy, and
unpickling a plotly figure validates every trace again (1.7 s for the China map, more than building
it). Views are never changed after they are made (pages only read them), so one shared object is safe.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from jinguo.store import db
from jinguo.views import model, pages, state
from jinguo.web import data, downloads, frame, origins


def url_params() -> state.PageParams:
    """This page's settings in the URL; a bad value shows a warning in the reader's language."""
    return state.PageParams(st.query_params, lambda key, value: st.warning(frame.tr(key, value=value)))


@st.cache_resource(max_entries=128, show_spinner=False)
def _view(key: tuple, scope, page: str, f: state.Filters, lang: str, items: tuple) -> model.View:
    del key, scope  # in the cache key only: data.q reads the same file and scope
    return pages.view(page, data.q, f, lang, **dict(items))


def view(page: str, f: state.Filters, **params) -> model.View:
    """The page's view for the filters ``f`` and its own ``params``, cached per input."""
    return _view(db.db_key(), data.current_scope(), page, f, f.lang, tuple(sorted(params.items())))


def kpis(v: model.View, per_row: int = 4) -> None:
    """The view's KPIs as metrics, with the change on the year before and the origin."""
    if not v.kpis:
        return
    cols = st.columns(min(per_row, len(v.kpis)))
    for i, k in enumerate(v.kpis):
        delta = None if k.yoy_pct is None else f"{k.yoy_pct:+.1f}%"
        cols[i % len(cols)].metric(k.label, k.text, delta=delta,
                                   help=f"{frame.tr('common.yoy')} · {origins.origin_label(k.origin)}" if delta else
                                   origins.origin_label(k.origin))
    origins.origin_caption([k.origin for k in v.kpis])


def table_downloads(v: model.View, key: str, caption: bool = True) -> None:
    """The origin line and CSV/XLSX downloads of the view's table ``key`` (if the view has it)."""
    tb = v.table(key)
    if tb is None:
        return
    if caption:
        origins.origin_caption(tb.origin)
    downloads.downloads(tb.frame, tb.what or key, tb.headers, key=key)


def province_label(code: str, lang: str) -> str:
    return data.region_label(pd.Series([code]), lang).iloc[0]


@st.cache_resource(max_entries=128, show_spinner=False)
def _part(key: tuple, scope, fn: str, f: state.Filters, lang: str, items: tuple):
    import importlib

    del key, scope
    module, name = fn.split(":")
    return getattr(importlib.import_module(module), name)(data.q, f, lang, **dict(items))


def part(fn, f: state.Filters, **params):
    """One part of a view (``fn(q, f, lang, **params)`` from jinguo.views), cached per input, for a
    fragment that reruns only that part of the page."""
    return _part(db.db_key(), data.current_scope(), f"{fn.__module__}:{fn.__name__}", f, f.lang,
                 tuple(sorted(params.items())))


def live_params(page: str, **initial) -> dict:
    """The page settings the briefing buttons read when clicked: one dict per session and page, which a
    fragment updates when it reruns alone (the buttons outside it are not drawn again)."""
    d = st.session_state.setdefault(f"_brief_params_{page}", {})
    d.update(initial)
    return d
