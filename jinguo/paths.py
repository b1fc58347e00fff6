"""Where the project's files live. Read at call time, never at import time."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
QUERIES_DIR = ROOT / "queries"


def db_path() -> Path:
    """The database file: ``$JINGUO_DB`` or ``data/jinguo.duckdb``."""
    return Path(os.environ.get("JINGUO_DB") or DATA_DIR / "jinguo.duckdb")


def build_sources() -> list[Path]:
    """Every committed file the database is built from (for `make run`'s staleness check)."""
    files = [DATA_DIR / "indicators.csv", DATA_DIR / "reported_facts.csv",
             DATA_DIR / "named_studios.csv", DATA_DIR / "drivers" / "provinces.csv",
             QUERIES_DIR / "schema.sql"]
    files += sorted((ROOT / "jinguo").rglob("*.py"))
    files += sorted((QUERIES_DIR / "ingest").glob("*.sql"))
    return [f for f in files if f.exists()]
