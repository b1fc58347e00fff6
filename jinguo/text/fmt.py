"""Numbers for people: 万/亿 in Chinese, thousands separators in English."""

from __future__ import annotations

import math


def _trim(x: float, digits: int) -> str:
    return f"{x:.{digits}f}"


def number(value: float | int | None, lang: str = "zh", digits: int = 1) -> str:
    """13.0万 / 2.0亿 in Chinese; 130,000 / 2.0 billion style in English.

    Below 10,000 a whole number prints as is (5585); fractions keep ``digits``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = float(value)
    sign = "-" if v < 0 else ""
    a = abs(v)
    if lang == "zh":
        if a >= 1e8:
            return f"{sign}{_trim(a / 1e8, digits)}亿"
        if a >= 1e4:
            return f"{sign}{_trim(a / 1e4, digits)}万"
        return f"{sign}{a:.0f}" if a == int(a) else f"{sign}{_trim(a, digits)}"
    if a >= 1e9:
        return f"{sign}{_trim(a / 1e9, digits)} bn"
    if a >= 1e6:
        return f"{sign}{_trim(a / 1e6, digits)} m"
    return f"{sign}{a:,.0f}" if a == int(a) else f"{sign}{a:,.{digits}f}"


def percent(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}%"


def change(value: float | None, digits: int = 1) -> str:
    """A signed percentage change: +12.3% / -4.0%."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:+.{digits}f}%"


def with_unit(value: float | None, unit: str, lang: str = "zh") -> str:
    if unit == "%":
        return percent(value)
    text = number(value, lang)
    return f"{text}{unit}" if lang == "zh" else f"{text} {unit}"
