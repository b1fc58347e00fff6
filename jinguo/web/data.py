"""Cached data access for the pages, and who is reading.

* One read-only DuckDB connection per database file (``st.cache_resource``),
  keyed by the file's identity, so a rebuilt or re-imported database (renamed
  into place) is picked up on the next rerun.
* Query results cached by (query, scope, parameters, file identity) with
  ``st.cache_data``; a filter change reruns only the queries whose parameters
  changed.
* The reader's scope comes from the session (:func:`current_scope`), never from
  a page argument: a page cannot widen it.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from jinguo.auth import access
from jinguo.store import db, sql


class _Holder:
    """The one read-only connection of this server process, reopened when the file is replaced.

    DuckDB keeps one database instance per path in a process: while a connection to the old file is
    open, connecting to the same path again returns the old instance. So the old connection is
    closed before the new file is opened (a query still running on it fails once and is rerun).
    """

    def __init__(self):
        import threading

        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.con: duckdb.DuckDBPyConnection | None = None

    def get(self, key: tuple) -> duckdb.DuckDBPyConnection:
        with self.lock:
            if key != self.key:
                if self.con is not None:
                    self.con.close()
                self.con, self.key = db.connect(key[0]), key
            return self.con


@st.cache_resource(show_spinner=False)
def _holder() -> _Holder:
    return _Holder()


def _connection(key: tuple) -> duckdb.DuckDBPyConnection:
    return _holder().get(key)


def connection() -> duckdb.DuckDBPyConnection:
    return _connection(db.db_key())


def current_user() -> access.User:
    """The signed-in user (set by jinguo.auth), or the public."""
    user = st.session_state.get("_jinguo_user")
    return user if isinstance(user, access.User) else access.PUBLIC


def current_scope() -> sql.Scope:
    """The reader's scope, from their role; pages cannot pass one."""
    return access.scope_for(current_user())


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(key: tuple, name: str, scope: sql.Scope, items: tuple) -> pd.DataFrame:
    params = {k: list(v) if isinstance(v, tuple) else v for k, v in items}
    return sql.run(_connection(key), name, scope, **params)


def q(name: str, **params) -> pd.DataFrame:
    """Run named query ``name`` with the session's scope; lists are bound as DuckDB lists."""
    items = tuple(sorted((k, tuple(v) if isinstance(v, list | tuple) else v) for k, v in params.items()))
    return _cached(db.db_key(), name, current_scope(), items).copy()


@st.cache_data(max_entries=8, show_spinner=False)
def _names(key: tuple) -> pd.DataFrame:
    return sql.run(_connection(key), "region_names", sql.Scope.everything())


@st.cache_data(max_entries=8, show_spinner=False)
def _span(key: tuple) -> pd.DataFrame:
    return sql.run(_connection(key), "years_available", sql.Scope.everything())


def year_span() -> pd.DataFrame:
    """First and last year the dashboard holds, the same for every reader (a span of years discloses
    nothing), so a shared link's years survive being opened signed out and then signing in."""
    return _span(db.db_key())


def region_names() -> pd.DataFrame:
    return _names(db.db_key())


def region_label(codes: pd.Series, lang: str, short: bool = True) -> pd.Series:
    """Map adcodes to display names (short Chinese names or English)."""
    names = region_names().set_index("adcode")
    col = "name_en" if lang == "en" else ("name_short" if short else "name_zh")
    labels = codes.map(names[col])
    return labels.fillna(codes).where(codes != "100000", "全国" if lang == "zh" else "National")


