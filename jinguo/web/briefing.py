"""The briefing buttons (生成汇报材料): PPTX and PDF of exactly the view on screen, made on click, audited."""

from __future__ import annotations

import functools

import streamlit as st

from jinguo import auth
from jinguo.auth import access
from jinguo.brief import compose
from jinguo.store import db
from jinguo.text import extract
from jinguo.views import model, state
from jinguo.web import data, frame


def brief_payload(path: str, scope, page: str, f: state.Filters, lang: str, params: dict, kind: str,
                  user: str | None) -> bytes:
    """The briefing file, made when its button is clicked (in a thread without the session, so the
    scope and user are bound when the button is drawn), and recorded in the audit log like extracts."""
    params = dict(params)   # as they are at the click
    con = db.connect(path)
    try:
        payload = compose.build(model.runner(con, scope), page, f, lang, kind, **params)
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


def brief_buttons(v: model.View, live: dict | None = None, **params) -> None:
    """生成汇报材料: PPTX and PDF of exactly this view, within the reader's scope, made when clicked.
    ``live`` (from :func:`live_params`) holds settings a fragment may change after the buttons are drawn."""
    f = v.filters
    live = live if live is not None else dict(params)
    st.divider()
    st.markdown(f"**{frame.tr('brief.header')}**")
    st.caption(frame.tr("brief.help"))
    user = data.current_user().name or None
    prov = "all" if f.all_provinces else "-".join(f.provinces[:4]) + ("-etc" if len(f.provinces) > 4 else "")
    cols = st.columns(2)
    for col, kind in zip(cols, ("pptx", "pdf")):
        col.download_button(
            frame.tr(f"brief.button_{kind}"),
            data=functools.partial(brief_payload, db.db_key()[0], data.current_scope(), v.page, f, f.lang,
                                   live, kind, user),
            file_name=extract.file_name(f"briefing_{v.page}", prov, f"{f.year_from}-{f.year_to}", f.lang, ext=kind),
            mime=MIME[kind], key=f"brief_{kind}", on_click="ignore", icon=":material/slideshow:")
