"""The transactional load of an import: never writes the live analytics file in place. (Staging and
applying the rows is :mod:`jinguo.store.staging`, shared with the build's replay.)

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

from jinguo.ingest.validate import Report
from jinguo.paths import db_path
from jinguo.store import registers
from jinguo.store.build import derive_detail_indicators, rebuild
from jinguo.store.datasets import ImportError_
from jinguo.store.ingest_sql import execute
from jinguo.store.staging import apply_staged, count_staged, stage
from jinguo.store.stale import build_info, registers_digest


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
    register the analytics file lacks, which :func:`jinguo.store.stale.is_stale` sees, so the next ``make run``
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
                derive_detail_indicators(con)
                execute(con, "ingest_log", import_id=batch_id, imported_at=now, dataset=rep.dataset,
                        file_name=file_name[:200], sha256=sha256, added=rep.added, updated=rep.updated,
                        unchanged=rep.unchanged, rejected=rep.rejected, user_name=user_name)
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
