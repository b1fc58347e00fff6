"""Column mappings an officer gave by hand, remembered per province and dataset.

A county's own header (``小屋编号``) mapped to a field (``room_id``) once is applied to every later import of
that province and dataset. Kept in a small SQLite file outside the analytics database (which is rebuilt and
swapped whole): ``$JINGUO_MAPPINGS_DB``, else ``column_mappings.db`` in ``$JINGUO_DATA_DIR``, else beside
the accounts file. Keys are the normalised header text (:func:`cells.norm_header`), so ``小屋 编号`` and
``小屋编号`` are one header.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from jinguo.auth.db import accounts_path
from jinguo.ingest.cells import norm_header
from jinguo.store.datasets import DATASETS, ImportError_

SCHEMA = """
create table if not exists column_mapping (
    province text not null,
    dataset text not null,
    header text not null,
    field text not null,
    saved_by text,
    saved_at text not null,
    primary key (province, dataset, header)
);
"""


def path() -> Path:
    if os.environ.get("JINGUO_MAPPINGS_DB"):
        return Path(os.environ["JINGUO_MAPPINGS_DB"])
    if os.environ.get("JINGUO_DATA_DIR"):
        return Path(os.environ["JINGUO_DATA_DIR"]) / "column_mappings.db"
    return accounts_path().parent / "column_mappings.db"


def _connect() -> sqlite3.Connection:
    p = path()
    p.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(p), timeout=10, isolation_level=None)
    con.executescript(SCHEMA)
    return con


def remembered(province: str | None, dataset: str) -> dict[str, str]:
    """{normalised header: field} saved for this province and dataset."""
    p = path()
    if not p.exists():
        return {}
    con = _connect()
    try:
        rows = con.execute("select header, field from column_mapping where province = ? and dataset = ?",
                           (province or "", dataset)).fetchall()
    finally:
        con.close()
    return dict(rows)


def remember(province: str | None, dataset: str, mapping: dict[str, str], user: str | None = None) -> None:
    """Save header -> field pairs (an empty field forgets the header) in one transaction."""
    check(dataset, mapping)
    con = _connect()
    try:
        con.execute("begin immediate")
        now = datetime.now().isoformat(timespec="seconds")
        for header, field in mapping.items():
            key = norm_header(header)
            if not field:
                con.execute("delete from column_mapping where province = ? and dataset = ? and header = ?",
                            (province or "", dataset, key))
                continue
            con.execute("insert into column_mapping values (?, ?, ?, ?, ?, ?) on conflict (province, dataset, header)"
                        " do update set field = excluded.field, saved_by = excluded.saved_by, "
                        "saved_at = excluded.saved_at", (province or "", dataset, key, field, user, now))
        con.execute("commit")
    finally:
        con.close()


def check(dataset: str, mapping: dict[str, str]) -> None:
    fields = [f.name for f in DATASETS[dataset].fields]
    for field in mapping.values():
        if field and field not in fields:
            raise ImportError_("import.bad_map_field", field=field, fields=", ".join(fields))


def parse(pairs: list[str] | None) -> dict[str, str]:
    """``['小屋编号=room_id', …]`` (the CLI's --map) -> {header: field}."""
    out: dict[str, str] = {}
    for p in pairs or []:
        header, sep, field = p.rpartition("=")
        if not sep or not header.strip() or not field.strip():
            raise ImportError_("import.bad_map", arg=p)
        out[header.strip()] = field.strip()
    return out
