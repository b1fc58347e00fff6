"""The store of record: every accepted import batch, kept apart from the analytics file.

Layout of the data directory (``$JINGUO_DATA_DIR``, default ``data/registers/``, git-ignored)::

    manifest.json           every batch, in order: id, dataset, file, sha256, who, when, province(s),
                            row counts, what it replaced, and whether (and by whom) it was reverted
    batches/<id>.parquet    the batch's validated rows, typed exactly like the analytics table
    write.lock              build, import, revert, backup and restore take it (one writer at a time)

Writes are ordered so that a kill at any moment leaves the old state or the new one: the batch file is
written under a temporary name, fsynced and renamed; then the manifest is written the same way. The
manifest is the commit point: a batch file it does not name is ignored (and swept on the next write).
``data/jinguo.duckdb`` is derived from the committed sources, demo data and every batch the manifest
lists and has not reverted, replayed in order (:func:`replay`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from jinguo.paths import DATA_DIR

LOCK_WAIT_S = float(os.environ.get("JINGUO_LOCK_WAIT", "600"))


class Busy(RuntimeError):
    """Another build, import or revert holds the write lock for longer than we wait."""


def data_dir() -> Path:
    return Path(os.environ.get("JINGUO_DATA_DIR") or DATA_DIR / "registers")


def _fsync_dir(d: Path) -> None:
    fd = os.open(str(d), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write temp + fsync + rename + fsync the folder: ``path`` holds the old bytes or the new ones."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


@contextlib.contextmanager
def write_lock(wait: float | None = None, root: Path | None = None) -> Iterator[None]:
    """The one writer lock (fcntl on ``write.lock`` in the data dir). Waits up to ``wait`` seconds,
    then raises :class:`Busy`; the lock goes with the process, so a killed writer never leaves it held."""
    d = Path(root or data_dir())
    d.mkdir(parents=True, exist_ok=True)
    fh = open(d / "write.lock", "a+")  # noqa: SIM115 - held for the block
    deadline = time.monotonic() + (LOCK_WAIT_S if wait is None else wait)
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(str(d)) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    finally:
        fh.close()


def read_manifest(root: Path | None = None) -> list[dict]:
    p = Path(root or data_dir()) / "manifest.json"
    if not p.exists():
        return []
    return json.loads(p.read_text(encoding="utf-8"))["batches"]


def write_manifest(batches: list[dict], root: Path | None = None) -> None:
    d = Path(root or data_dir())
    d.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"version": 1, "batches": batches}, ensure_ascii=False, indent=1, default=str)
    write_atomic(d / "manifest.json", body.encode("utf-8"))


def active(batches: list[dict]) -> list[dict]:
    return [b for b in batches if not b.get("reverted")]


def batch_path(batch_id: str, root: Path | None = None) -> Path:
    return Path(root or data_dir()) / "batches" / f"{batch_id}.parquet"


def write_batch(con: duckdb.DuckDBPyConnection, table: str, batch_id: str, root: Path | None = None) -> Path:
    """Copy the staged rows (temp table ``table``, fixed name) to the batch's Parquet file, durably."""
    final = batch_path(batch_id, root)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.tmp")
    if table != "_new":  # a fixed name: never text from outside
        raise ValueError(table)
    # On the writer's own connection: the staged rows are a temp table of its open transaction.
    con.execute("copy _new to '" + str(tmp).replace("'", "''") + "' (format parquet, compression zstd)")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    _fsync_dir(final.parent)
    return final


def sweep(root: Path | None = None) -> None:
    """Remove batch files the manifest does not name (left by a writer killed before its commit)."""
    d = Path(root or data_dir()) / "batches"
    if not d.exists():
        return
    named = {b["id"] for b in read_manifest(root)}
    for f in d.iterdir():
        if f.name.startswith(".") or f.stem not in named:
            f.unlink(missing_ok=True)


def replay(con: duckdb.DuckDBPyConnection, batches: list[dict], root: Path | None = None) -> None:
    """Apply every batch, in order, to the database being built (inside its transaction)."""
    from jinguo.ingest.queries import execute
    from jinguo.ingest.store import apply_staged

    for b in batches:
        p = batch_path(b["id"], root)
        if not p.exists():
            raise FileNotFoundError(f"register batch {b['id']} ({b['file_name']}) is missing: {p}")
        con.execute("create or replace temp table _new as select * from read_parquet($p)", {"p": str(p)})
        apply_staged(con, b["dataset"])
        execute(con, "ingest_log", import_id=b["id"], imported_at=b["at"], dataset=b["dataset"],
                file_name=b["file_name"], sha256=b["sha256"], added=b["added"], updated=b["updated"],
                unchanged=b["unchanged"], rejected=b["rejected"], user_name=b["user"])
        con.execute("drop table _new")
