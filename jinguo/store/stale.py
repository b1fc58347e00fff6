"""What a database file holds, and whether it is stale: the digests of its sources and of the register
batches it replayed, recorded in ``build_info`` and compared by ``make run``."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from jinguo.paths import build_sources, db_path
from jinguo.store import registers
from jinguo.store.sources import demo_mode


def source_digest() -> str:
    h = hashlib.sha256()
    for f in build_sources():
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def registers_digest(batches: list[dict]) -> str:
    """Which batches, in which order, a database holds."""
    return hashlib.sha256("\n".join(b["id"] for b in batches).encode()).hexdigest()[:16]


def build_info(path: Path) -> dict[str, str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute("select key, value from build_info").fetchall())
    finally:
        con.close()


def is_stale(path: Path | None = None) -> bool:
    """True when the database is missing, older than any of its source files, built in another demo mode
    than ``$JINGUO_DEMO`` asks for, or holds another set of register batches than the manifest lists (or
    the manifest needs recovering: the build then refuses and says how)."""
    path = Path(path or db_path())
    if not path.exists():
        return True
    mtime = path.stat().st_mtime
    if any(f.stat().st_mtime > mtime for f in build_sources()):
        return True
    try:
        info = build_info(path)
    except duckdb.Error:
        return True
    if info.get("demo", "fill") != demo_mode():
        return True
    try:
        batches = registers.committed()
    except registers.RegistersError:
        return True     # the build refuses and says how to recover
    return info.get("registers") != registers_digest(registers.active(batches))
