"""The enum lists are defined once (jinguo/ingest/registry.py): schema.sql's CHECKs list exactly them."""

import re
from pathlib import Path

from jinguo.ingest import registry

SCHEMA = (Path(__file__).resolve().parents[1] / "queries" / "schema.sql").read_text(encoding="utf-8")


def checks(column: str) -> list[tuple[str, ...]]:
    """Every `check (COLUMN in ('a', 'b', ...))` in schema.sql, as tuples in their order."""
    found = re.findall(rf"check \({column} in \(([^)]*)\)\)", SCHEMA)
    return [tuple(re.findall(r"'([^']*)'", body)) for body in found]


def test_schema_checks_list_exactly_the_registry_enums():
    assert checks("kind") == [registry.ROOM_KINDS]
    assert checks("format") == [registry.EVENT_FORMATS]
    assert checks("level") == [("province", "city", "district"), registry.STUDIO_LEVELS]  # region.level is not an enum of imports
    assert checks("crs_in") == [registry.CRS_IN]
    origins = checks("origin")
    assert len(origins) == SCHEMA.count("origin varchar not null") == 5
    assert set(origins) == {registry.ORIGINS}


def test_the_validators_use_the_registry_lists():
    fields = {(d.name, f.name): f for d in registry.DATASETS.values() for f in d.fields}
    assert fields[("mother_rooms", "kind")].choices is registry.ROOM_KINDS
    assert fields[("matchmaking_events", "format")].choices is registry.EVENT_FORMATS
    assert fields[("studios", "level")].choices is registry.STUDIO_LEVELS
