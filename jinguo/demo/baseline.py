"""Step 2 of the generator: baselines, i.e. national per-head rates and their yearly path.

Rates are per million urban residents (see drivers.py) and are set near the
reported provinces' own rates, so a reported province sits among its peers
rather than far above or below them:

=====================  =========================================  ============
what                   reported anchor (per million urban, /yr)   demo rate
=====================  =========================================  ============
matchmaking events     黑龙江 1052 in 5 years: 10                 7
mother rooms (2024)    山东 4923 at end-2023: 77                  62
innovation studios     广东 735 at end-2023: 7.9                  5.5
women members          重庆 202.7 万 at end-2023: 9.1 %            9 %
=====================  =========================================  ============
"""

from __future__ import annotations

import numpy as np

YEARS = tuple(range(2019, 2025))

# Matchmaking: events per million urban residents a year; pandemic years hold fewer gatherings.
EVENTS_PER_M_URBAN = 7.0
EVENT_YEAR_EFFECT = np.array([1.0, 0.85, 0.92, 0.95, 1.04, 1.1])  # 2019..2024
MIN_EVENTS_PER_YEAR = 20        # even the smallest province holds one or two a month
PARTICIPANTS_PER_EVENT = 110    # 黑龙江: 13 万 / 1052 = 124
PAIRS_PER_PARTICIPANT = 0.042   # 黑龙江: 5585 / 13 万 = 0.043 (a match rate of 8.6 %)

# Mother rooms: stock at the end of 2024; share opened up to 2018, then in each year 2019..2024.
ROOMS_PER_M_URBAN = 62.0
ROOM_YEAR_WEIGHTS = np.array([0.45, 0.09, 0.08, 0.09, 0.10, 0.10, 0.09])
MIN_ROOMS = 40

# Innovation studios: stock at the end of 2024, founded 2012..2024 at a growing pace.
STUDIOS_PER_M_URBAN = 5.5
STUDIO_YEARS = np.arange(2012, 2025)
STUDIO_YEAR_WEIGHTS = 1 + 0.1 * (STUDIO_YEARS - 2012)
MIN_STUDIOS = 12
LEVELS = np.array(["national", "provincial", "city", "industry"])
LEVEL_WEIGHTS = np.array([0.03, 0.25, 0.5, 0.22])
# Skewed like the industries that host such studios: manufacturing and utilities first.
INDUSTRIES = np.array(["制造", "电力", "医疗卫生", "信息通信", "教育", "交通运输", "金融", "化工",
                       "纺织服装", "商贸服务", "建筑", "农业"])
INDUSTRY_WEIGHTS = np.array([0.30, 0.14, 0.12, 0.09, 0.08, 0.07, 0.05, 0.04, 0.04, 0.03, 0.02, 0.02])

# Other indicators: per million urban residents, a year (flow) or the level at the end of 2023 (stock).
RATES = {
    "mr_services": 40_000, "cc_holiday_classes": 11, "cc_children": 320, "cc_places": 140,
    "cc_model_units": 0.12, "rt_documents": 0.5, "rt_proposals": 2.0, "rt_special_contracts": 520,
    "rt_family_friendly": 0.5, "og_orgs": 1_700, "og_members": 90_000, "pc_events": 8,
    "pc_served": 7_000, "sk_trained": 1_800, "sk_women_tech_workers": 4_200, "sk_tech_workers": 13_500,
}
DEFAULT_RATE = 1.0
FLOW_GROWTH = (0.05, 0.02)    # yearly growth of a city's flow: mean, spread between cities
STOCK_GROWTH = 0.06
YEAR_NOISE = 0.03             # log-normal noise of a flow's single year
CITY_NOISE = 0.15             # log-normal spread of cities around their share of the province
FIRST_YEAR_SHARE = 0.6        # a programme's first year holds this share of its second year's level


def program_path(years: tuple[int, ...], since: int | None, growth: float) -> np.ndarray:
    """Level by year relative to 2023: geometric growth, zero before ``since``, ramping in its first year."""
    path = np.array([(1 + growth) ** (y - 2023) for y in years])
    if since is not None:
        yrs = np.array(years)
        path = np.where(yrs < since, 0.0, path)
        path = np.where(yrs == since, path * FIRST_YEAR_SHARE, path)
    return path
