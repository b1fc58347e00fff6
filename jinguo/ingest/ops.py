"""Operating the registers: list imports, revert one, back up and restore (registers + accounts file).

Every operation here takes the one write lock (:func:`jinguo.ingest.registers.write_lock`).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from jinguo.access import User
from jinguo.ingest import registers
from jinguo.paths import db_path


class OpError(ValueError):
    """A refused operation; ``key`` names the message in the catalogue (registers.*)."""

    def __init__(self, key: str, **kw):
        self.key, self.kw = key, kw
        super().__init__(key)


def imports_for(user: User | None) -> list[dict]:
    """The batches a reader may see, newest first: all for an admin (or the CLI: ``None``), else those
    touching the reader's province."""
    batches = registers.read_manifest()
    if user is not None and user.role != "admin":
        batches = [b for b in batches if user.province and (b.get("province") == user.province or
                                                              user.province in (b.get("provinces") or []))]
    return list(reversed(batches))


def _live_settings(live: Path) -> dict:
    from jinguo.build import build_info

    try:
        info = build_info(live)
    except Exception:  # noqa: BLE001 - no or unreadable file: default settings
        info = {}
    return {"scale": float(info.get("scale", 1)), "seed": int(info.get("seed", 0) or 0) or None,
            "demo_fill": info.get("demo")}


def rebuild(live: Path, exclude: frozenset[str] = frozenset()) -> None:
    """Rebuild the analytics file with the settings it was built with (caller holds the lock)."""
    from jinguo import demo
    from jinguo.build import build

    s = _live_settings(live)
    build(live, scale=s["scale"], seed=s["seed"] or demo.SEED, demo_fill=s["demo_fill"], exclude=exclude,
          lock=False)


def revert(import_id: str, actor: User, db: Path | None = None, lock_wait: float | None = None) -> dict:
    """Undo one import: rebuild without it (the rows it replaced, demo ones included, come back as they
    were), then record the revert in the manifest so every later build leaves it out. Admins only;
    audited."""
    if actor.role != "admin":
        raise OpError("registers.err_admin_only")
    live = Path(db or db_path())
    with registers.write_lock(lock_wait):
        batches = registers.read_manifest()
        match = [b for b in batches if b["id"] == import_id]
        if not match:
            raise OpError("registers.err_unknown", id=import_id)
        batch = match[0]
        if batch.get("reverted"):
            raise OpError("registers.err_already", id=import_id)
        rebuild(live, exclude=frozenset({import_id}))
        batch["reverted"] = {"by": actor.name, "at": datetime.now().isoformat(timespec="seconds")}
        registers.write_manifest(batches)
        # The rebuilt file was digested without the batch; the manifest now agrees with it.
    _audit("import_revert", actor.name, import_id=import_id, dataset=batch["dataset"], file=batch["file_name"])
    return batch


def _audit(action: str, user: str | None, **detail) -> None:
    from jinguo import auth

    auth.record(action, user, **detail)


def backup(dest: Path, lock_wait: float | None = None) -> dict:
    """Write a consistent copy of the registers (manifest and batch files) and the accounts/audit file
    (SQLite's online backup API) into ``dest``, which must not exist or be empty."""
    from jinguo import auth

    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise OpError("registers.err_backup_not_empty", path=str(dest))
    with registers.write_lock(lock_wait):
        batches = registers.read_manifest()
        (dest / "registers" / "batches").mkdir(parents=True, exist_ok=True)
        for b in batches:
            src = registers.batch_path(b["id"])
            shutil.copyfile(src, dest / "registers" / "batches" / src.name)
        registers.write_manifest(batches, dest / "registers")
        accounts = auth.accounts_path()
        if accounts.exists():
            src_con = sqlite3.connect(str(accounts))
            out = sqlite3.connect(str(dest / "accounts.db"))
            try:
                src_con.backup(out)
            finally:
                out.close()
                src_con.close()
        info = {"at": datetime.now().isoformat(timespec="seconds"), "batches": len(batches),
                "accounts": accounts.exists()}
        registers.write_atomic(dest / "BACKUP.json", json.dumps(info).encode())
    return info


def restore(src: Path, db: Path | None = None, lock_wait: float | None = None) -> dict:
    """Put a backup back: the registers (manifest and batches) and the accounts/audit file, then
    rebuild the analytics file from them. The backup is checked whole before anything is changed."""
    from jinguo import auth

    src = Path(src)
    if not (src / "BACKUP.json").exists() or not (src / "registers" / "manifest.json").exists():
        raise OpError("registers.err_not_backup", path=str(src))
    batches = registers.read_manifest(src / "registers")
    missing = [b["id"] for b in batches if not registers.batch_path(b["id"], src / "registers").exists()]
    if missing:
        raise OpError("registers.err_backup_incomplete", ids=", ".join(missing[:5]))
    live = Path(db or db_path())
    with registers.write_lock(lock_wait):
        root = registers.data_dir()
        (root / "batches").mkdir(parents=True, exist_ok=True)
        for b in batches:
            target = registers.batch_path(b["id"])
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(registers.batch_path(b["id"], src / "registers"), tmp)
            tmp.replace(target)
        registers.write_manifest(batches)
        registers.sweep()
        if (src / "accounts.db").exists():
            back = sqlite3.connect(str(src / "accounts.db"))
            live_acc = auth.connect()
            try:
                back.backup(live_acc)
            finally:
                live_acc.close()
                back.close()
        rebuild(live)
    return {"batches": len(batches)}
