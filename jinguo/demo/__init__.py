"""Deterministic demo data, calibrated to the reported facts.

The source document reports a handful of regions, mostly as five-year totals.
A national dashboard needs every province, year by year, and points for the
map. This package generates that with a fixed seed, in steps:

1. ``drivers``: how big each province is (2020 census population and urban
   share, ``data/drivers/provinces.csv``) and how a province splits over its
   cities (a documented rule);
2. ``baseline``: national per-head rates and their yearly path (a programme's
   indicator starts in the year in the catalogue's ``since`` column);
3. ``calibrate``: make the rows roll up exactly to every reported figure, and
   move a calibrated region's other years with it (continuity);
4. ``consistency``: the figures of one event or studio agree with each other.

``matchmaking``, ``rooms``, ``studios`` and ``indicators`` apply these steps to
one table each. Every generated row has ``origin = 'demo'``; ``scale``
multiplies only the volume of cells that no fact pins down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jinguo.demo.baseline import YEARS
from jinguo.demo.drivers import Geography, read_drivers
from jinguo.demo.indicators import indicator_values
from jinguo.demo.matchmaking import matchmaking
from jinguo.demo.rooms import mother_rooms
from jinguo.demo.studios import studios
from jinguo.paths import DATA_DIR

__all__ = ["SEED", "YEARS", "Demo", "generate", "read_drivers"]

SEED = 20240426
NAMED_STUDIO_COLUMNS = ["lead", "studio_name", "employer", "region_code", "level", "industry", "fact_ids"]


@dataclass
class Demo:
    matchmaking_event: pd.DataFrame
    mother_room: pd.DataFrame
    innovation_studio: pd.DataFrame
    studio_output: pd.DataFrame
    indicator_value: pd.DataFrame


def generate(regions: pd.DataFrame, indicators: pd.DataFrame, facts: pd.DataFrame,
             scale: float = 1.0, seed: int = SEED, named_studios: pd.DataFrame | None = None,
             drivers: pd.DataFrame | None = None) -> Demo:
    """All demo tables. ``drivers`` defaults to the committed ``data/drivers/provinces.csv``."""
    if drivers is None:
        drivers = read_drivers(DATA_DIR / "drivers" / "provinces.csv")
    if named_studios is None:
        named_studios = pd.DataFrame(columns=NAMED_STUDIO_COLUMNS)
    geo = Geography(regions, drivers)
    events = matchmaking(geo, facts, scale, np.random.default_rng([seed, 1]))
    rooms = mother_rooms(geo, facts, scale, np.random.default_rng([seed, 2]))
    studio_rows, outputs = studios(geo, facts, scale, np.random.default_rng([seed, 3]), named_studios)
    values = indicator_values(geo, indicators, facts, np.random.default_rng([seed, 4]))
    return Demo(events, rooms, studio_rows, outputs, values)
