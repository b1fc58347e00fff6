"""The written summary of a view, from the data, in the view's language.

For each indicator the view speaks about: its value in the last year of the view (at the end of the
year for a stock), the rank among provinces and the share of the national total (when the view is
about one province), or the province with the most (when it is about several), and the change on the
year before. Every number carries its origin. Reported figures are then quoted with their speaker.
"""

from __future__ import annotations

import pandas as pd

from jinguo.text import fmt, i18n
from jinguo.views.model import NATIONAL, Runner, View, catalogue, facts_for, region_labels

JOIN = {"zh": "，", "en": ", "}      # clauses of a sentence
END = {"zh": "。", "en": "."}


def origin_names(origin: str, lang: str) -> str:
    """'demo+reported' -> '报告+演示' (reported first, then imported, then demo)."""
    order = ("reported", "imported", "demo")
    parts = [p for p in order if p in str(origin).split("+")]
    return "+".join(i18n.t(f"origin.{p}", lang) for p in parts)


def mark(origin: str, lang: str) -> str:
    return i18n.t("brief.mark", lang, origins=origin_names(origin, lang)) if origin else ""


def _change(yoy, lang: str) -> str | None:
    if yoy is None or yoy != yoy:
        return None
    if round(yoy, 1) == 0:
        return i18n.t("brief.s_flat", lang)
    return i18n.t("brief.s_up" if yoy > 0 else "brief.s_down", lang, pct=fmt.percent(abs(yoy)))


def period(start: pd.Timestamp, end: pd.Timestamp) -> str:
    return f"{end:%Y-%m-%d}" if start == end else f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


def indicator_rows(q: Runner, v: View) -> pd.DataFrame:
    """Indicator values of the view's summary indicators by province and year over every province the
    reader may compare (for ranks and national shares)."""
    f = v.filters
    provinces = q("provinces")
    mainland = list(provinces.loc[provinces["mainland"], "adcode"])
    return q("indicator_by_year", indicators=list(v.summary_indicators), provinces=mainland,
             origins=list(f.origins), year_from=f.year_from, year_to=f.year_to)


def sentences(q: Runner, v: View) -> tuple[list[str], pd.DataFrame]:
    """The summary's sentences and the reported facts it quotes."""
    f, lang = v.filters, v.lang

    def t(key, **kw):
        return i18n.t(key, lang, **kw)

    if not v.summary_indicators:
        return [], v.facts
    cat, label, unit = catalogue(q, lang)
    agg = dict(zip(cat["code"], cat["agg"]))
    df = indicator_rows(q, v)
    year = f.year_to
    now = df[df["year"] == year]
    selection = None
    if not v.focus and not f.all_provinces:
        sel = q("indicator_by_year", indicators=list(v.summary_indicators), provinces=list(f.provinces),
                origins=list(f.origins), year_from=f.year_from, year_to=f.year_to)
        selection = sel[(sel["province_code"] == NATIONAL) & (sel["year"] == year)].set_index("indicator_code")
    out: list[str] = []
    for code in v.summary_indicators:
        if code not in label:
            continue
        rows = now[now["indicator_code"] == code]
        provs = rows[(rows["province_code"] != NATIONAL) & rows["value"].notna()]
        if v.focus:
            row = rows[rows["province_code"] == v.focus]
        elif selection is not None:
            row = selection.loc[[code]].reset_index() if code in selection.index else rows.iloc[0:0]
        else:
            row = rows[rows["province_code"] == NATIONAL]
        if row.empty or pd.isna(row["value"].iloc[0]):
            out.append(t("brief.s_none", where=v.where, year=year, name=label[code]))
            continue
        r = row.iloc[0]
        value = fmt.with_unit(r["value"], unit[code], lang)
        head = t("brief.s_year_end" if agg[code] == "stock" else "brief.s_year", where=v.where, year=year,
                 name=label[code], value=value, mark=mark(r["origin"], lang))
        parts = [head]
        if v.focus and pd.notna(r.get("rank")):
            parts.append(t("brief.s_rank", rank=int(r["rank"]), n=len(provs)))
        change = _change(r.get("yoy_pct"), lang)
        if change:
            parts.append(change)
        if v.focus and agg[code] != "ratio" and pd.notna(r.get("share_pct")):
            parts.append(t("brief.s_share", pct=fmt.percent(r["share_pct"])))
        if not v.focus and len(provs) > 1:
            scope = provs[provs["province_code"].isin(f.provinces)]
            if not scope.empty:
                top = scope.sort_values(["value", "province_code"], ascending=[False, True]).iloc[0]
                key = "brief.s_top_ratio" if agg[code] == "ratio" else "brief.s_top"
                parts.append(t(key, name=region_labels(q, [top["province_code"]], lang)[0],
                               value=fmt.with_unit(top["value"], unit[code], lang) + mark(top["origin"], lang)))
        out.append(JOIN[lang].join(parts) + END[lang])
    regions = [v.focus] if v.focus else [NATIONAL, *f.provinces]
    facts = facts_for(q, v.summary_indicators, regions, f.year_from, f.year_to)
    for r in facts.drop_duplicates(["reporter", "quote"]).itertuples():   # one sentence may carry several
        out.append(t("brief.s_quote", reporter=r.reporter, period=period(r.period_start, r.period_end),
                     quote=r.quote))
    if not v.facts.empty:   # the view's own facts (cases, named studios) go to the sources slide
        facts = pd.concat([facts, v.facts[[c for c in facts.columns if c in v.facts.columns]]], ignore_index=True)
    return out, facts.drop_duplicates("fact_id").reset_index(drop=True)
