"""创新工作室 Innovation studios: by level, province and industry; outputs in total and per studio;
the studios with their leads and employers."""

from __future__ import annotations

from jinguo.text import fmt, i18n
from jinguo.views import charts
from jinguo.views.model import (
    Chart,
    Runner,
    Table,
    View,
    base_params,
    focus_of,
    kpi,
    merge_origins,
    region_labels,
    where_label,
)
from jinguo.views.state import Filters

MEASURES = ("trainings", "trainees", "talents", "patents", "awards", "problems_solved")
LIST_LIMIT = 2000


def measure_label(m: str, lang: str) -> str:
    return i18n.t(f"st.{'problems' if m == 'problems_solved' else m}", lang)


def headers(lang: str) -> dict[str, str]:
    def t(k):
        return i18n.t(k, lang)

    return {"province_code": t("common.adcode"), "label": t("common.province"), "level": t("st.level"),
            "studios": t("st.studios"), "industry": t("st.industry"), "year": t("common.year"),
            "patents": t("st.patents"), "problems_solved": t("st.problems"), "awards": t("st.awards"),
            "trainings": t("st.trainings"), "trainees": t("st.trainees"), "talents": t("st.talents"),
            "origin": t("origin.column"), "named": t("st.named"), "name": t("st.name"), "lead": t("st.lead"),
            "employer": t("st.employer"), "province": t("common.province"), "founded_year": t("st.founded")}


def studios(q: Runner, f: Filters, lang: str, measure: str = "trainees", per_studio: bool = False) -> View:
    """Studios founded up to the last year of ``f`` and their outputs over its years."""
    def t(key, **kw):
        return i18n.t(key, lang, **kw)

    measure = measure if measure in MEASURES else "trainees"
    focus = focus_of(f)
    v = View("studios", t("st.title"), where_label(q, f, lang, focus), f, lang, focus=focus,
             summary_indicators=("in_studios", "in_trainees", "in_patents"))
    base = base_params(f)
    head = headers(lang)
    by_level = q("studios_by_level", year_to=f.year_to, provinces=base["provinces"], origins=base["origins"])
    if by_level.empty:
        return v
    origin = merge_origins(by_level["origin"])
    total = int(by_level["studios"].sum())
    v.kpis.append(kpi("total", t("st.total"), total, t("st.unit"), origin, lang, text=fmt.number(total, lang)))
    v.kpis += [kpi(r.level, t(f"st.level_{r.level}"), int(r.studios), t("st.unit"), r.origin, lang,
                   text=fmt.number(int(r.studios), lang)) for r in by_level.itertuples()]
    pv = q("studios_by_province", year_to=f.year_to, provinces=base["provinces"], origins=base["origins"])
    pv["label"] = region_labels(q, pv["province_code"], lang)
    v.charts.append(Chart("st_prov", t("st.by_province"), charts.bars(pv.head(15), "label", "studios", t("st.unit"),
                                                                      lang, t("st.by_province")),
                          merge_origins(pv["origin"])))
    v.tables.append(Table("st_prov", t("st.by_province"), pv[["province_code", "label", "studios", "origin"]],
                          head, merge_origins(pv["origin"]), what="studios_by_province"))
    ind = q("studios_by_industry", year_to=f.year_to, provinces=base["provinces"], origins=base["origins"])
    v.charts.append(Chart("st_ind", t("st.by_industry"), charts.bars(ind, "industry", "studios", t("st.unit"), lang,
                                                                     t("st.by_industry")),
                          merge_origins(ind["origin"])))
    v.tables.append(Table("st_ind", t("st.by_industry"), ind, head, merge_origins(ind["origin"]),
                          what="studios_by_industry"))
    chart, table = outputs(q, f, lang, measure, per_studio)
    v.charts.append(chart)
    v.tables.append(table)
    lst = q("studio_list", limit=LIST_LIMIT, **base)
    lst["province"] = region_labels(q, lst["province_code"], lang)
    lst["level"] = [t(f"st.level_{x}") for x in lst["level"]]
    lst["named"] = lst["fact_id"].notna().map({True: "📄", False: ""})
    show = lst[["named", "name", "lead", "employer", "province", "level", "industry", "founded_year", "trainings",
                "trainees", "talents", "patents", "awards", "origin"]]
    v.tables.append(Table("st_list", t("st.list"), show, head, merge_origins(lst["origin"]), shown=True,
                          what="studios"))
    facts = q("reported_facts", q="")
    v.facts = facts[facts["fact_id"].isin(lst["fact_id"].dropna())].reset_index(drop=True)
    v.extra.update(measure=measure, per_studio=per_studio)
    return v


def outputs(q: Runner, f: Filters, lang: str, measure: str = "trainees", per_studio: bool = False
            ) -> tuple[Chart, Table]:
    """Studio outputs by year: ``measure`` in total or per studio (divided in SQL by the studios reporting)."""
    def t(key, **kw):
        return i18n.t(key, lang, **kw)

    measure = measure if measure in MEASURES else "trainees"
    out = q("studio_outputs_by_year", **base_params(f))
    col = f"{measure}_per_studio" if per_studio else measure
    series = t("st.per_studio") if per_studio else t("st.total")
    out["series"] = series
    origin = merge_origins(out["origin"])
    return (Chart("st_out", f"{t('st.outputs')} · {measure_label(measure, lang)} · {series}",
                  charts.trend(out, "year", col, "series", "", lang, measure_label(measure, lang)), origin),
            Table("st_out", t("st.outputs"), out.drop(columns=["series"]), headers(lang), origin,
                  what="studio_outputs_by_year"))
