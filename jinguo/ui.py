"""The frame every page shares: language, global filters mirrored in the URL,
origin labels and download buttons. Pages call these; they hold no SQL.
"""

from __future__ import annotations

import functools
from datetime import date

import pandas as pd
import streamlit as st

from jinguo import access, data, extract, i18n, state
from jinguo.db import DatabaseMissing

ORIGIN_ICON = {"reported": "📄", "demo": "🧪", "imported": "📥"}


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
                 key="f_origin", format_func=lambda o: f"{ORIGIN_ICON[o]} {i18n.t('origin.' + o, lg)}")
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


def origin_label(origin: str) -> str:
    """'demo+reported' -> '🧪 演示 + 📄 报告'."""
    parts = [p for p in str(origin).split("+") if p]
    return " + ".join(f"{ORIGIN_ICON.get(p, '')} {tr('origin.' + p)}" if i18n.has("origin." + p) else p
                      for p in parts)


def origin_caption(origins: pd.Series | list | str) -> None:
    """A line under a chart saying which origins it shows; demo is always said."""
    if isinstance(origins, str):
        origins = [origins]
    found = sorted({p for o in origins for p in str(o).split("+") if p})
    if not found:
        return
    text = " · ".join(f"{ORIGIN_ICON.get(o, '')} {tr('origin.' + o)}：{tr('origin.' + o + '_help')}"
                      for o in found if i18n.has("origin." + o))
    st.caption(text)


def extract_payload(df: pd.DataFrame, headers: tuple, kind: str, user: str | None, detail: dict,
                    version: int | None = None) -> bytes:
    """The file of a download, made when the button is clicked, and recorded in the audit log.

    ``version`` is the account's session version when the button was drawn: the click runs later, in a
    thread without the session, so a session revoked meanwhile (account disabled or changed) is refused
    here rather than handed the file it was shown before."""
    from jinguo import auth
    from jinguo.auth import sessions

    if user and version is not None and sessions.current_version(user) != version:
        auth.record("session_revoked", user, via="download", what=detail.get("what"))
        raise PermissionError("the session was revoked before the download")
    data = extract.to_csv_bytes(df, dict(headers)) if kind == "csv" else extract.to_xlsx_bytes(df, dict(headers))
    auth.record("extract", user, format=kind, **detail)
    return data


def downloads(df: pd.DataFrame, what: str, headers: dict[str, str] | None = None, key: str | None = None) -> None:
    """CSV and XLSX buttons for exactly ``df`` (with its origin column), named by filter."""
    f = filters()
    prov = "all" if f.all_provinces else "-".join(f.provinces[:4]) + ("-etc" if len(f.provinces) > 4 else "")
    parts = (prov, f"{f.year_from}-{f.year_to}")
    h = tuple((headers or {}).items())
    key = key or what
    c1, c2, c3 = st.columns([1, 1, 2])
    audit = {"what": what, "provinces": "all" if f.all_provinces else ",".join(f.provinces),
             "years": f"{f.year_from}-{f.year_to}", "origins": ",".join(f.origins), "rows": len(df)}
    reader = data.current_user()
    audit |= access.applied_scope(reader, () if f.all_provinces else f.provinces)   # what the role let through
    user = reader.name or None
    version = getattr(st.session_state.get("_jinguo_session"), "version", None)   # jinguo.signin.META_KEY
    # Deferred: the file is made only when clicked (not on every rerun), in a thread without the
    # session, so everything it needs is bound here.
    c1.download_button(tr("download.csv"), data=functools.partial(extract_payload, df, h, "csv", user, audit, version),
                       file_name=extract.file_name(what, *parts), mime="text/csv", key=f"dl_csv_{key}")
    c2.download_button(tr("download.xlsx"), data=functools.partial(extract_payload, df, h, "xlsx", user, audit, version),
                       file_name=extract.file_name(what, *parts, ext="xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"dl_xlsx_{key}")
    c3.caption(tr("download.rows", n=len(df)))


def data_banner() -> None:
    """The overview's note on what the figures are: demo data where the database holds demo rows; in
    production (``--demo none``) before any import, that nothing has been imported yet."""
    origins = set(data.q("origins_present")["origin"])
    if "demo" in origins:
        st.info(tr("app.demo_banner"))
    elif "imported" not in origins:
        st.info(tr("registers.empty_page"))
