"""Operating the registers: list imports, revert one, recover a lost manifest, back up and restore
(registers + accounts file).

Every operation here that writes takes the one write lock (:func:`jinguo.store.registers.write_lock`).
Nothing here deletes a batch file or an accounts file that is not kept elsewhere: a restore and a
recovery first set what they replace aside, under ``replaced/<when>/`` in the registers folder.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from jinguo import auth, demo
from jinguo.auth.access import User
from jinguo.paths import QUERIES_DIR, db_path
from jinguo.store import registers
from jinguo.store.build import build_from, live_settings, rebuild
from jinguo.store.datasets import DATASETS
from jinguo.store.ingest_sql import sql
from jinguo.store.sources import BuildError, demo_mode
from jinguo.store.stale import build_info, registers_digest


class OpError(ValueError):
    """A refused operation; ``key`` names the message in the catalogue (registers.*)."""

    def __init__(self, key: str, **kw):
        self.key, self.kw = key, kw
        super().__init__(key)


def imports_for(user: User | None) -> list[dict]:
    """The batches a reader may see, newest first: all for an admin (or the CLI: ``None``), else those
    touching the reader's province. Raises :class:`registers.RegistersError` while the manifest needs
    recovering (an empty list would say there are no imports)."""
    batches = registers.committed()
    if user is not None and user.role != "admin":
        batches = [b for b in batches if user.province and (b.get("province") == user.province or
                                                              user.province in (b.get("provinces") or []))]
    return list(reversed(batches))


def revert(import_id: str, actor: User, db: Path | None = None, lock_wait: float | None = None) -> dict:
    """Undo one import: rebuild without it (the rows it replaced, demo ones included, come back as they
    were), then record the revert in the manifest so every later build leaves it out, and in the batch's
    commit record so a recovered manifest keeps it. Admins only; audited."""
    if actor.role != "admin":
        raise OpError("registers.err_admin_only")
    live = Path(db or db_path())
    with registers.write_lock(lock_wait):
        batches = registers.prepare()
        match = [b for b in batches if b["id"] == import_id]
        if not match:
            raise OpError("registers.err_unknown", id=import_id)
        batch = match[0]
        if batch.get("reverted"):
            raise OpError("registers.err_already", id=import_id)
        rebuild(live, exclude=frozenset({import_id}))
        batch["reverted"] = {"by": actor.name, "at": datetime.now().isoformat(timespec="seconds")}
        registers.write_manifest(batches)
        registers.record_committed(batch)
        # The rebuilt file was digested without the batch; the manifest now agrees with it.
    _audit("import_revert", actor.name, import_id=import_id, dataset=batch["dataset"], file=batch["file_name"])
    return batch


def _audit(action: str, user: str | None, **detail) -> None:
    auth.record(action, user, **detail)


# ---------------------------------------------------------------------------------------------- recover

def _import_log(live: Path) -> dict[str, tuple]:
    """The analytics file's import_log by id ({} when there is no readable file)."""
    if not live.exists():
        return {}
    try:
        con = duckdb.connect(str(live), read_only=True)
    except duckdb.Error:
        return {}
    try:
        return {r[0]: r for r in con.execute(sql("registers_import_log")).fetchall()}
    except duckdb.Error:
        return {}
    finally:
        con.close()


def _legacy_entry(batch_id: str, log: tuple, root: Path) -> dict:
    """An entry for a batch written before batches carried their own, from the analytics file's log."""
    _, at, dataset, file_name, sha256, added, updated, unchanged, rejected, user = log
    con = duckdb.connect()
    try:
        rows = con.execute(sql("registers_read_batch"),
                           {"path": str(registers.batch_path(batch_id, root))}).fetchall()[0][0]
    finally:
        con.close()
    return {"id": batch_id, "dataset": dataset, "file_name": file_name, "sha256": sha256, "user": user, "at": at,
            "province": None, "provinces": [], "rows": rows, "added": added, "updated": updated,
            "unchanged": unchanged, "rejected": rejected,
            "replaced": {"rows": updated + unchanged, "demo_rows": None}, "reverted": None,
            "recovered_from": "import_log"}


def _ordered(entries: list[dict]) -> list[dict]:
    """Commit order: by ``seq`` (the manifest position each batch was committed at); a batch recovered
    from the analytics file's log (written before batches carried ``seq``) goes by its time."""
    seqd = sorted((e for e in entries if e.get("seq") is not None), key=lambda e: (e["seq"], e["at"], e["id"]))
    for e in sorted((e for e in entries if e.get("seq") is None), key=lambda e: (e["at"], e["id"])):
        i = next((k for k, s in enumerate(seqd) if s["at"] > e["at"]), len(seqd))
        seqd.insert(i, e)
    return seqd


@dataclass
class Recovery:
    batches: list[dict] = field(default_factory=list)
    from_log: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    quarantine_dir: str = ""
    aside: str = ""
    problems: list[tuple[str, dict]] = field(default_factory=list)
    rebuilt: bool = False
    rebuild_error: str = ""
    changed: bool = True


def recover(db: Path | None = None, lock_wait: float | None = None) -> Recovery:
    """Rebuild ``manifest.json`` from the batches on disk: each committed batch's commit record (its
    entry, checksum and revert), the manifest's own lines where it can still be read, and, for a batch
    file that has no commit record (written before batches had them, or by a writer killed right after
    its commit), the analytics file's ``import_log`` as the proof it was committed. Batch files nothing
    shows were committed are moved to ``quarantine/``. The manifest it replaces is kept in
    ``replaced/<when>/``. Then the analytics file is rebuilt if it does not hold exactly these batches."""
    live = Path(db or db_path())
    out = Recovery()
    with registers.write_lock(lock_wait):
        d = registers.data_dir()
        inv = registers.inventory(d)
        if inv.restoring is not None:       # a restore stopped part way: running it again finishes it
            key, kw = registers.check(inv)[0]
            raise registers.RegistersError(key, **kw)
        if not registers.check(inv) and not inv.uncommitted:
            out.batches, out.changed = inv.manifest or [], False
            return out
        entries: dict[str, dict] = {b["id"]: dict(b) for b in inv.manifest or []}
        for i, rec in inv.records.items():
            old = entries.get(i) or {}
            entries[i] = {**old, **rec, "reverted": rec.get("reverted") or old.get("reverted")}
        log = _import_log(live) if inv.unlisted else {}
        to_quarantine = []
        for i, own in inv.unlisted.items():
            if i not in log:
                to_quarantine.append(i)
                continue
            try:
                entries[i] = {**own, "reverted": None} if own else _legacy_entry(i, log[i], d)
            except duckdb.Error:
                to_quarantine.append(i)
                continue
            out.from_log.append(i)
        batches = _ordered(list(entries.values()))
        for n, b in enumerate(batches):
            b["seq"] = n
            try:
                if not b.get("batch_sha256"):
                    p = registers.verify_batch(b, d)      # read whole: no checksum to compare with
                    b["batch_sha256"] = registers.file_sha256(p)
                else:
                    registers.verify_batch(b, d)
            except registers.RegistersError as e:
                out.problems.append((e.key, e.kw))
        if registers.manifest_path(d).exists() or inv.bad_records:
            aside = registers.aside_dir("replaced", d)
            if registers.manifest_path(d).exists():
                registers.copy_durably(registers.manifest_path(d), aside / "manifest.json")
            for f in inv.bad_records:
                os.replace(f, aside / Path(f).name)
            out.aside = str(aside)
        if to_quarantine:
            q = registers.aside_dir("quarantine", d)
            for i in to_quarantine:
                registers.quarantine(i, d, q)
            out.quarantined, out.quarantine_dir = to_quarantine, str(q)
        registers.write_manifest(batches, d)
        for b in batches:
            registers.write_record(b, d)
        out.batches = batches
        try:
            held = build_info(live).get("registers")
        except duckdb.Error:
            held = None
        if held != registers_digest(registers.active(batches)) and not out.problems:
            try:
                rebuild(live)
                out.rebuilt = True
            except Exception as e:  # noqa: BLE001 - the manifest is recovered; say how to finish
                out.rebuild_error = f"{type(e).__name__}: {e}"[:300]
    try:
        _audit("registers_recover", None, batches=len(out.batches), from_log=out.from_log,
               quarantined=out.quarantined)
    except Exception:  # noqa: BLE001 - a recovered manifest must not be undone by the audit file
        pass
    return out


# ----------------------------------------------------------------------------------------------- backup

def _integrity(path: Path) -> bool:
    """SQLite's integrity check on an accounts file opened read-only (never changed), and its tables."""
    try:
        con = sqlite3.connect(path.resolve().as_uri() + "?immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        ok = con.execute("pragma integrity_check").fetchall() == [("ok",)]
        tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
        return ok and {"account", "audit_log"} <= tables
    except sqlite3.Error:
        return False
    finally:
        con.close()


def backup(dest: Path, lock_wait: float | None = None) -> dict:
    """Write a consistent copy of the registers (manifest, batch files and their commit records) and the
    accounts/audit file (SQLite's online backup API) into ``dest``, which must not exist or be empty.
    Every batch is checked against its checksum first: a damaged one is refused, by name, before
    anything is written. A reverted batch is never replayed: if its file is damaged or missing it is
    copied as it is (or left out) and named in ``damaged_reverted``, so reverting a damaged import is a
    way out."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise OpError("registers.err_backup_not_empty", path=str(dest))
    with registers.write_lock(lock_wait):
        batches = registers.prepare()
        damaged = []
        for b in batches:
            try:
                registers.verify_batch(b)
            except registers.RegistersError:
                if not b.get("reverted"):
                    raise
                damaged.append(b["id"])
        reg = dest / "registers"
        (reg / "batches").mkdir(parents=True, exist_ok=True)
        for b in batches:
            src = registers.batch_path(b["id"])
            copy = reg / "batches" / src.name
            if src.exists():
                registers.copy_durably(src, copy)
                if b["id"] not in damaged and registers.file_sha256(copy) != b.get("batch_sha256"):
                    raise registers.RegistersError("registers.err_batch_corrupt", id=b["id"],
                                                   file=b["file_name"], path=str(copy))
            registers.write_record(b, reg)
        registers.write_manifest(batches, reg)
        accounts = auth.accounts_path()
        info = {"at": datetime.now().isoformat(timespec="seconds"), "batches": len(batches),
                "accounts": accounts.exists(), "damaged_reverted": damaged}
        if accounts.exists():
            src_con = auth.connect()
            out = sqlite3.connect(str(dest / "accounts.db"))
            try:
                src_con.backup(out)
                out.execute("pragma journal_mode=delete")   # one self-contained file
            finally:
                out.close()
                src_con.close()
            if not _integrity(dest / "accounts.db"):
                raise OpError("registers.err_accounts_damaged", path=str(accounts))
            info["accounts_sha256"] = registers.file_sha256(dest / "accounts.db")
        registers.write_atomic(dest / "BACKUP.json", json.dumps(info).encode())
    return info


# ---------------------------------------------------------------------------------------------- restore

def _table_columns() -> dict[str, set[str]]:
    """Every analytics table's columns, from the schema (an in-memory database)."""
    con = duckdb.connect()
    try:
        con.execute((QUERIES_DIR / "schema.sql").read_text(encoding="utf-8"))
        rows = con.execute(sql("registers_table_columns")).fetchall()
    finally:
        con.close()
    out: dict[str, set[str]] = {}
    for t, c in rows:
        out.setdefault(t, set()).add(c)
    return out


def _batch_columns(p: Path) -> set[str]:
    con = duckdb.connect()
    try:
        return {r[0] for r in con.execute(sql("registers_batch_columns"), {"path": str(p)}).fetchall()}
    finally:
        con.close()


@dataclass
class Backup:
    root: Path
    info: dict
    batches: list[dict]
    accounts: Path | None
    damaged_reverted: list[str] = field(default_factory=list)


def verify_backup(src: Path) -> Backup:
    """Read and check every file of a backup, changing nothing: the manifest parses and agrees with the
    commit records; each batch matches its checksum (older backups: reads whole), is Parquet with its
    dataset's columns and the manifest's row count; the accounts file matches its checksum and passes
    SQLite's integrity check. Raises :class:`OpError` naming what is wrong."""
    src = Path(src)
    reg = src / "registers"
    if not (src / "BACKUP.json").is_file() or not registers.manifest_path(reg).is_file():
        raise OpError("registers.err_not_backup", path=str(src))
    try:
        info = json.loads((src / "BACKUP.json").read_text(encoding="utf-8"))
        if not isinstance(info, dict):
            raise ValueError("BACKUP.json")
    except (OSError, ValueError):
        raise OpError("registers.err_not_backup", path=str(src)) from None
    inv = registers.inventory(reg)
    problems = registers.check(inv)
    if problems or inv.manifest is None:
        raise OpError("registers.err_backup_bad_manifest", path=str(registers.manifest_path(reg)),
                      error=inv.manifest_error or (problems[0][0] if problems else "no manifest"))
    batches = inv.manifest
    missing = [b["id"] for b in batches if not b.get("reverted") and not registers.batch_path(b["id"], reg).is_file()]
    if missing:
        raise OpError("registers.err_backup_incomplete", ids=", ".join(missing[:5]))
    tables = _table_columns()
    damaged = []
    for n, b in enumerate(batches):
        b.setdefault("seq", n)
        try:
            _verify_backup_batch(b, reg, tables)
        except OpError:
            if not b.get("reverted"):
                raise
            damaged.append(b["id"])     # never replayed: kept as it is, and said
    acc = src / "accounts.db"
    if info.get("accounts") and not acc.is_file():
        raise OpError("registers.err_backup_incomplete", ids="accounts.db")
    if acc.is_file():
        if info.get("accounts_sha256") and registers.file_sha256(acc) != info["accounts_sha256"]:
            raise OpError("registers.err_backup_accounts", path=str(acc))
        if not _integrity(acc):
            raise OpError("registers.err_backup_accounts", path=str(acc))
    return Backup(src, info, batches, acc if acc.is_file() else None, damaged)


def _verify_backup_batch(b: dict, reg: Path, tables: dict[str, set[str]]) -> None:
    p = registers.batch_path(b["id"], reg)
    kw = {"id": b["id"], "file": b.get("file_name", ""), "path": str(p)}
    if not p.is_file():
        raise OpError("registers.err_backup_incomplete", ids=b["id"])
    if b.get("batch_sha256") and registers.file_sha256(p) != b["batch_sha256"]:
        raise OpError("registers.err_backup_batch_checksum", **kw)
    ds = DATASETS.get(b.get("dataset"))
    try:
        if ds is None:
            raise registers.RegistersError("registers.err_batch_unreadable", **kw)
        registers.read_whole(b, p)
        cols = _batch_columns(p)
    except (registers.RegistersError, duckdb.Error):
        raise OpError("registers.err_backup_batch_unreadable", **kw) from None
    if not set(ds.id_cols) <= cols or not cols <= tables.get(ds.table, set()):
        raise OpError("registers.err_backup_batch_unreadable", **kw)
    if not b.get("batch_sha256"):
        b["batch_sha256"] = registers.file_sha256(p)   # an older backup: read whole, now recorded


def _account_rows(con: sqlite3.Connection) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in con.execute(
        "select name, role, province, email, disabled, pw_hash, session_version from account")}


def _open_backup_accounts(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?immutable=1", uri=True)


def restore_plan(bk: Backup) -> dict:
    """What putting ``bk`` back would replace (caller holds the lock): imports kept now that the backup
    lacks, imports reverted now that the backup has active, accounts that exist now but not in the
    backup or that changed since, and audit records written since."""
    inv = registers.inventory()
    now: dict[str, dict] = {b["id"]: b for b in inv.manifest or []}
    for i, rec in inv.records.items():
        now[i] = {**now.get(i, {}), **rec, "reverted": rec.get("reverted") or now.get(i, {}).get("reverted")}
    for i, own in inv.unlisted.items():
        now.setdefault(i, own or {"id": i})
    back = {b["id"]: b for b in bk.batches}
    plan = {"backup_at": bk.info.get("at", "?"), "batches": len(bk.batches), "damaged_reverted": bk.damaged_reverted,
            "dropped": [b for i, b in now.items() if i not in back],
            "revived": [b for i, b in now.items() if i in back and b.get("reverted") and not back[i].get("reverted")],
            "accounts_new": [], "accounts_changed": [], "audit_since": 0, "accounts_in_backup": bk.accounts is not None}
    if bk.accounts is not None and auth.accounts_path().exists():
        b = _open_backup_accounts(bk.accounts)
        live = auth.connect()
        try:
            theirs, ours = _account_rows(b), _account_rows(live)
            last = b.execute("select coalesce(max(ts), 0) from audit_log").fetchone()[0]
            plan["audit_since"] = live.execute("select count(*) from audit_log where ts > ?", (last,)).fetchone()[0]
        finally:
            live.close()
            b.close()
        plan["accounts_new"] = sorted(set(ours) - set(theirs))
        plan["accounts_changed"] = sorted(n for n in set(ours) & set(theirs) if ours[n] != theirs[n])
    return plan


def _link_or_copy(src: Path, dest: Path) -> None:
    """Keep ``src`` at ``dest``: a hard link (batch files, commit records and the manifest are only ever
    replaced by rename, never changed in place, so the link keeps the old bytes), else a copy."""
    try:
        os.link(src, dest)
    except OSError:
        registers.copy_durably(src, dest)


def _set_aside(aside: Path) -> None:
    """Keep the live registers (manifest, batch files, commit records) and accounts file in ``aside``."""
    d = registers.data_dir()
    (aside / "registers" / "batches").mkdir(parents=True, exist_ok=True)
    if registers.manifest_path(d).exists():
        _link_or_copy(registers.manifest_path(d), aside / "registers" / "manifest.json")
    bdir = d / "batches"
    if bdir.exists():
        for f in sorted(bdir.iterdir()):
            if f.is_file() and not f.name.startswith("."):
                _link_or_copy(f, aside / "registers" / "batches" / f.name)
    registers.fsync_dir(aside / "registers" / "batches")
    acc = auth.accounts_path()
    if acc.exists():
        try:
            live = auth.connect()
            out = sqlite3.connect(str(aside / "accounts.db"))
            try:
                live.backup(out)
                out.execute("pragma journal_mode=delete")
            finally:
                out.close()
                live.close()
        except sqlite3.Error:
            # A damaged live file (often why one restores) cannot be read page by page: keep its bytes.
            (aside / "accounts.db").unlink(missing_ok=True)
            for f in (acc, acc.with_name(acc.name + "-wal")):
                if f.exists():
                    registers.copy_durably(f, aside / f.name)
    # Laid out as a backup, so ``restore replaced/WHEN --yes`` undoes the restore (when it was consistent).
    try:
        n = len(registers.read_manifest(aside / "registers"))
    except (OSError, ValueError, KeyError):
        n = None
    info = {"at": datetime.now().isoformat(timespec="seconds"), "batches": n, "accounts": acc.exists(),
            "kept_aside_by": "restore"}
    registers.write_atomic(aside / "BACKUP.json", json.dumps(info).encode())
    registers.fsync_dir(aside)


def _switch_registers(bk: Backup) -> None:
    """Put the backup's registers in place of the live ones (kept aside already). A kill at any step
    leaves a state every reader accepts: the old manifest with its batches, or the new one."""
    d = registers.data_dir()
    bdir = d / "batches"
    bdir.mkdir(parents=True, exist_ok=True)
    # 1. The live commit records go first: until the new manifest is written the old one alone names
    #    the old batches (a writer rewrites their records from it).
    for f in bdir.glob("*.json"):
        if not f.name.startswith("."):
            f.unlink()
    registers.fsync_dir(bdir)
    # 2. The backup's batch files (verified), 3. its manifest (the commit point) and records.
    for b in bk.batches:
        target = registers.batch_path(b["id"], d)
        src = registers.batch_path(b["id"], bk.root / "registers")
        if src.exists() and not (target.exists() and registers.file_sha256(target) == b.get("batch_sha256")):
            registers.copy_durably(src, target)
    registers.fsync_dir(bdir)
    registers.write_manifest(bk.batches, d)
    for b in bk.batches:
        registers.write_record(b, d)
    # 4. Live batch files the backup does not have: kept aside, no longer live.
    keep = {b["id"] for b in bk.batches}
    for f in bdir.glob("*.parquet"):
        if not f.name.startswith(".") and f.stem not in keep:
            f.unlink()
    registers.fsync_dir(bdir)


def restore(src: Path, db: Path | None = None, lock_wait: float | None = None, yes: bool = False) -> dict:
    """Put a backup back: the registers (manifest, batches, commit records) and the accounts/audit file,
    and the analytics file rebuilt from them.

    Every file of the backup is read and checked first (:func:`verify_backup`) and the analytics file is
    built from the backup's registers under a temporary name; only then is anything live changed. Without
    ``yes`` nothing is changed: the result's ``plan`` says what would be replaced. With ``yes`` the live
    registers and accounts file are first kept in ``replaced/<when>/`` (``aside`` in the result)."""
    bk = verify_backup(Path(src))
    live = Path(db or db_path())
    with registers.write_lock(lock_wait):
        plan = restore_plan(bk)
        if not yes:
            return {"applied": False, "plan": plan, "batches": len(bk.batches)}
        s = live_settings(live)
        restoring = live.with_name(live.name + ".restoring")
        restoring.unlink(missing_ok=True)
        try:
            build_from(restoring, s["scale"], s["seed"] or demo.SEED, s["demo_fill"] or demo_mode(),
                   registers.active(bk.batches), None, root=bk.root / "registers")
        except (BuildError, registers.RegistersError, duckdb.Error, OSError) as e:
            restoring.unlink(missing_ok=True)
            raise OpError("registers.err_restore_build", error=f"{type(e).__name__}: {e}"[:300]) from None
        aside = registers.aside_dir("replaced")
        marker = registers.restoring_path()
        try:
            _set_aside(aside)
            registers.write_atomic(marker, json.dumps({"from": str(bk.root), "aside": str(aside)},
                                                      ensure_ascii=False).encode("utf-8"))
            _switch_registers(bk)
            if bk.accounts is not None:
                back = _open_backup_accounts(bk.accounts)
                live_acc = auth.connect()
                try:
                    back.backup(live_acc)
                finally:
                    live_acc.close()
                    back.close()
            os.replace(restoring, live)
            marker.unlink()
            registers.fsync_dir(marker.parent)
        except (OSError, sqlite3.Error) as e:
            raise OpError("registers.err_restore_midway", aside=str(aside),
                          error=f"{type(e).__name__}: {e}"[:300]) from None
        finally:
            restoring.unlink(missing_ok=True)
    try:
        _audit("registers_restore", None, backup=str(bk.root), batches=len(bk.batches), aside=str(aside))
    except Exception:  # noqa: BLE001 - the restore is done; the audit file must not undo it
        pass
    return {"applied": True, "plan": plan, "batches": len(bk.batches), "aside": str(aside)}
