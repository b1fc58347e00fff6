"""The store of record: every accepted import batch, kept apart from the analytics file.

Layout of the data directory (``$JINGUO_DATA_DIR``, default ``data/registers/``, git-ignored)::

    manifest.json           every batch, in order: id, seq, dataset, file, sha256 (of the uploaded file),
                            batch_sha256 (of the batch file), who, when, province(s), row counts, what it
                            replaced, and whether (and by whom) it was reverted
    batches/<id>.parquet    the batch's validated rows, typed exactly like the analytics table; its
                            key-value metadata ``jinguo_batch`` holds its own manifest entry
    batches/<id>.json       the batch's commit record: its manifest entry as committed (with
                            batch_sha256 and the revert), written after each manifest commit
    quarantine/             batch files of writers killed before their commit, moved aside (never deleted)
    replaced/<when>/        what a restore or a recovery replaced, kept aside
    RESTORING.json          only while a restore switches the registers (a restore killed part way)
    write.lock              build, import, revert, backup, restore and recover take it (one writer at a time)

Writes are ordered so that a kill at any moment leaves the old state or the new one: the batch file is
written under a temporary name, fsynced and renamed; then the manifest is written the same way (the
commit point); then the batch's commit record. ``data/jinguo.duckdb`` is derived from the committed
sources, demo data and every batch the manifest lists and has not reverted, replayed in order
(:func:`replay`).

The manifest is an index, the batch files are the data: nothing here deletes a complete batch file. A
manifest that is missing, unreadable or behind the commit records on disk (an older copy put back) is
refused by every reader and writer (:class:`RegistersError`) until ``python -m jinguo imports recover``
rebuilds it from the commit records (:func:`inventory` says what is on disk, :func:`check` what is wrong:
both are meant for a ``doctor`` command too). A batch file with its own entry but neither a commit record
nor a manifest line was never committed: the next writer moves it to ``quarantine/``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from jinguo.paths import DATA_DIR
from jinguo.store.datasets import ImportError_
from jinguo.store.ingest_sql import execute
from jinguo.store.ingest_sql import sql as _sql
from jinguo.store.staging import apply_staged

LOCK_WAIT_S = float(os.environ.get("JINGUO_LOCK_WAIT", "600"))


class Busy(RuntimeError):
    """Another build, import or revert holds the write lock for longer than we wait."""


class RegistersError(ImportError_):
    """The registers cannot be used as they are: the manifest is missing, unreadable or behind the batches
    on disk, or a batch file is missing or damaged. ``key`` names the message (registers.*); every one
    says that nothing was changed and the one command that recovers."""


def data_dir() -> Path:
    return Path(os.environ.get("JINGUO_DATA_DIR") or DATA_DIR / "registers")


def fsync_dir(d: Path) -> None:
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
    fsync_dir(path.parent)


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


def manifest_path(root: Path | None = None) -> Path:
    return Path(root or data_dir()) / "manifest.json"


def restoring_path(root: Path | None = None) -> Path:
    """Present while a restore switches the registers: readers and writers refuse until it is run again."""
    return Path(root or data_dir()) / "RESTORING.json"


def read_manifest(root: Path | None = None) -> list[dict]:
    """The manifest's batches as written, without checking them against the batch files ([] when there
    is no manifest). Readers and writers use :func:`committed` or :func:`prepare` instead."""
    p = manifest_path(root)
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


def record_path(batch_id: str, root: Path | None = None) -> Path:
    return Path(root or data_dir()) / "batches" / f"{batch_id}.json"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_batch(con: duckdb.DuckDBPyConnection, table: str, batch_id: str, root: Path | None = None,
                entry: dict | None = None) -> Path:
    """Copy the staged rows (temp table ``table``, fixed name) to the batch's Parquet file, durably, with
    the batch's manifest entry ``entry`` in the file's own metadata."""
    final = batch_path(batch_id, root)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.tmp")
    if table != "_new":  # a fixed name: never text from outside
        raise ValueError(table)
    # On the writer's own connection: the staged rows are a temp table of its open transaction.
    con.execute(_sql("registers_write_batch"), {"path": str(tmp), "entry": json.dumps(
        {**(entry or {}), "id": batch_id}, ensure_ascii=False, default=str)})
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    fsync_dir(final.parent)
    return final


def write_record(batch: dict, root: Path | None = None) -> None:
    """The batch's commit record (after the manifest naming it was written): what a lost manifest is
    rebuilt from, revert included."""
    body = json.dumps({"version": 1, "batch": batch}, ensure_ascii=False, indent=1, default=str)
    write_atomic(record_path(batch["id"], root), body.encode("utf-8"))


def record_committed(batch: dict, root: Path | None = None) -> None:
    """After the manifest commit: the commit record, best effort. The batch is committed already; a record
    that cannot be written now (a full disk) is written by the next writer (:func:`prepare`)."""
    with contextlib.suppress(OSError):
        write_record(batch, root)


def own_entry(path: Path) -> dict | None:
    """The manifest entry a batch file carries in its metadata; None for a batch written before batches
    carried one (or a file that cannot be read as Parquet)."""
    con = duckdb.connect()
    try:
        rows = con.execute(_sql("registers_batch_entry"), {"path": str(path)}).fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    try:
        return json.loads(rows[0][0]) if rows else None
    except (ValueError, TypeError):
        return None


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def aside_dir(kind: str, root: Path | None = None) -> Path:
    """A new, dated folder under ``replaced/`` (kind "replaced") or ``quarantine/`` of the data dir:
    outside ``batches/``, so no sweep, backup or recovery ever takes its files for live ones."""
    base = Path(root or data_dir()) / kind
    d = base / _stamp()
    n = 1
    while d.exists():
        n += 1
        d = base / f"{_stamp()}-{n}"
    d.mkdir(parents=True)
    return d


@dataclass
class Inventory:
    """What is on disk in a registers folder, read without the lock, in the order writers write (commit
    records, then the manifest, then the batch files), so a write in between is never taken for damage."""

    root: Path
    manifest: list[dict] | None = None        # None: there is no manifest.json
    manifest_error: str | None = None          # why manifest.json cannot be read
    records: dict[str, dict] = field(default_factory=dict)
    bad_records: list[str] = field(default_factory=list)
    # Complete batch files neither the manifest nor a commit record names: id -> their own entry, or
    # None for a batch written before batches carried one (cannot tell committed from not by itself).
    unlisted: dict[str, dict | None] = field(default_factory=dict)
    restoring: dict | None = None              # a restore that stopped part way (RESTORING.json)

    @property
    def listed(self) -> dict[str, dict]:
        return {b["id"]: b for b in self.manifest or []}

    @property
    def uncommitted(self) -> list[str]:
        """Batch files a writer killed before its commit left (they carry their own entry)."""
        return [i for i, e in self.unlisted.items() if e is not None]

    @property
    def legacy_unlisted(self) -> list[str]:
        return [i for i, e in self.unlisted.items() if e is None]


def inventory(root: Path | None = None) -> Inventory:
    d = Path(root or data_dir())
    inv = Inventory(d)
    try:
        inv.restoring = json.loads(restoring_path(d).read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        inv.restoring = {"from": "?", "aside": "?"}
    bdir = d / "batches"
    if bdir.exists():
        for f in sorted(bdir.glob("*.json")):
            if f.name.startswith("."):
                continue
            try:
                rec = json.loads(f.read_text(encoding="utf-8"))["batch"]
                if rec["id"] != f.stem:
                    raise ValueError(rec["id"])
                inv.records[f.stem] = rec
            except (OSError, ValueError, KeyError, TypeError):
                inv.bad_records.append(str(f))
    p = manifest_path(d)
    try:
        body = json.loads(p.read_text(encoding="utf-8"))
        inv.manifest = list(body["batches"])
        if not all(isinstance(b, dict) and isinstance(b.get("id"), str) for b in inv.manifest):
            raise ValueError("a batch without an id")
    except FileNotFoundError:
        inv.manifest = None
    except (OSError, ValueError, KeyError, TypeError) as e:
        inv.manifest, inv.manifest_error = None, f"{type(e).__name__}: {e}"[:200]
    if bdir.exists():
        known = set(inv.listed) | set(inv.records)
        for f in sorted(bdir.glob("*.parquet")):
            if not f.name.startswith(".") and f.stem not in known:
                inv.unlisted[f.stem] = own_entry(f)
    return inv


RECOVER = "python -m jinguo imports recover"


def check(inv: Inventory) -> list[tuple[str, dict]]:
    """What is wrong with the manifest against the batches on disk, as (message key, arguments); [] when
    nothing is. Batch files a killed writer left before its commit are not wrong (see :func:`prepare`)."""
    out: list[tuple[str, dict]] = []
    path = str(manifest_path(inv.root))
    if inv.restoring is not None:
        out.append(("registers.err_restore_unfinished", {"src": inv.restoring.get("from", "?"),
                                                         "aside": inv.restoring.get("aside", "?")}))
        return out
    if inv.manifest_error:
        out.append(("registers.err_manifest_unreadable", {"path": path, "error": inv.manifest_error,
                                                          "cmd": RECOVER}))
        return out
    listed = inv.listed
    legacy = inv.legacy_unlisted
    if inv.manifest is None:
        if inv.records or legacy:
            out.append(("registers.err_manifest_missing", {"path": path, "n": len(inv.records) + len(legacy),
                                                           "cmd": RECOVER}))
    else:
        behind = [i for i in inv.records if i not in listed] + legacy
        unrecorded_reverts = [i for i, r in inv.records.items()
                              if i in listed and r.get("reverted") and not listed[i].get("reverted")]
        if behind or unrecorded_reverts:
            out.append(("registers.err_manifest_behind", {"path": path, "n": len(behind),
                                                          "reverts": len(unrecorded_reverts), "cmd": RECOVER}))
    if inv.bad_records:
        out.append(("registers.err_record_unreadable", {"path": inv.bad_records[0], "n": len(inv.bad_records),
                                                        "cmd": RECOVER}))
    return out


def committed(root: Path | None = None) -> list[dict]:
    """The manifest's batches, after checking the manifest against the batch files: raises
    :class:`RegistersError` when it is missing, unreadable or behind them. A fresh install (no manifest,
    no batches) has none."""
    problems = check(inventory(root))
    if problems:
        # Read without the lock: a restore or recovery that replaced the manifest and the commit records
        # between our reads of them looks like this once; a second look sees its finished state.
        problems = check(inventory(root))
    if problems:
        key, kw = problems[0]
        raise RegistersError(key, **kw)
    return read_manifest(root)


def verify_batch(batch: dict, root: Path | None = None) -> Path:
    """The batch's file, checked against the checksum recorded when it was written (a batch written before
    checksums were recorded: read whole instead). Raises :class:`RegistersError` naming the batch."""
    p = batch_path(batch["id"], root)
    kw = {"id": batch["id"], "file": batch.get("file_name", ""), "path": str(p)}
    if not p.exists():
        raise RegistersError("registers.err_batch_missing", **kw)
    want = batch.get("batch_sha256")
    if want:
        if file_sha256(p) != want:
            raise RegistersError("registers.err_batch_corrupt", **kw)
    else:
        read_whole(batch, p)
    return p


def read_whole(batch: dict, p: Path) -> None:
    """Read every value of the batch file; its row count must be the manifest's."""
    kw = {"id": batch["id"], "file": batch.get("file_name", ""), "path": str(p)}
    if not p.exists():
        raise RegistersError("registers.err_batch_missing", **kw)
    con = duckdb.connect()
    try:
        n = con.execute(_sql("registers_read_batch"), {"path": str(p)}).fetchall()[0][0]
    except duckdb.Error:
        raise RegistersError("registers.err_batch_unreadable", **kw) from None
    finally:
        con.close()
    if "rows" in batch and n != batch["rows"]:
        raise RegistersError("registers.err_batch_unreadable", **kw)


def quarantine(batch_id: str, root: Path | None = None, dest: Path | None = None) -> Path:
    """Move a batch file that was never committed out of ``batches/`` (never delete it)."""
    d = Path(root or data_dir())
    dest = dest or aside_dir("quarantine", d)
    src = batch_path(batch_id, d)
    target = dest / src.name
    os.replace(src, target)
    fsync_dir(src.parent)
    fsync_dir(dest)
    return target


def prepare(root: Path | None = None) -> list[dict]:
    """What a writer does first, holding the lock: clean a killed writer's temp files, refuse a manifest
    that is missing or behind (:class:`RegistersError`), move never-committed batch files to
    ``quarantine/``, and bring the manifest and the commit records up to date (a checksum recorded for
    each batch written before checksums were kept, after reading it whole). Returns the batches."""
    d = Path(root or data_dir())
    bdir = d / "batches"
    if bdir.exists():
        for f in bdir.glob(".*.tmp"):
            f.unlink(missing_ok=True)
    inv = inventory(d)
    problems = check(inv)
    if problems:
        key, kw = problems[0]
        raise RegistersError(key, **kw)
    if inv.uncommitted:
        dest = aside_dir("quarantine", d)
        for i in inv.uncommitted:
            quarantine(i, d, dest)
    batches = inv.manifest or []
    changed = False
    for i, b in enumerate(batches):
        if b.get("seq") is None:
            b["seq"] = i
            changed = True
        if not b.get("batch_sha256"):
            # Written before checksums were kept: record one on its first whole, verified read. A missing
            # or damaged one gets none; the replay and the backup refuse it by name (it can be reverted).
            p = batch_path(b["id"], d)
            try:
                read_whole(b, p)
            except RegistersError:
                continue
            b["batch_sha256"] = file_sha256(p)
            changed = True
    if changed:
        write_manifest(batches, d)
    for b in batches:
        if inv.records.get(b["id"]) != json.loads(json.dumps(b, default=str)):
            write_record(b, d)
    return batches


def replay(con: duckdb.DuckDBPyConnection, batches: list[dict], root: Path | None = None) -> None:
    """Apply every batch, in order, to the database being built (inside its transaction); each batch file
    is checked against its checksum first."""
    for b in batches:
        p = verify_batch(b, root)
        con.execute(_sql("registers_stage_batch"), {"path": str(p)})
        apply_staged(con, b["dataset"])
        execute(con, "ingest_log", import_id=b["id"], imported_at=b["at"], dataset=b["dataset"],
                file_name=b["file_name"], sha256=b["sha256"], added=b["added"], updated=b["updated"],
                unchanged=b["unchanged"], rejected=b["rejected"], user_name=b["user"])
        con.execute("drop table _new")


def copy_durably(src: Path, dest: Path) -> None:
    """Copy under a temporary name, fsync, rename: ``dest`` is whole or absent."""
    tmp = dest.with_name(f".{dest.name}.tmp")
    shutil.copyfile(src, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
