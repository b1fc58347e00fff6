"""One-click briefings: PPTX and PDF of exactly the view a page shows.

:func:`build` computes the page's view with the same function the page calls (:mod:`jinguo.views`),
turns it into slides (:func:`compose`: title with scope and date, headline figures, one picture per
chart, a slide per table the page shows, the written summary, the reported figures with their
quotes) and writes them with python-pptx (:mod:`jinguo.brief.pptx`) or fpdf2 (:mod:`jinguo.brief.pdf`).
Every number carries its origin; slides with demo figures say so on the slide.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass, field

import pandas as pd

from jinguo.brief import pdf, pptx, render, summary
from jinguo.text import fmt, i18n
from jinguo.views import model, pages
from jinguo.views.state import Filters

FORMATS = ("pptx", "pdf")
TABLE_ROWS = 15
SYMBOLS = {"📄": "origin.reported"}      # emoji the pages use, spelt out (no emoji in the document fonts)


@dataclass
class Slide:
    kind: str                                   # title, kpis, chart, table, summary, sources
    title: str
    lines: list[str] = field(default_factory=list)
    image: bytes | None = None
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    origin: str = ""                            # e.g. 报告+演示
    demo: bool = False                          # the slide shows demo figures: stamped as such
    note: str = ""


def _has_demo(origins) -> bool:
    return any("demo" in str(o).split("+") for o in origins)


def cell(value, lang: str, decimals: bool = False) -> str:
    """A table cell: whole numbers as such, others (or every number of a ``decimals`` column) with one decimal."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and value == int(value)
                                                and not decimals):
        return f"{int(value):,}" if lang == "en" else str(int(value))
    if isinstance(value, numbers.Real):
        return f"{value:,.1f}" if lang == "en" else f"{value:.1f}"
    return str(value)


def _decimal_columns(frame: pd.DataFrame) -> set[str]:
    """Columns shown with decimals: rates, shares, per-unit figures, and any float column with a fraction."""
    out = set()
    for col in frame.columns:
        if pd.api.types.is_float_dtype(frame[col]):
            if col.endswith(("rate", "_pct", "_per_studio", "per_10k", "_km")) or \
                    (frame[col].dropna() % 1 != 0).any():
                out.add(col)
    return out


def _show(col: str, x, lang: str, decimals: bool) -> str:
    """A table cell of column ``col`` as the slide shows it (origins and emoji spelt out)."""
    if col == "origin":
        return summary.origin_names(x, lang)
    if "year" in col or col.endswith("code"):          # 2023, 370000: no thousands separator
        return cell(x, "zh")
    if isinstance(x, str) and x in SYMBOLS:
        return i18n.t(SYMBOLS[x], lang)
    return cell(x, lang, decimals)


def compose(q: model.Runner, v: model.View, pictures=None, today: dt.date | None = None) -> list[Slide]:
    """The slides of view ``v`` (``pictures(figures) -> [png]`` renders the charts; kaleido by default)."""
    lang, f = v.lang, v.filters

    def t(key, **kw):
        return i18n.t(key, lang, **kw)

    on = summary.origin_names
    page = t(f"brief.page_{v.page}")
    slides = [Slide("title", t("brief.doc_title", page=page), lines=[
        v.title, t("brief.scope", where=v.where, year_from=f.year_from, year_to=f.year_to,
                   origins=on("+".join(f.origins), lang)),
        t("brief.made", date=(today or dt.date.today()).isoformat())])]
    if v.empty:
        slides.append(Slide("summary", t("brief.summary"), lines=[t("brief.no_data")]))
        return slides
    if v.kpis:
        slides.append(Slide(
            "kpis", f"{t('brief.kpis')} · {v.where}",
            headers=[t("brief.kpi_col_name"), t("brief.kpi_col_value"), t("brief.kpi_col_yoy"), t("origin.column")],
            rows=[[k.label, k.text, fmt.change(k.yoy_pct) if k.yoy_pct is not None else "—", on(k.origin, lang)]
                  for k in v.kpis],
            origin=on(model.merge_origins(k.origin for k in v.kpis), lang),
            demo=_has_demo(k.origin for k in v.kpis)))
    images = (pictures or render.pngs)([c.figure for c in v.charts])
    for c, png in zip(v.charts, images):
        slides.append(Slide("chart", c.title, image=png, origin=on(c.origin, lang), demo=_has_demo([c.origin])))
    for tb in v.tables:
        if not tb.shown:
            continue
        frame = tb.frame
        cols = list(frame.columns)
        dec = _decimal_columns(frame)
        rows = [[_show(col, x, lang, col in dec) for col, x in zip(cols, r)]
                for r in frame.head(TABLE_ROWS).itertuples(index=False)]
        slides.append(Slide("table", tb.title, headers=[tb.headers.get(col, col) for col in cols], rows=rows,
                            origin=on(tb.origin, lang), demo=_has_demo(frame["origin"]) if "origin" in frame else
                            _has_demo([tb.origin]),
                            note=t("brief.rows_note", shown=min(TABLE_ROWS, len(frame)), n=len(frame))
                            if len(frame) > TABLE_ROWS else ""))
    lines, facts = summary.sentences(q, v)
    if lines:
        slides.append(Slide("summary", t("brief.summary"), lines=lines, demo=any(t("origin.demo") in x for x in lines)))
    src = [f"{r.fact_id} · {r.reporter} · {fmt.with_unit(r.value, r.unit, lang)}"
           f"{t('brief.mark', origins=t('origin.reported'))} · {summary.period(r.period_start, r.period_end)}: "
           f"“{r.quote}”" for r in facts.itertuples()]
    slides.append(Slide("sources", t("brief.sources"), lines=src or [t("brief.no_sources")],
                        origin=t("origin.reported") if src else ""))
    return slides


def build(q: model.Runner, page: str, f: Filters, lang: str, kind: str, pictures=None, **params) -> bytes:
    """The briefing of ``page`` for filters ``f`` in ``lang`` as ``kind`` ('pptx' or 'pdf') bytes."""
    if kind not in FORMATS:
        raise ValueError(f"unknown format: {kind}")
    browser = None
    if pictures is None:
        browser = render.Browser()          # starts while the view is computed
        pictures = browser.pngs
    try:
        v = pages.view(page, q, f, lang, **params)
        slides = compose(q, v, pictures=pictures)
    finally:
        if browser is not None:
            browser.close()
    return (pptx if kind == "pptx" else pdf).write(slides, lang)

