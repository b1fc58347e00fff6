"""Cached data access for the pages, and who is reading.

* One read-only DuckDB connection per process (:func:`jinguo.store.db.shared_connection`),
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
from jinguo.views import nearest


def _connection(key: tuple) -> duckdb.DuckDBPyConnection:
    return db.shared_connection(key)


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


@st.cache_resource(show_spinner=False)
def _pools() -> nearest.Pools:
    return nearest.Pools()


def nearest_rooms(lon: float, lat: float, n: int, radius_m: float, **params) -> pd.DataFrame:
    """The ``n`` rooms nearest ``(lon, lat)`` (GCJ-02) within ``radius_m`` that pass the filter ``params``
    (those of rooms_passing), in the session's scope, nearest first with ``distance_m``: the same answer
    as the public finder's (:mod:`jinguo.views.nearest`)."""
    key, scope = db.db_key(), current_scope()

    def run(name: str, **p):
        return sql.run_arrow(_connection(key), name, scope, **p)

    return _pools().get(key, scope, run).nearest(run, lon, lat, n, radius_m, params).to_pandas()


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


