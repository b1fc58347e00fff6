"""The transactional load: never writes the live analytics file in place.

Under an exclusive lock file, the live file is copied beside itself, the copy is changed in ONE
transaction (upsert by id, imported rows replace demo rows of the cities they cover, derived
indicators recomputed, an import_log row), checkpointed, closed and renamed over the live file.
Viewers keep reading the old file until their next rerun picks up the new one; a killed import
leaves only a temp file, never a changed database.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from jinguo.ingest.queries import execute, frame
from jinguo.ingest.registry import DATASETS
from jinguo.ingest.validate import Report
from jinguo.paths import db_path


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


def _stage(con: duckdb.DuckDBPyConnection, rep: Report) -> None:
    """Stage the good rows in a temp table ``_new`` typed like the target and count what a load would
    add, update and leave unchanged (into ``rep``). The real load and :func:`plan` both call this, so a
    dry run says exactly what the load would do."""
    ds = DATASETS[rep.dataset]
    rows = _rows_for_table(rep.dataset, rep.good, con)
    con.register("_rows", rows)
    # A temp table typed like the target, so comparisons and inserts need no guessing.
    # Cast from the data itself: DuckDB 2.0 loses the rows of an empty "limit 0" copy filled with
    # more than one row group (122,880 rows) inside a transaction.
    typed = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in
                      con.execute(f"select column_name, column_type from (describe {ds.table})").fetchall())  # noqa: S608
    con.execute(f"create temp table _new as select {typed} from _rows")  # noqa: S608
    con.unregister("_rows")
    key = " and ".join(f"t.{c} = n.{c}" for c in ds.id_cols)
    cols = [c for c in rows.columns if c not in ds.id_cols]
    same = " and ".join(f"t.{c} is not distinct from n.{c}" for c in cols)
    table = ds.table
    existing = con.execute(f"select count(*) from {table} t join _new n on {key}").fetchone()[0]  # noqa: S608
    unchanged = con.execute(f"select count(*) from {table} t join _new n on {key} where {same}").fetchone()[0]  # noqa: S608,E501
    rep.added = len(rows) - existing
    rep.updated = existing - unchanged
    rep.unchanged = unchanged


def plan(rep: Report, con: duckdb.DuckDBPyConnection) -> Report:
    """What loading ``rep`` into the database behind ``con`` would do (added, updated, unchanged), computed
    by the load's own staging step inside a transaction that is rolled back; ``con`` may be read-only."""
    if rep.good is None or rep.good.empty:
        rep.added = rep.updated = rep.unchanged = 0
        return rep
    cur = con.cursor()
    try:
        cur.execute("begin transaction")
        try:
            _stage(cur, rep)
        finally:
            cur.execute("rollback")
    finally:
        cur.close()
    return rep


def _lock(path: Path):
    fh = open(str(path) + ".lock", "w")  # noqa: SIM115 - held for the whole import
    fcntl.flock(fh, fcntl.LOCK_EX)
    return fh


def load(rep: Report, db: Path | None = None, file_name: str = "", sha256: str = "",
         user_name: str | None = None, on_copy: Callable[[Path], None] | None = None) -> Report:
    """Apply the report's good rows to the database at ``db`` atomically (copy, change, rename)."""
    ds = DATASETS[rep.dataset]
    live = Path(db or db_path())
    lock = _lock(live)
    tmp = live.with_name(f"{live.name}.importing.{os.getpid()}.{uuid.uuid4().hex[:6]}")
    try:
        shutil.copyfile(live, tmp)
        if on_copy:
            on_copy(tmp)
        con = duckdb.connect(str(tmp))
        try:
            con.execute("begin transaction")
            _stage(con, rep)
            key = " and ".join(f"t.{c} = n.{c}" for c in ds.id_cols)
            table = ds.table
            if rep.dataset == "studios":
                execute(con, "ingest_replace_demo_studio_outputs")
            if rep.dataset in ("mother_rooms", "matchmaking_events", "studios"):
                execute(con, f"ingest_replace_demo_{rep.dataset}")
            con.execute(f"delete from {table} t using _new n where {key}")  # noqa: S608
            con.execute(f"insert into {table} select * from _new")  # noqa: S608
            con.execute("drop table _new")
            from jinguo.build import derive_detail_indicators

            derive_detail_indicators(con)
            execute(con, "ingest_log", import_id=uuid.uuid4().hex, imported_at=datetime.now(),
                    dataset=rep.dataset, file_name=file_name[:200], sha256=sha256, added=rep.added,
                    updated=rep.updated, unchanged=rep.unchanged, rejected=rep.rejected, user_name=user_name)
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, live)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
    return rep
