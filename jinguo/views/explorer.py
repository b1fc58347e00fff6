"""指标浏览 Indicator explorer: any indicator of the catalogue by province and year, as map, bar, line or
table, and one province's cities."""

from __future__ import annotations

from jinguo.text import i18n
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
    merge_origins,
    region_labels,
    where_label,
)
from jinguo.views.state import Filters

VIEWS = ("map", "bar", "line", "table")
DEFAULT_INDICATOR = "og_orgs"


def explorer(q: Runner, f: Filters, lang: str, ind: str = DEFAULT_INDICATOR, view: str = "map",
             city_province: str | None = None) -> View:
    """Indicator ``ind`` over ``f`` drawn as ``view``; ``city_province``'s cities when given."""
    def t(key, **kw):
        return i18n.t(key, lang, **kw)

    cat, label, unit = catalogue(q, lang)
    if ind not in label:
        ind = DEFAULT_INDICATOR if DEFAULT_INDICATOR in label else next(iter(label))
    view = view if view in VIEWS else "map"
    focus = focus_of(f)
    v = View("explorer", f"{t('ex.title')} · {label[ind]}", where_label(q, f, lang, focus), f, lang, focus=focus,
             summary_indicators=(ind,))
    head = {"province_code": t("common.adcode"), "label": t("common.province"), "year": t("common.year"),
            "value": label[ind], "rank": t("common.rank"), "share_pct": t("common.share"), "yoy_pct": t("common.yoy"),
            "region_code": t("common.adcode"), "origin": t("origin.column")}
    args = dict(indicators=[ind], **base_params(f))
    v.extra.update(indicator=ind, view=view, agg=cat.set_index("code").loc[ind, "agg"], label=label)
    if view == "line":
        df = q("indicator_by_year", **args)
        df = df[df["province_code"] != NATIONAL] if not f.all_provinces else df
        if not df.empty:
            df = df.assign(label=region_labels(q, df["province_code"], lang))
            v.charts.append(Chart("ex_line", label[ind], charts.trend(df, "year", "value", "label", unit[ind], lang,
                                                                     label[ind]), merge_origins(df["origin"])))
            v.tables.append(Table("ex_main", label[ind], df[["province_code", "label", "year", "value", "yoy_pct",
                                                            "origin"]], head, merge_origins(df["origin"]),
                                  what=f"indicator_{ind}_by_year"))
    else:
        df = q("indicator_by_period", **args)
        prov = df[df["province_code"] != NATIONAL].copy()
        if not prov.empty:
            prov["label"] = region_labels(q, prov["province_code"], lang)
            prov = prov.sort_values("value", ascending=False)
            title = f"{label[ind]}, {f.year_from}–{f.year_to}"
            origin = merge_origins(prov["origin"])
            if view == "map":
                v.charts.append(Chart("ex_map", title, charts.china_map(prov, "value", "label", unit[ind], lang,
                                                                        title), origin))
            elif view == "bar":
                v.charts.append(Chart("ex_bar", title, charts.bars(prov, "label", "value", unit[ind], lang, title),
                                      origin))
            v.tables.append(Table("ex_main", title, prov[["province_code", "label", "value", "rank", "share_pct",
                                                         "origin"]], head, origin, shown=view == "table",
                                  what=f"indicator_{ind}_by_province"))
    v.facts = facts_for(q, [ind], [NATIONAL, *f.provinces], 0, 9999)
    if city_province and city_province in f.provinces:
        city = cities(q, f, lang, ind, city_province)
        if city is not None:
            v.charts.append(city[0])
            v.tables.append(city[1])
    return v


def cities(q: Runner, f: Filters, lang: str, ind: str, province: str) -> tuple[Chart, Table] | None:
    """Indicator ``ind`` for the cities of ``province`` over the years of ``f`` (None without data)."""
    _, label, unit = catalogue(q, lang)
    df = q("indicator_by_city", indicators=[ind], province=province, origins=list(f.origins),
           year_from=f.year_from, year_to=f.year_to)
    if df.empty:
        return None
    df["label"] = region_labels(q, df["region_code"], lang)
    name = region_labels(q, [province], lang)[0]
    origin = merge_origins(df["origin"])
    head = {"region_code": i18n.t("common.adcode", lang), "label": i18n.t("common.city", lang), "value": label[ind],
            "origin": i18n.t("origin.column", lang)}
    return (Chart("ex_city", f"{label[ind]} · {name}", charts.bars(df, "label", "value", unit[ind], lang), origin),
            Table("ex_city", name, df[["region_code", "label", "value", "origin"]], head, origin,
                  what=f"indicator_{ind}_by_city_{province}"))
