"""妈咪小屋 Mother rooms for the briefing: rooms by kind and by province (with a China map), how many are
in public places, digitally managed and navigable, and one province's coverage by district. The
interactive lookup page (views/mother_rooms.py) keeps its own layout; this view reads the same tables
through named queries."""

from __future__ import annotations

from jinguo.text import i18n
from jinguo.views import charts
from jinguo.views.model import Chart, Runner, Table, View, focus_of, kpi, merge_origins, region_labels, where_label
from jinguo.views.state import Filters

COVERAGE_ROWS = 20


def mother_rooms(q: Runner, f: Filters, lang: str, coverage_province: str | None = None) -> View:
    """Rooms a reader may see in ``f``'s provinces (a register: every room, whatever the years), and the
    district coverage of ``coverage_province`` (default: the one selected province)."""
    def t(key, **kw):
        return i18n.t(key, lang, **kw)

    focus = focus_of(f)
    v = View("mother_rooms", t("rooms.title"), where_label(q, f, lang, focus), f, lang, focus=focus,
             summary_indicators=("mr_rooms", "mr_digital_rooms", "mr_navigable_rooms", "mr_public_rooms"))
    sel = dict(provinces=list(f.provinces), origins=list(f.origins))
    prov = q("rooms_by_province", **sel)
    if prov.empty:
        return v
    origin = merge_origins(prov["origin"])
    unit = i18n.t("brief.unit_rooms", lang)
    v.kpis += [kpi(k, t(label), int(prov[k].sum()), unit, origin, lang)
               for k, label in (("rooms", "brief.rooms"), ("public", "rooms.kind_public"),
                                ("digital", "rooms.digital"), ("navigable", "rooms.navigable"))]
    prov["label"] = region_labels(q, prov["province_code"], lang)
    title = t("brief.rooms_by_province")
    v.charts.append(Chart("mr_map", title, charts.china_map(prov, "rooms", "label", unit, lang, title), origin))
    kinds = q("rooms_by_kind", **sel)
    kinds["label"] = [t(f"rooms.kind_{k}") for k in kinds["kind"]]
    v.charts.append(Chart("mr_kind", t("brief.rooms_by_kind"), charts.bars(kinds, "label", "rooms", unit, lang,
                                                                           t("brief.rooms_by_kind")),
                          merge_origins(kinds["origin"])))
    head = {"province_code": t("common.adcode"), "label": t("common.province"), "rooms": t("brief.rooms"),
            "public": t("rooms.kind_public"), "digital": t("rooms.digital"), "navigable": t("rooms.navigable"),
            "origin": t("origin.column")}
    v.tables.append(Table("mr_prov", title, prov[["province_code", "label", "rooms", "public", "digital",
                                                  "navigable", "origin"]], head, origin, shown=True,
                          what="mother_rooms_by_province"))
    cov_prov = coverage_province or focus
    if cov_prov and cov_prov in f.provinces:
        cov = q("rooms_coverage_districts", province=cov_prov, origins=list(f.origins))
        if not cov.empty:
            cov = cov.head(COVERAGE_ROWS)
            cov = cov.assign(
                district=cov["name_en" if lang == "en" else "name_zh"],
                city=region_labels(q, cov["city_code"], lang), nearest_km=(cov["nearest_m"] / 1000).round(2))
            v.tables.append(Table(
                "mr_coverage", t("brief.coverage", name=region_labels(q, [cov_prov], lang)[0]),
                cov[["district", "city", "rooms", "women_members", "rooms_per_10k", "nearest_km", "origin"]],
                {"district": t("rooms.district"), "city": t("common.city"), "rooms": t("brief.rooms"),
                 "women_members": t("rooms.women"), "rooms_per_10k": t("rooms.per_10k"),
                 "nearest_km": t("rooms.nearest_km"), "origin": t("origin.column")},
                merge_origins(cov["origin"]), shown=True, what=f"mother_room_coverage_{cov_prov}"))
    return v
