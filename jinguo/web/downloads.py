"""CSV and XLSX downloads of exactly what a table shows, made on click, audited, and refused to a session
revoked since the button was drawn."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from jinguo import auth
from jinguo.auth import access, sessions
from jinguo.text import extract
from jinguo.web import data
from jinguo.web.frame import filters, tr


def extract_payload(df: pd.DataFrame, headers: tuple, kind: str, user: str | None, detail: dict,
                    version: int | None = None) -> bytes:
    """The file of a download, made when the button is clicked, and recorded in the audit log.

    ``version`` is the account's session version when the button was drawn: the click runs later, in a
    thread without the session, so a session revoked meanwhile (account disabled or changed) is refused
    here rather than handed the file it was shown before."""
    if user and version is not None and sessions.current_version(user) != version:
        auth.record("session_revoked", user, via="download", what=detail.get("what"))
        raise PermissionError("the session was revoked before the download")
    payload = extract.to_csv_bytes(df, dict(headers)) if kind == "csv" else extract.to_xlsx_bytes(df, dict(headers))
    auth.record("extract", user, format=kind, **detail)
    return payload


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
    version = getattr(st.session_state.get("_jinguo_session"), "version", None)   # jinguo.web.signin.META_KEY
    # Deferred: the file is made only when clicked (not on every rerun), in a thread without the
    # session, so everything it needs is bound here.
    c1.download_button(tr("download.csv"), data=functools.partial(extract_payload, df, h, "csv", user, audit, version),
                       file_name=extract.file_name(what, *parts), mime="text/csv", key=f"dl_csv_{key}")
    c2.download_button(tr("download.xlsx"), data=functools.partial(extract_payload, df, h, "xlsx", user, audit, version),
                       file_name=extract.file_name(what, *parts, ext="xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"dl_xlsx_{key}")
    c3.caption(tr("download.rows", n=len(df)))
