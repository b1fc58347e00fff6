"""What the Extracts page offers: each entry a named query with its parameters and column headers."""

from __future__ import annotations

from dataclasses import dataclass

from jinguo.views.state import Filters


@dataclass(frozen=True)
class Extract:
    key: str            # file name stem and string key ext.<key>
    query: str
    detail: bool        # detail rows (limited to the reader's own province by the query layer)

    def params(self, f: Filters, limit: int, indicators: list[str]) -> dict:
        p = dict(provinces=list(f.provinces), origins=list(f.origins), year_from=f.year_from, year_to=f.year_to)
        if self.query == "indicator_by_year":
            p["indicators"] = list(indicators)
        if self.query in ("matchmaking_events", "studio_list"):
            p["limit"] = limit
        if self.query == "rooms_extract":
            p.pop("year_from"), p.pop("year_to")
            p["limit"] = limit
        if self.query == "reported_facts":
            p = {"q": ""}
        return p


EXTRACTS = (
    Extract("indicators_by_province_year", "indicator_by_year", False),
    Extract("matchmaking_by_province_year", "matchmaking_by_province_year", False),
    Extract("matchmaking_events", "matchmaking_events", True),
    Extract("studio_outputs_by_year", "studio_outputs_by_year", False),
    Extract("studios", "studio_list", True),
    Extract("mother_rooms", "rooms_extract", True),
    Extract("reported_facts", "reported_facts", False),
)
