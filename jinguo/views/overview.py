"""总览 Overview: headline KPIs, a map of China by province, top and bottom provinces, the trend."""

from __future__ import annotations

from jinguo.text import fmt, i18n
from jinguo.views import charts
from jinguo.views.model import (
    NATIONAL,
    Chart,
    Runner,
    Table,
    View,
    base_params,
    catalogue,
    facts_for,
    focus_of,
    kpi,
    merge_origins,
    region_labels,
    where_label,
)
from jinguo.views.state import Filters

DEFAULT_INDICATOR = "mm_events"


def overview(q: Runner, f: Filters, lang: str, ind: str = DEFAULT_INDICATOR, drill: str | None = None) -> View:
    """The overview of ``f`` in ``lang`` for indicator ``ind``, drilled into province ``drill`` if given."""
    def t(key, **kw):
        return i18n.t(key, lang, **kw)

    cat, label, unit = catalogue(q, lang)
    if ind not in label:
        ind = DEFAULT_INDICATOR if DEFAULT_INDICATOR in label else next(iter(label))
    if drill and drill not in f.provinces:
        drill = None
    focus = drill or focus_of(f)
    v = View("overview", t("overview.title"), where_label(q, f, lang, focus), f, lang, focus=focus)
    heads = cat[cat["headline"]]
    v.summary_indicators = tuple(dict.fromkeys([*heads["code"], ind]))
    base = base_params(f)
    df = q("indicator_by_year", indicators=list(heads["code"]), **{**base, "provinces": [drill] if drill else
                                                                   list(f.provinces)})
    nat = df[(df["province_code"] == NATIONAL) & (df["year"] == f.year_to)].set_index("indicator_code")
    for row in heads.itertuples():
        if row.code in nat.index:
            r = nat.loc[row.code]
            v.kpis.append(kpi(row.code, label[row.code], r["value"], unit[row.code], r["origin"], lang,
                              yoy=r["yoy_pct"]))
    per = q("indicator_by_period", indicators=[ind], **base)
    prov = per[per["province_code"] != NATIONAL].copy()
    prov["label"] = region_labels(q, prov["province_code"], lang)
    v.extra.update(indicator=ind, drill=drill, label=label, provinces=prov)
    if not prov.empty:
        origin = merge_origins(prov["origin"])
        title = t("overview.map_title", name=label[ind], year_from=f.year_from, year_to=f.year_to)
        v.charts.append(Chart("ov_map", title, charts.china_map(prov, "value", "label", unit[ind], lang, title,
                                                                selected=drill), origin))
        top, bottom = charts.top_bottom(prov, "value")
        for key, part, name in (("ov_top", top, t("overview.top")), ("ov_bottom", bottom, t("overview.bottom"))):
            if not part.empty:
                v.charts.append(Chart(key, f"{label[ind]} · {name}", charts.bars(
                    part, "label", "value", unit[ind], lang, name, key_col="province_code"), merge_origins(
                    part["origin"])))
        v.tables.append(Table("ov_map", title, prov[["province_code", "label", "value", "rank", "share_pct",
                                                     "origin"]],
                              {"province_code": t("common.adcode"), "label": t("common.province"),
                               "value": label[ind], "rank": t("common.rank"), "share_pct": t("common.share"),
                               "origin": t("origin.column")}, origin, what=f"overview_{ind}_by_province"))
    years = q("indicator_by_year", indicators=[ind], **base)
    series = years[years["province_code"].isin([NATIONAL] + ([drill] if drill else []))].copy()
    series["series"] = region_labels(q, series["province_code"], lang)
    facts = facts_for(q, [ind], series["province_code"].unique(), 0, 9999)
    v.facts = facts
    if not series.empty:
        rep = None
        if not facts.empty:
            rep = facts.assign(year=facts["period_end"].dt.year,
                               text=[f"📄 {r.reporter}: {fmt.with_unit(r.value, r.unit, lang)}<br>{r.quote[:60]}…"
                                     + (f"<br>{a}" if (a := getattr(r, f"assumption_{lang}", None)) else "")
                                     for r in facts.itertuples()])
            # A multi-year flow is a total over its period: mark it only where a yearly point is comparable.
            rep = rep[rep["period_start"].dt.year == rep["period_end"].dt.year]
        title = t("overview.trend", name=label[ind])
        origin = merge_origins(series["origin"])
        v.charts.append(Chart("ov_trend", title, charts.trend(series, "year", "value", "series", unit[ind], lang,
                                                              title, reported=rep,
                                                              reported_label=t("origin.reported")), origin))
        v.tables.append(Table("ov_trend", title, series[["province_code", "series", "year", "value", "yoy_pct",
                                                         "origin"]],
                              {"province_code": t("common.adcode"), "series": t("common.province"),
                               "year": t("common.year"), "value": label[ind], "yoy_pct": t("common.yoy"),
                               "origin": t("origin.column")}, origin, what=f"overview_{ind}_by_year"))
    return v
