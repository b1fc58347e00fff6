"""The reported facts as a readable table (the Sources page and its extract)."""

from __future__ import annotations

import pandas as pd

from jinguo.text import fmt, i18n


def facts_table(facts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Reported facts as a readable table in ``lang`` (value with 约/超 and unit, period, quote)."""
    def t(k):
        return i18n.t(k, lang)

    qual = facts["qualifier"].map(lambda q: "" if q == "exact" else t(f"src.qual_{q}") + " ")
    value = [fmt.with_unit(v, i18n.t(f"unit.{u}", lang) if i18n.has(f"unit.{u}", lang) else u, lang)
             for v, u in zip(facts["value"], facts["unit"])]
    period = [s.strftime("%Y-%m-%d") if s == e else f"{s:%Y-%m-%d} – {e:%Y-%m-%d}"
              for s, e in zip(facts["period_start"], facts["period_end"])]
    region = facts["region_en"] if lang == "en" else facts["region_zh"]
    indicator = facts["indicator_en"] if lang == "en" else facts["indicator_zh"]
    assumed = facts["assumption_en"] if lang == "en" else facts["assumption_zh"]
    return pd.DataFrame({
        t("src.col_id"): facts["fact_id"],
        t("common.reporter"): facts["reporter"],
        t("src.col_region"): region.fillna(facts["region_code"]),
        t("src.col_indicator"): indicator.fillna(""),
        t("src.col_subject"): facts["subject"].fillna(""),
        t("src.col_period"): period,
        t("src.col_value"): (qual + pd.Series(value, index=facts.index)),
        t("src.col_assumed"): assumed.fillna(""),
        t("common.quote"): facts["quote"],
        t("src.col_note"): facts["note"].fillna(""),
        t("origin.column"): facts["origin"],
    })
