"""Build ``data/jinguo.duckdb`` from the committed files under ``data/``, demo data and every kept import
batch replayed; and rebuild it with the settings it was built with.

The build writes a new file beside the target and renames it into place, so a
failed build (a malformed row in a data file, say) leaves the previous
database untouched, and readers never see a half-built file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from jinguo import demo
from jinguo.paths import QUERIES_DIR, db_path
from jinguo.store import registers
from jinguo.store.sources import DEMO_MODES, BuildError, demo_mode, read_sources
from jinguo.store.stale import build_info, registers_digest, source_digest


def _insert(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> None:
    cols = [r[0] for r in con.execute(f"describe {table}").fetchall()]  # noqa: S608 - fixed names
    con.register("_src", df[cols])
    con.execute(f"insert into {table} select * from _src")  # noqa: S608
    con.unregister("_src")


def derive_detail_indicators(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)compute the detail-backed rows of ``indicator_value`` from the detail tables."""
    sql = (QUERIES_DIR / "derive_indicators.sql").read_text(encoding="utf-8")
    con.execute("delete from indicator_value where indicator_code in "
                "(select code from indicator where detail_table is not null)")
    con.execute(sql)


def _without_demo(data: demo.Demo) -> demo.Demo:
    """Production mode: keep only the reported rows the generator carries (origin = 'reported')."""
    return demo.Demo(*(df[df["origin"] != "demo"].reset_index(drop=True) for df in (
        data.matchmaking_event, data.mother_room, data.innovation_studio, data.studio_output,
        data.indicator_value)))


def build(path: Path | None = None, scale: float = 1.0, seed: int = demo.SEED, demo_fill: str | None = None,
          exclude: frozenset[str] = frozenset(), lock: bool = True, on_replay=None) -> Path:
    """Build the database at ``path`` atomically from the sources, demo data (``demo_fill``: fill or
    none, default ``$JINGUO_DEMO`` or fill) and every register batch replayed in order; return the path.

    Holds the write lock (waits up to ``$JINGUO_LOCK_WAIT`` s for an import, then raises
    :class:`jinguo.store.registers.Busy`); ``lock=False`` when the caller already holds it.
    ``exclude``: batch ids left out (a revert builds without its batch before it commits).
    Refuses (:class:`jinguo.store.registers.RegistersError`) while the manifest is missing or behind the
    batches on disk, and when a batch file does not match its checksum: the database is left unchanged."""
    mode = demo_fill or demo_mode()
    if mode not in DEMO_MODES:
        raise BuildError("--demo", None, f"must be one of {', '.join(DEMO_MODES)}, not {mode!r}")
    ctx = registers.write_lock() if lock else contextlib.nullcontext()
    with ctx:
        batches = [b for b in registers.active(registers.prepare()) if b["id"] not in exclude]
        return build_from(Path(path or db_path()), scale, seed, mode, batches, on_replay)


def build_from(path: Path, scale: float, seed: int, mode: str, batches: list[dict], on_replay,
           root: Path | None = None) -> Path:
    """The build itself, the batches replayed from the registers folder ``root`` (default: the live one;
    a restore builds from the backup's before it changes anything)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # We hold the write lock: any half-written file beside the target is a killed writer's; sweep it.
    for pattern in (f"{path.name}.*.building", f"{path.name}.*.building.wal", f"{path.name}.importing.*"):
        for stale in path.parent.glob(pattern):
            stale.unlink(missing_ok=True)
    src = read_sources()
    data = demo.generate(src.regions, src.indicators, src.facts, scale=scale, seed=seed,
                         named_studios=src.named_studios, drivers=src.drivers)
    if mode == "none":
        data = _without_demo(data)
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".building", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute((QUERIES_DIR / "schema.sql").read_text(encoding="utf-8"))
            _insert(con, "region", src.regions)
            _insert(con, "indicator", src.indicators)
            _insert(con, "reported_fact", src.facts)
            _insert(con, "reported_fact_context", src.facts)
            _insert(con, "matchmaking_event", data.matchmaking_event)
            _insert(con, "mother_room", data.mother_room)
            _insert(con, "innovation_studio", data.innovation_studio)
            _insert(con, "studio_output", data.studio_output)
            _insert(con, "indicator_value", data.indicator_value)
            if on_replay:
                on_replay(tmp)
            con.execute("begin transaction")
            registers.replay(con, batches, root)
            con.execute("commit")
            derive_detail_indicators(con)
            con.executemany("insert into build_info values (?, ?)", [
                ("sources", source_digest()), ("scale", f"{scale:g}"), ("seed", str(seed)), ("demo", mode),
                ("registers", registers_digest(batches))])
            con.execute("checkpoint")
        finally:
            con.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        raise
    return path


def live_settings(live: Path) -> dict:
    try:
        info = build_info(live)
    except Exception:  # noqa: BLE001 - no or unreadable file: default settings
        info = {}
    return {"scale": float(info.get("scale", 1)), "seed": int(info.get("seed", 0) or 0) or None,
            "demo_fill": info.get("demo")}


def rebuild(live: Path, exclude: frozenset[str] = frozenset()) -> None:
    """Rebuild the analytics file with the settings it was built with (caller holds the lock)."""
    s = live_settings(live)
    build(live, scale=s["scale"], seed=s["seed"] or demo.SEED, demo_fill=s["demo_fill"], exclude=exclude,
          lock=False)
