"""The Streamlit side of :mod:`jinguo.views`: a page's view cached per input, its KPIs, its tables'
downloads, its URL settings and the briefing buttons.

A view (frames and plotly figures) is cached keyed only by its arguments (the database file's
identity, the reader's scope, the page, the filters, the language and the page's own settings), so a
rerun that changes nothing in them rebuilds no figure. It is a pure result, but it is cached with
``st.cache_resource`` rather than ``st.cache_data``: cache_data hands out a pickled copy, and
unpickling a plotly figure validates every trace again (1.7 s for the China map, more than building
it). Views are never changed after they are made (pages only read them), so one shared object is safe.
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from jinguo import access, data, db, extract, state, ui, views


def url_params() -> state.PageParams:
    """This page's settings in the URL; a bad value shows a warning in the reader's language."""
    return state.PageParams(st.query_params, lambda key, value: st.warning(ui.tr(key, value=value)))


@st.cache_resource(max_entries=128, show_spinner=False)
def _view(key: tuple, scope, page: str, f: state.Filters, lang: str, items: tuple) -> views.View:
    del key, scope  # in the cache key only: data.q reads the same file and scope
    return views.view(page, data.q, f, lang, **dict(items))


def view(page: str, f: state.Filters, **params) -> views.View:
    """The page's view for the filters ``f`` and its own ``params``, cached per input."""
    return _view(db.db_key(), data.current_scope(), page, f, f.lang, tuple(sorted(params.items())))


def kpis(v: views.View, per_row: int = 4) -> None:
    """The view's KPIs as metrics, with the change on the year before and the origin."""
    if not v.kpis:
        return
    cols = st.columns(min(per_row, len(v.kpis)))
    for i, k in enumerate(v.kpis):
        delta = None if k.yoy_pct is None else f"{k.yoy_pct:+.1f}%"
        cols[i % len(cols)].metric(k.label, k.text, delta=delta,
                                   help=f"{ui.tr('common.yoy')} · {ui.origin_label(k.origin)}" if delta else
                                   ui.origin_label(k.origin))
    ui.origin_caption([k.origin for k in v.kpis])


def table_downloads(v: views.View, key: str, caption: bool = True) -> None:
    """The origin line and CSV/XLSX downloads of the view's table ``key`` (if the view has it)."""
    tb = v.table(key)
    if tb is None:
        return
    if caption:
        ui.origin_caption(tb.origin)
    ui.downloads(tb.frame, tb.what or key, tb.headers, key=key)


def brief_payload(path: str, scope, page: str, f: state.Filters, lang: str, params: dict, kind: str,
                  user: str | None) -> bytes:
    """The briefing file, made when its button is clicked (in a thread without the session, so the
    scope and user are bound when the button is drawn), and recorded in the audit log like extracts."""
    from jinguo import auth, brief

    params = dict(params)   # as they are at the click
    con = db.connect(path)
    try:
        payload = brief.build(views.runner(con, scope), page, f, lang, kind, **params)
    finally:
        con.close()
    auth.record("extract", user, format=kind, what=f"briefing_{page}",
                provinces="all" if f.all_provinces else ",".join(f.provinces),
                years=f"{f.year_from}-{f.year_to}", origins=",".join(f.origins), lang=lang,
                **access.scope_audit(scope, () if f.all_provinces else f.provinces),
                **{k: str(v) for k, v in params.items() if v is not None})
    return payload


MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf"}


def brief_buttons(v: views.View, live: dict | None = None, **params) -> None:
    """生成汇报材料: PPTX and PDF of exactly this view, within the reader's scope, made when clicked.
    ``live`` (from :func:`live_params`) holds settings a fragment may change after the buttons are drawn."""
    f = v.filters
    live = live if live is not None else dict(params)
    st.divider()
    st.markdown(f"**{ui.tr('brief.header')}**")
    st.caption(ui.tr("brief.help"))
    user = data.current_user().name or None
    prov = "all" if f.all_provinces else "-".join(f.provinces[:4]) + ("-etc" if len(f.provinces) > 4 else "")
    cols = st.columns(2)
    for col, kind in zip(cols, ("pptx", "pdf")):
        col.download_button(
            ui.tr(f"brief.button_{kind}"),
            data=functools.partial(brief_payload, db.db_key()[0], data.current_scope(), v.page, f, f.lang,
                                   live, kind, user),
            file_name=extract.file_name(f"briefing_{v.page}", prov, f"{f.year_from}-{f.year_to}", f.lang, ext=kind),
            mime=MIME[kind], key=f"brief_{kind}", on_click="ignore", icon=":material/slideshow:")


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
