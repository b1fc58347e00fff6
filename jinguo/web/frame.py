"""The frame every page shares: the reader's language, and the global filters (provinces, years,
origins) in the sidebar, seeded from and mirrored in the URL. Pages call these; they hold no SQL.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from jinguo.store.db import DatabaseMissing
from jinguo.text import i18n
from jinguo.views import state
from jinguo.web import data


def lang() -> str:
    f = st.session_state.get("_filters")
    if isinstance(f, state.Filters):
        return f.lang
    v = st.session_state.get("f_lang")
    return v if v in i18n.LANGS else i18n.DEFAULT


def tr(key: str, **kw) -> str:
    return i18n.t(key, lang(), **kw)


def _year_bounds() -> tuple[int, int]:
    y = data.year_span()
    if y.empty or pd.isna(y["year_min"].iloc[0]):   # nothing recorded yet (production, before any import)
        this = date.today().year
        return (this, this)
    return int(y["year_min"].iloc[0]), int(y["year_max"].iloc[0])


def mainland_provinces() -> pd.DataFrame:
    p = data.q("provinces")
    return p[p["mainland"]].reset_index(drop=True)


def init_from_url() -> None:
    """Once per session: seed the filter widgets from the URL (bad values reported)."""
    if st.session_state.get("_url_seeded"):
        return
    try:
        provs = tuple(mainland_provinces()["adcode"])
        years = _year_bounds()
    except DatabaseMissing:
        return
    f, problems = state.parse(st.query_params.to_dict(), provs, years)
    st.session_state["f_lang"] = f.lang
    st.session_state["f_prov"] = [] if f.all_provinces else list(f.provinces)
    st.session_state["f_years"] = (f.year_from, f.year_to)
    st.session_state["f_origin"] = list(f.origins)
    st.session_state["_url_problems"] = problems
    st.session_state["_url_seeded"] = True


def _clamp_years(value, years: tuple[int, int]) -> tuple[int, int]:
    """The stored year range kept inside the years the reader's data has now. The bounds change with the
    reader (the public's data has fewer years than a signed-in viewer's) and with imports; a stored value
    outside them would make the slider raise. A range entirely outside falls back to all the years."""
    try:
        lo, hi = (int(v) for v in value)
    except (TypeError, ValueError):
        return years
    lo, hi = max(lo, years[0]), min(hi, years[1])
    return (lo, hi) if lo <= hi else years


def sidebar_filters() -> state.Filters:
    """Render the global filters; store and return them, and mirror them in the URL."""
    provs = mainland_provinces()
    years = _year_bounds()
    lg = lang()
    label_col = "name_en" if lg == "en" else "name_zh"
    names = dict(zip(provs["adcode"], provs[label_col]))
    with st.sidebar:
        st.radio(i18n.t("app.lang_label", lg), options=list(i18n.LANGS), key="f_lang",
                 format_func=lambda x: {"zh": "中文", "en": "English"}[x], horizontal=True)
        lg = lang()
        st.subheader(i18n.t("filters.header", lg))
        st.multiselect(i18n.t("filters.provinces", lg), options=list(provs["adcode"]), key="f_prov",
                       format_func=lambda c: names.get(c, c), placeholder=i18n.t("filters.provinces_all", lg))
        if years[0] < years[1]:
            st.session_state["f_years"] = _clamp_years(st.session_state.get("f_years"), years)
            st.slider(i18n.t("filters.years", lg), min_value=years[0], max_value=years[1], key="f_years")
        else:
            st.session_state["f_years"] = years
        st.pills(i18n.t("filters.origins", lg), options=list(state.ORIGINS), selection_mode="multi",
                 key="f_origin", format_func=lambda o: f"{state.ORIGIN_ICON[o]} {i18n.t('origin.' + o, lg)}")
        st.caption(i18n.t("filters.share_hint", lg))
    chosen = tuple(st.session_state.get("f_prov") or ())
    y_from, y_to = _clamp_years(st.session_state.get("f_years"), years)
    origins = tuple(o for o in state.ORIGINS if o in (st.session_state.get("f_origin") or []))
    f = state.Filters(provinces=chosen or tuple(provs["adcode"]), year_from=int(y_from), year_to=int(y_to),
                      origins=origins, lang=lg, all_provinces=not chosen)
    st.session_state["_filters"] = f
    params = state.to_params(f, years)
    extra = {k: v for k, v in st.query_params.to_dict().items() if k not in ("lang", "prov", "years", "origin")}
    if st.query_params.to_dict() != {**extra, **params}:
        st.query_params.from_dict({**extra, **params})
    for key, value in st.session_state.pop("_url_problems", []):
        st.warning(i18n.t(key, lg, value=value))
    return f


def filters() -> state.Filters:
    f = st.session_state.get("_filters")
    if not isinstance(f, state.Filters):
        raise RuntimeError("sidebar_filters() must run before a page")
    return f


def require_origins(f: state.Filters) -> None:
    if not f.origins:
        st.info(tr("filters.no_origin"))
        st.stop()


