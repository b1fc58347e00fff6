"""婚恋交友 Matchmaking: events, participants, matched pairs and match rate; formats, session types,
the funnel, provinces and one province's cities, the reported cases."""

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

MEASURES = ("events", "participants", "pairs")


def headers(lang: str) -> dict[str, str]:
    def t(k):
        return i18n.t(k, lang)

    return {"province_code": t("common.adcode"), "label": t("common.province"), "year": t("common.year"),
            "events": t("mm.events"), "participants": t("mm.participants"), "pairs": t("mm.pairs"),
            "match_rate": t("mm.match_rate"), "matchmakers": t("mm.matchmakers"), "units": t("mm.units"),
            "kind": t("mm.kind"), "city_code": t("common.adcode"), "origin": t("origin.column")}


def matchmaking(q: Runner, f: Filters, lang: str, measure: str = "events", drill: str | None = None) -> View:
    """Matchmaking over ``f``: totals, the yearly ``measure``, formats, session types, provinces and, for
    ``drill``, that province's cities. Match rate = 2 x pairs / participants, from summed parts (SQL)."""
    def t(key, **kw):
        return i18n.t(key, lang, **kw)

    measure = measure if measure in MEASURES else "events"
    focus = focus_of(f)
    v = View("matchmaking", t("mm.title"), where_label(q, f, lang, focus), f, lang, focus=focus,
             summary_indicators=("mm_events", "mm_participants", "mm_pairs", "mm_match_rate"))
    base = base_params(f)
    head = headers(lang)
    tot = q("matchmaking_by_kind", by="format", **base)
    if tot.empty:
        return v
    total = q("matchmaking_total", **base).iloc[0]
    events = int(total["events"])
    part, pairs = (None, None) if total["withheld"] else (int(total["participants"]), int(total["pairs"]))
    origin = merge_origins(tot["origin"])
    # As the page shows them: counts without units, the rate as a percentage.
    v.kpis += [kpi(k, t(f"mm.{k}"), n, t(f"mm.unit_{k}"), origin, lang, text=fmt.number(n, lang))
               for k, n in (("events", events), ("participants", part), ("pairs", pairs))]
    v.kpis.append(kpi("match_rate", t("mm.match_rate"), 200.0 * pairs / part if part else None, "%", origin, lang))
    v.charts.append(trend(q, f, lang, measure, v.where))
    fm = tot.assign(label=[t(f"mm.format_{k}") for k in tot["kind"]])
    v.charts.append(Chart("mm_format", t("mm.by_format"), charts.bars(fm, "label", "events", t("mm.unit_events"),
                                                                      lang, t("mm.by_format")), origin))
    v.tables.append(Table("mm_format", t("mm.by_format"), fm[["kind", "events", "participants", "pairs",
                                                              "match_rate", "origin"]], head, origin,
                          what="matchmaking_by_format"))
    if part is not None:
        v.charts.append(Chart("mm_funnel", t("mm.funnel"), charts.funnel(
            [t("mm.participants"), t("mm.matched_people")], [part, 2 * pairs], lang), origin))
    ss = q("matchmaking_by_kind", by="session_type", **base)
    ss["label"] = [t(f"session.{k}") if i18n.has(f"session.{k}", lang) else k for k in ss["kind"]]
    v.charts.append(Chart("mm_session", t("mm.by_session"), charts.bars(ss, "label", "events",
                                                                        t("mm.unit_events"), lang,
                                                                        t("mm.by_session")),
                          merge_origins(ss["origin"])))
    v.tables.append(Table("mm_session", t("mm.by_session"), ss[["kind", "label", "events", "participants", "pairs",
                                                                "match_rate", "origin"]],
                          {**head, "label": t("mm.kind")}, merge_origins(ss["origin"]),
                          what="matchmaking_by_session_type"))
    prov = q("matchmaking_by_province", **base)
    prov["label"] = region_labels(q, prov["province_code"], lang)
    v.tables.append(Table("mm_prov", t("mm.by_province"), prov[["province_code", "label", "events", "participants",
                                                                "pairs", "match_rate", "origin"]], head,
                          merge_origins(prov["origin"]), shown=True, what="matchmaking_by_province"))
    if drill and drill in set(prov["province_code"]):
        cities = q("matchmaking_by_city", province=drill, origins=list(f.origins), year_from=f.year_from,
                   year_to=f.year_to)
        cities["label"] = region_labels(q, cities["city_code"], lang)
        name = region_labels(q, [drill], lang)[0]
        v.charts.append(Chart("mm_city", f"{t('mm.drill')} · {name}", charts.bars(
            cities, "label", "participants", t("mm.unit_participants"), lang, name), merge_origins(cities["origin"])))
        v.tables.append(Table("mm_city", name, cities[["city_code", "label", "events", "participants", "pairs",
                                                       "match_rate", "origin"]], {**head, "label": t("common.city")},
                              merge_origins(cities["origin"]), what=f"matchmaking_by_city_{drill}"))
    cells = [tot, ss, prov] + ([cities] if drill and drill in set(prov["province_code"]) else [])
    if bool(total["withheld"]) or any(bool(fr["withheld"].any()) for fr in cells):
        v.notes.append(t("cells.withheld"))   # small cells of other provinces (queries/schema.sql small_cell)
    v.extra.update(measure=measure, drill=drill, province_labels=dict(zip(prov["province_code"], prov["label"])),
                   cases=q("matchmaking_reported_events"))
    facts = q("reported_facts", q="")
    v.facts = facts[facts["fact_id"].isin(v.extra["cases"]["fact_id"].dropna())].reset_index(drop=True)

    return v


def trend(q: Runner, f: Filters, lang: str, measure: str = "events", where: str | None = None) -> Chart:
    """Events, participants or pairs by year over the selected provinces."""
    measure = measure if measure in MEASURES else "events"
    yearly = q("matchmaking_by_year", **base_params(f))
    yearly["series"] = where or where_label(q, f, lang, focus_of(f))
    return Chart("mm_trend", f"{i18n.t('mm.by_year', lang)} · {i18n.t('mm.' + measure, lang)}", charts.trend(
        yearly, "year", measure, "series", i18n.t(f"mm.unit_{measure}", lang), lang, i18n.t("mm." + measure, lang)),
        merge_origins(yearly["origin"]))
