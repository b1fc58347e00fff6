"""The enum lists are defined once (jinguo/ingest/datasets.py): schema.sql's CHECKs list exactly them."""

import re
from pathlib import Path

from jinguo.store import datasets

SCHEMA = (Path(__file__).resolve().parents[1] / "queries" / "schema.sql").read_text(encoding="utf-8")


def checks(column: str) -> list[tuple[str, ...]]:
    """Every `check (COLUMN in ('a', 'b', ...))` in schema.sql, as tuples in their order."""
    found = re.findall(rf"check \({column} in \(([^)]*)\)\)", SCHEMA)
    return [tuple(re.findall(r"'([^']*)'", body)) for body in found]


def test_schema_checks_list_exactly_the_registry_enums():
    assert checks("kind") == [datasets.ROOM_KINDS]
    assert checks("format") == [datasets.EVENT_FORMATS]
    assert checks("level") == [("province", "city", "district"), datasets.STUDIO_LEVELS]  # region.level is not an enum of imports
    assert checks("crs_in") == [datasets.CRS_IN]
    origins = checks("origin")
    assert len(origins) == SCHEMA.count("origin varchar not null") == 5
    assert set(origins) == {datasets.ORIGINS}


def test_the_validators_use_the_registry_lists():
    fields = {(d.name, f.name): f for d in datasets.DATASETS.values() for f in d.fields}
    assert fields[("mother_rooms", "kind")].choices is datasets.ROOM_KINDS
    assert fields[("matchmaking_events", "format")].choices is datasets.EVENT_FORMATS
    assert fields[("studios", "level")].choices is datasets.STUDIO_LEVELS
