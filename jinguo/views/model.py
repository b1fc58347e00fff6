"""The view model: what a page shows (KPIs, charts, tables, facts), and the helpers every view uses.

A view function takes a query runner ``q(name, **params) -> DataFrame`` (the page passes
:func:`jinguo.web.data.q`, cached and scoped to the reader; the briefing passes :func:`runner` on its
own connection with the reader's scope), the global :class:`~jinguo.views.state.Filters`, the language and
the page's own settings, and returns a :class:`View`: KPIs, plotly figures, tables and the reported
facts behind them. No Streamlit here, so tests and the CLI call the same code as the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from jinguo.store import sql
from jinguo.text import fmt, i18n
from jinguo.views.state import Filters

Runner = Callable[..., pd.DataFrame]
NATIONAL = "100000"


@dataclass(frozen=True)
class Kpi:
    """One headline number: its label, value, unit, origin and change on the year before."""

    key: str
    label: str
    value: float | None
    unit: str
    origin: str
    yoy_pct: float | None = None
    text: str = ""


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    figure: go.Figure
    origin: str


@dataclass(frozen=True)
class Table:
    """A frame with its headers in the view's language. ``shown``: the page shows it as a table
    (and the briefing gives it a slide); otherwise it is only a download."""

    key: str
    title: str
    frame: pd.DataFrame
    headers: dict[str, str]
    origin: str
    shown: bool = False
    what: str = ""          # the file name stem of its download


@dataclass
class View:
    page: str
    title: str
    where: str                              # the region the view is about, in its language
    filters: Filters
    lang: str
    focus: str | None = None                # the one province the view is about, if any
    kpis: list[Kpi] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    facts: pd.DataFrame = field(default_factory=pd.DataFrame)   # reported figures quoted by the view
    summary_indicators: tuple[str, ...] = ()  # catalogue indicators the written summary speaks about
    notes: list[str] = field(default_factory=list)   # messages (no data, bad parameter) in the view's language
    extra: dict = field(default_factory=dict)        # page-only frames (selection keys, cases)

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    @property
    def empty(self) -> bool:
        return not (self.kpis or self.charts or self.tables)


def runner(con, scope: sql.Scope | None = None) -> Runner:
    """A query runner on ``con`` with ``scope`` (default everything), for the briefing and tests.
    Results are kept for the runner's life (one briefing): a query asked twice runs once."""
    scope = scope or sql.Scope.everything()
    memo: dict[tuple, pd.DataFrame] = {}

    def q(name: str, **params) -> pd.DataFrame:
        key = (name, repr(sorted(params.items())))
        if key not in memo:
            memo[key] = sql.run(con, name, scope, **params)
        return memo[key].copy()

    return q


def merge_origins(origins) -> str:
    """'demo+reported', 'demo' -> 'demo+reported'."""
    return "+".join(sorted({p for o in origins for p in str(o).split("+") if p}))


def region_labels(q: Runner, codes, lang: str, short: bool = True) -> list[str]:
    """Display names of adcodes (short Chinese names or English; '100000' is the nation)."""
    names = q("region_names").set_index("adcode")
    col = "name_en" if lang == "en" else ("name_short" if short else "name_zh")
    nation = i18n.t("common.national", lang)
    return [nation if c == NATIONAL else (names[col].get(c) if c in names.index else c) for c in codes]


def catalogue(q: Runner, lang: str) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """The indicator catalogue, its names and its units in ``lang``."""
    cat = q("indicator_catalogue")
    name_col, unit_col = ("name_en", "unit_en") if lang == "en" else ("name_zh", "unit_zh")
    return cat, dict(zip(cat["code"], cat[name_col])), dict(zip(cat["code"], cat[unit_col]))


def base_params(f: Filters) -> dict:
    return dict(provinces=list(f.provinces), origins=list(f.origins), year_from=f.year_from, year_to=f.year_to)


def focus_of(f: Filters) -> str | None:
    """The province a view is about: the one selected province, else none (the selection as a whole)."""
    return f.provinces[0] if len(f.provinces) == 1 else None


def where_label(q: Runner, f: Filters, lang: str, focus: str | None = None) -> str:
    if focus:
        return region_labels(q, [focus], lang, short=False)[0]
    if f.all_provinces:
        return i18n.t("common.national", lang)
    return "、".join(region_labels(q, f.provinces[:4], lang)) + ("…" if len(f.provinces) > 4 else "") \
        if lang == "zh" else ", ".join(region_labels(q, f.provinces[:4], lang)) + (
            "…" if len(f.provinces) > 4 else "")


def kpi(key: str, label: str, value, unit: str, origin: str, lang: str, yoy: float | None = None,
        text: str | None = None) -> Kpi:
    v = None if value is None or value != value else float(value)
    y = None if yoy is None or yoy != yoy else float(yoy)
    return Kpi(key, label, v, unit, origin, y, text if text is not None else fmt.with_unit(v, unit, lang))


def facts_for(q: Runner, indicators, regions, year_from: int, year_to: int) -> pd.DataFrame:
    """Reported facts (region totals) behind ``indicators`` for ``regions`` whose period ends within the years."""
    frames = [q("reported_facts_for", indicator=i) for i in dict.fromkeys(indicators)]
    frames = [fr for fr in frames if not fr.empty]
    if not frames:
        return pd.DataFrame(columns=["fact_id", "reporter", "region_code", "indicator_code", "period_start",
                                     "period_end", "value", "unit", "qualifier", "quote", "origin"])
    facts = pd.concat(frames, ignore_index=True)
    years = facts["period_end"].dt.year
    keep = facts["region_code"].isin(list(regions)) & years.between(year_from, year_to)
    return facts[keep].reset_index(drop=True)
