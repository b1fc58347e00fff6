"""The importer's SQL, named blocks from ``queries/ingest/*.sql``, each run on its own cursor.

These are writer-side queries (they look at every province, to check ids and scopes), so they live
apart from the readers' ``queries/*.sql`` that :mod:`jinguo.store.sql` scopes.
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
import pandas as pd

from jinguo.paths import QUERIES_DIR
from jinguo.store.sql import parse_file


@lru_cache(maxsize=1)
def _load() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted((QUERIES_DIR / "ingest").glob("*.sql")):
        for q in parse_file(path.read_text(encoding="utf-8"), path.name):
            if q.name in out:
                raise ValueError(f"query {q.name} defined twice")
            out[q.name] = q.sql
    return out


def sql(name: str) -> str:
    return _load()[name]


def _run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None):
    cur = con.cursor()
    cur.execute(sql(name), params or {})
    return cur


def fetch(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[tuple]:
    cur = _run(con, name, params)
    try:
        return cur.fetchall()
    finally:
        cur.close()


def frame(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    cur = _run(con, name, params)
    try:
        return cur.df()
    finally:
        cur.close()


def execute(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[tuple]:
    """On the connection itself (a cursor is another connection): statements inside the caller's open
    transaction, which see its temp tables. Returns the result rows (a DML statement: its row count)."""
    return con.execute(sql(name), params or {}).fetchall()


def frame_with(con: duckdb.DuckDBPyConnection, name: str, relations: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Run ``name`` on its own cursor with the given frames registered under fixed names."""
    cur = con.cursor()
    try:
        for rel, df in relations.items():
            cur.register(rel, df)
        return cur.execute(sql(name)).df()
    finally:
        cur.close()
