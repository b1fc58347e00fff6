"""Staging and applying imported rows: the validated rows as a temp table typed like their target table, and
the one statement sequence that applies them (an import, and the replay of a kept batch in a build)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from jinguo.store.datasets import DATASETS
from jinguo.store.ingest_sql import execute, frame


def _rows_for_table(dataset: str, good: pd.DataFrame, con) -> pd.DataFrame:
    g = good.copy()
    g["origin"] = "imported"
    if dataset == "mother_rooms":
        r = frame(con, "ingest_region_levels").set_index("adcode")
        lvl = g["region_code"].map(r["level"])
        g["city_code"] = np.where(lvl == "district", g["region_code"].map(r["city_code"]), g["region_code"])
        g["district_code"] = np.where(lvl == "district", g["region_code"], None)
        for c in ("has_lock", "has_sink", "has_fridge", "has_outlet", "has_seating", "has_changing_table",
                  "digital", "navigable", "internal"):
            g[c] = g[c].fillna(False).astype(bool)
    elif dataset == "matchmaking_events":
        g["city_code"] = g["region_code"]
        g["fact_id"] = None
    elif dataset == "studios":
        g["fact_id"] = None
    elif dataset == "indicator_values":
        g["value"] = g["value"].astype(float)
    cols = [r[0] for r in con.execute(f"describe {DATASETS[dataset].table}").fetchall()]  # noqa: S608
    for c in cols:
        if c not in g:
            g[c] = None
    return g[cols]


def stage(con: duckdb.DuckDBPyConnection, dataset: str, good: pd.DataFrame) -> int:
    """Stage the good rows as temp table ``_new``, typed like the target table; return the row count."""
    table = DATASETS[dataset].table
    rows = _rows_for_table(dataset, good, con)
    con.register("_rows", rows)
    # A temp table typed like the target, so comparisons and inserts need no guessing.
    # Cast from the data itself: DuckDB 2.0 loses the rows of an empty "limit 0" copy filled with
    # more than one row group (122,880 rows) inside a transaction.
    typed = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in
                      con.execute(f"select column_name, column_type from (describe {table})").fetchall())  # noqa: S608
    con.execute(f"create or replace temp table _new as select {typed} from _rows")  # noqa: S608
    con.unregister("_rows")
    return len(rows)


def apply_staged(con: duckdb.DuckDBPyConnection, dataset: str) -> dict[str, int]:
    """Apply the staged ``_new`` rows to their table: imported rows replace the demo rows of the cities
    they cover, then upsert by id. Shared by an import and by the replay of a register in a build.
    Table and column names come from the registry (an allow-list), never from the file."""
    ds = DATASETS[dataset]
    table = ds.table
    # Columns of the table that the staged rows carry: a batch kept before a column was added to the
    # schema replays with that column at its default (insert by name). Names come from the table's own
    # description, so a batch file cannot bring a name of its own into the SQL text.
    cols, counts = count_staged(con, dataset)
    key = " and ".join(f"t.{c} = n.{c}" for c in ds.id_cols)
    demo_removed = 0
    if dataset == "studios":
        execute(con, "ingest_replace_demo_studio_outputs")
    if dataset in ("mother_rooms", "matchmaking_events", "studios"):
        demo_removed = execute(con, f"ingest_replace_demo_{dataset}")[0][0]
    con.execute(f"delete from {table} t using _new n where {key}")  # noqa: S608
    names = ", ".join(f'"{c}"' for c in (*ds.id_cols, *cols))
    con.execute(f"insert into {table} by name select {names} from _new")  # noqa: S608
    return {**counts, "demo_removed": demo_removed}


def count_staged(con: duckdb.DuckDBPyConnection, dataset: str) -> tuple[list[str], dict[str, int]]:
    """What applying the staged ``_new`` rows would do: (the non-key columns compared, counts of rows,
    added, updated, unchanged). Reads only, so :func:`plan` runs it on a read-only connection and the
    dry run says exactly what the load would do."""
    ds = DATASETS[dataset]
    table = ds.table
    # Columns of the table that the staged rows carry: a batch kept before a column was added to the
    # schema replays with that column at its default (insert by name). Names come from the table's own
    # description, so a batch file cannot bring a name of its own into the SQL text.
    staged = {r[0] for r in con.execute("describe _new").fetchall()}
    cols = [r[0] for r in con.execute(f"describe {table}").fetchall()  # noqa: S608
            if r[0] not in ds.id_cols and r[0] in staged]
    key = " and ".join(f"t.{c} = n.{c}" for c in ds.id_cols)
    same = " and ".join(f"t.{c} is not distinct from n.{c}" for c in cols)
    n = con.execute("select count(*) from _new").fetchone()[0]
    existing = con.execute(f"select count(*) from {table} t join _new n on {key}").fetchone()[0]  # noqa: S608
    unchanged = con.execute(f"select count(*) from {table} t join _new n on {key} where {same}").fetchone()[0]  # noqa: S608,E501
    return cols, {"rows": n, "added": n - existing, "updated": existing - unchanged, "unchanged": unchanged}
