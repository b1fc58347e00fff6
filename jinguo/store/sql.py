"""Named SQL queries from ``queries/*.sql``, run with bound parameters and a region scope.

A query file holds one or more blocks::

    -- name: matchmaking_by_province
    -- Events, participants and pairs by province and year.
    select ...

Parameters are DuckDB named parameters (``$year_from``). Three of them are
*context parameters* that only this module binds, from the caller's
:class:`Scope`, never from page arguments:

* ``$scope``       provinces whose detail rows (events, rooms, studios) may be read;
* ``$rollup_scope`` provinces whose rollups may be read;
* ``$public_only`` true when only public mother-room fields and rooms may be shown.

A test checks that every query reading a detail table uses ``$scope``, so a page
cannot forget it: pages never see SQL, only names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb
import pandas as pd
import pyarrow as pa

from jinguo.paths import QUERIES_DIR

CONTEXT_PARAMS = frozenset({"scope", "rollup_scope", "public_only"})
DETAIL_TABLES = ("matchmaking_event", "mother_room", "innovation_studio", "studio_output", "filtered_rooms")
_PARAM_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")
_NAME_RE = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.M)


@dataclass(frozen=True)
class Query:
    name: str
    doc: str
    sql: str
    file: str
    params: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Scope:
    """What the current user may read. ``None`` means every province."""

    detail: tuple[str, ...] | None = None
    rollup: tuple[str, ...] | None = None
    public_only: bool = False

    @classmethod
    def everything(cls) -> Scope:
        return cls()

    def bind(self, all_provinces: tuple[str, ...]) -> dict[str, object]:
        return {
            "scope": list(all_provinces if self.detail is None else self.detail),
            "rollup_scope": list(all_provinces if self.rollup is None else self.rollup),
            "public_only": self.public_only,
        }


class QueryError(ValueError):
    """A query was called wrongly (unknown name, missing or forbidden parameter)."""


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def parse_file(text: str, file: str) -> list[Query]:
    parts = _NAME_RE.split(text)
    queries = []
    for name, body in zip(parts[1::2], parts[2::2]):
        lines = body.strip("\n").splitlines()
        doc_lines = []
        for line in lines:
            if line.startswith("--"):
                doc_lines.append(line.lstrip("-").strip())
            else:
                break
        sql = body.strip().rstrip(";").strip()
        params = frozenset(_PARAM_RE.findall(_strip_comments(sql)))
        queries.append(Query(name, " ".join(doc_lines), sql, file, params))
    return queries


@lru_cache(maxsize=1)
def load_queries() -> dict[str, Query]:
    out: dict[str, Query] = {}
    for path in sorted(QUERIES_DIR.glob("*.sql")):
        if path.name == "schema.sql":
            continue
        for q in parse_file(path.read_text(encoding="utf-8"), path.name):
            if q.name in out:
                raise QueryError(f"query {q.name} defined twice ({out[q.name].file}, {path.name})")
            out[q.name] = q
    return out


def get(name: str) -> Query:
    try:
        return load_queries()[name]
    except KeyError:
        raise QueryError(f"unknown query: {name}") from None


def _all_provinces(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    cur = con.cursor()
    try:
        rows = cur.execute("select adcode from region where level = 'province' order by adcode").fetchall()
    finally:
        cur.close()
    return tuple(r[0] for r in rows)


def bind_params(con: duckdb.DuckDBPyConnection, q: Query, scope: Scope, params: dict) -> dict:
    forbidden = CONTEXT_PARAMS & params.keys()
    if forbidden:
        raise QueryError(f"{q.name}: context parameters cannot be passed by callers: {sorted(forbidden)}")
    unknown = params.keys() - q.params
    if unknown:
        raise QueryError(f"{q.name}: unknown parameters {sorted(unknown)}")
    missing = (q.params - CONTEXT_PARAMS) - params.keys()
    if missing:
        raise QueryError(f"{q.name}: missing parameters {sorted(missing)}")
    context = scope.bind(_all_provinces(con))
    bound = {k: v for k, v in params.items()}
    bound.update({k: v for k, v in context.items() if k in q.params})
    return bound


def run(con: duckdb.DuckDBPyConnection, name: str, scope: Scope, **params) -> pd.DataFrame:
    """Run query ``name`` on its own cursor with bound parameters and the caller's scope."""
    q = get(name)
    bound = bind_params(con, q, scope, params)
    cur = con.cursor()
    try:
        return cur.execute(q.sql, bound).df()
    finally:
        cur.close()


def run_arrow(con: duckdb.DuckDBPyConnection, name: str, scope: Scope, **params) -> pa.Table:
    """:func:`run`, as an Arrow table (compact strings; rows taken by position cheaply)."""
    q = get(name)
    bound = bind_params(con, q, scope, params)
    cur = con.cursor()
    try:
        return cur.sql(q.sql, params=bound).to_arrow_table()
    finally:
        cur.close()
