"""Demo mobile mother rooms (流动妈咪小屋 on buses): a service area and hours that make sense.

A bus is not a fixed point: it serves a route through a few districts of its city. The demo gives each
bus its base district plus the nearest one or two districts of the same city, and the hours of a bus
service: 07:00–19:00 every day, or 08:00–17:30 on weekdays. Called once from :mod:`jinguo.demo`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BUS_HOURS = (("07:00:00", "19:00:00", "1234567"), ("08:00:00", "17:30:00", "12345"))


def bus_service(rooms: pd.DataFrame, district_by_city: dict[str, pd.DataFrame], seed: int = 16) -> pd.DataFrame:
    """``rooms`` with a ``service_area`` column (adcodes, comma-separated; null for fixed rooms) and bus
    hours; ``district_by_city`` maps a city adcode to its districts (adcode, lon, lat)."""
    rng = np.random.default_rng(seed)
    out = rooms.copy()
    out["service_area"] = None
    bus = out.index[out["kind"] == "mobile_bus"]
    if bus.empty:
        return out
    area = pd.Series(out.loc[bus, "city_code"].to_numpy(), index=bus, dtype=object)
    for city, idx in out.loc[bus].groupby("city_code").groups.items():
        ds = district_by_city.get(city)
        if ds is None or ds.empty:
            continue
        codes = ds["adcode"].to_numpy()
        xy = ds[["lon", "lat"]].to_numpy(float)
        order = np.argsort(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1), axis=1)  # nearest first, self 0
        pos = {c: i for i, c in enumerate(codes)}
        for i in idx:
            home = pos.get(out.at[i, "district_code"], 0)
            k = 1 + int(rng.integers(1, 3))
            area[i] = ",".join(codes[order[home][:k]])
    out.loc[bus, "service_area"] = area
    pick = rng.integers(0, len(BUS_HOURS), len(bus))
    for col, j in (("open_time", 0), ("close_time", 1), ("open_days", 2)):
        out.loc[bus, col] = [BUS_HOURS[p][j] for p in pick]
    return out
