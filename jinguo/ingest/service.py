"""The one load-and-audit sequence: the import page and the CLI both call :func:`apply`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from jinguo import auth
from jinguo.auth.access import User
from jinguo.ingest.load import load, plan
from jinguo.ingest.read import MAX_BYTES
from jinguo.ingest.validate import Report, validate
from jinguo.paths import db_path


def apply(rep: Report, db: Path | None = None, file_name: str = "", sha256: str = "",
          user: User | None = None) -> Report:
    """Load a validated report's good rows and write the audit record: the one sequence both the
    import page and :func:`run_import` use."""
    user_name = user.name if user else None
    load(rep, Path(db or db_path()), file_name, sha256, user_name, province=user.province if user else None)
    try:
        auth.record("import", user_name, dataset=rep.dataset, file=file_name, added=rep.added,
                    updated=rep.updated, unchanged=rep.unchanged, rejected=rep.rejected)
    except Exception:  # noqa: BLE001 - the audit file must not undo a finished import
        pass
    return rep


def run_import(dataset: str, path: Path, db: Path | None = None, crs: str = "gcj02", dry_run: bool = False,
               skip_bad_rows: bool = False, user: User | None = None, max_bytes: int = MAX_BYTES,
               sheet: str | int | None = None, mapping: dict[str, str] | None = None) -> Report:
    """Validate ``path`` and, unless dry-run or any row is bad (without skip_bad_rows), load it.

    A dry run computes what the load would add, update and leave unchanged with the load's own staging
    step (:func:`store.plan`), on a temp table dropped afterwards."""
    data = Path(path).read_bytes()
    live = Path(db or db_path())
    con = duckdb.connect(str(live), read_only=True)
    try:
        rep = validate(data, dataset, con, crs=crs, user=user, file_name=Path(path).name, max_bytes=max_bytes,
                       sheet=sheet, mapping=mapping)
        if dry_run:
            plan(rep, con)
    finally:
        con.close()
    if dry_run or (rep.rejected and not skip_bad_rows) or rep.good is None or rep.good.empty:
        return rep
    return apply(rep, live, Path(path).name, hashlib.sha256(data).hexdigest(), user)
