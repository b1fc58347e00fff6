"""The page views by name: what the pages and the briefing call to compute a page's view."""

from __future__ import annotations

from jinguo.views import explorer, matchmaking, mother_rooms, overview, studios
from jinguo.views.model import Runner, View
from jinguo.views.state import Filters

VIEWS = {"overview": overview.overview, "matchmaking": matchmaking.matchmaking, "studios": studios.studios,
         "mother_rooms": mother_rooms.mother_rooms, "explorer": explorer.explorer}
PAGES = tuple(VIEWS)


def view(page: str, q: Runner, f: Filters, lang: str, **params) -> View:
    """The view of ``page`` (one of :data:`PAGES`) for the filters ``f`` in ``lang``."""
    if page not in VIEWS:
        raise ValueError(f"unknown page: {page}")
    return VIEWS[page](q, f, lang, **params)
