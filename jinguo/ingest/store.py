"""The transactional load: never writes the live analytics file in place.

Under an exclusive lock file, the live file is copied beside itself, the copy is changed in ONE
transaction (upsert by id, imported rows replace demo rows of the cities they cover, derived
indicators recomputed, an import_log row), checkpointed, closed and renamed over the live file.
Viewers keep reading the old file until their next rerun picks up the new one; a killed import
leaves only a temp file, never a changed database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from jinguo.ingest import registers
from jinguo.ingest.queries import execute, frame
from jinguo.ingest.registry import DATASETS, ImportError_
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


def plan(rep: Report, con: duckdb.DuckDBPyConnection) -> Report:
    """What loading ``rep`` into the database behind ``con`` would do (added, updated, unchanged), computed
    by the load's own staging and counting steps on a cursor of its own; ``con`` may be read-only (the
    staged rows live in a temp table, dropped afterwards)."""
    if rep.good is None or rep.good.empty:
        rep.added = rep.updated = rep.unchanged = 0
        return rep
    cur = con.cursor()
    try:
        stage(cur, rep.dataset, rep.good)
        try:
            _, counts = count_staged(cur, rep.dataset)
        finally:
            cur.execute("drop table if exists _new")
    finally:
        cur.close()
    rep.added, rep.updated, rep.unchanged = counts["added"], counts["updated"], counts["unchanged"]
    return rep


def load(rep: Report, db: Path | None = None, file_name: str = "", sha256: str = "",
         user_name: str | None = None, on_copy: Callable[[Path], None] | None = None,
         province: str | None = None, lock_wait: float | None = None) -> Report:
    """Keep the report's good rows as a register batch and apply them to the analytics file at ``db``
    atomically (copy, change, rename), under the one write lock.

    Order: the changed copy is committed and closed; the batch file is written (its own manifest entry
    in its metadata); the manifest naming it is written (the commit point); the batch's commit record;
    the copy is renamed over the live file. A kill before the manifest leaves everything as it was (the
    batch file, never committed, is moved to quarantine by the next writer); a kill after it leaves a
    register the analytics file lacks, which :func:`jinguo.build.is_stale` sees, so the next ``make run``
    rebuilds with it. Refused (:class:`registers.RegistersError`) while the manifest needs recovering."""
    live = Path(db or db_path())
    with registers.write_lock(lock_wait):
        manifest = registers.prepare()
        _catch_up(live, manifest)
        batch_id = datetime.now().strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:8]
        tmp = live.with_name(f"{live.name}.importing.{os.getpid()}.{uuid.uuid4().hex[:6]}")
        try:
            shutil.copyfile(live, tmp)
            if on_copy:
                on_copy(tmp)
            con = duckdb.connect(str(tmp))
            try:
                con.execute("begin transaction")
                stage(con, rep.dataset, rep.good)
                if province and rep.dataset != "indicator_values" and \
                        execute(con, f"ingest_foreign_{rep.dataset}", province=province)[0][0]:
                    # Validated against an older file: another province's row now holds one of these ids.
                    raise ImportError_("import.err_changed_meanwhile")
                counts = apply_staged(con, rep.dataset)
                rep.added, rep.updated, rep.unchanged = counts["added"], counts["updated"], counts["unchanged"]
                now = datetime.now()
                batch = {"id": batch_id, "seq": len(manifest), "dataset": rep.dataset,
                         "file_name": file_name[:200], "sha256": sha256, "user": user_name,
                         "at": now.isoformat(timespec="seconds"), "province": province,
                         "provinces": _provinces_of(rep), "rows": counts["rows"], "added": rep.added,
                         "updated": rep.updated, "unchanged": rep.unchanged, "rejected": rep.rejected,
                         "replaced": {"rows": rep.updated + rep.unchanged, "demo_rows": counts["demo_removed"]},
                         "reverted": None}
                written = registers.write_batch(con, "_new", batch_id, entry=batch)
                batch["batch_sha256"] = registers.file_sha256(written)
                con.execute("drop table _new")
                from jinguo.build import derive_detail_indicators

                derive_detail_indicators(con)
                execute(con, "ingest_log", import_id=batch_id, imported_at=now, dataset=rep.dataset,
                        file_name=file_name[:200], sha256=sha256, added=rep.added, updated=rep.updated,
                        unchanged=rep.unchanged, rejected=rep.rejected, user_name=user_name)
                from jinguo.build import registers_digest

                execute(con, "ingest_set_registers_digest",
                        digest=registers_digest([*registers.active(manifest), {"id": batch_id}]))
                con.execute("commit")
                con.execute("checkpoint")
            finally:
                con.close()
            registers.write_manifest([*manifest, batch])      # the commit point
            registers.record_committed(batch)
            os.replace(tmp, live)
        finally:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
    rep.import_id = batch_id
    return rep


def _catch_up(live: Path, manifest: list[dict]) -> None:
    """If the live file lacks a kept batch (a writer killed between its manifest and its rename) or
    still holds a reverted one, rebuild it first (the caller holds the lock): an import must never
    stamp a file as holding batches it does not hold."""
    from jinguo.build import build_info, registers_digest
    from jinguo.ingest.ops import rebuild

    try:
        held = build_info(live).get("registers")
    except duckdb.Error:
        held = None
    if held != registers_digest(registers.active(manifest)):
        rebuild(live)


def _provinces_of(rep: Report) -> list[str]:
    if rep.good is None or "province_code" not in rep.good:
        return []
    return sorted({p for p in rep.good["province_code"].dropna().unique() if isinstance(p, str)})
