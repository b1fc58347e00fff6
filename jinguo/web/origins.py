"""Where a figure comes from, said on screen: origin labels, the caption under a chart or table, and the
overview's note on demo data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from jinguo.text import i18n
from jinguo.views.state import ORIGIN_ICON
from jinguo.web import data
from jinguo.web.frame import tr


def origin_label(origin: str) -> str:
    """'demo+reported' -> '🧪 演示 + 📄 报告'."""
    parts = [p for p in str(origin).split("+") if p]
    return " + ".join(f"{ORIGIN_ICON.get(p, '')} {tr('origin.' + p)}" if i18n.has("origin." + p) else p
                      for p in parts)


def origin_caption(origins: pd.Series | list | str) -> None:
    """A line under a chart saying which origins it shows; demo is always said."""
    if isinstance(origins, str):
        origins = [origins]
    found = sorted({p for o in origins for p in str(o).split("+") if p})
    if not found:
        return
    text = " · ".join(f"{ORIGIN_ICON.get(o, '')} {tr('origin.' + o)}：{tr('origin.' + o + '_help')}"
                      for o in found if i18n.has("origin." + o))
    st.caption(text)


def data_banner() -> None:
    """The overview's note on what the figures are: demo data where the database holds demo rows; in
    production (``--demo none``) before any import, that nothing has been imported yet."""
    origins = set(data.q("origins_present")["origin"])
    if "demo" in origins:
        st.info(tr("app.demo_banner"))
    elif "imported" not in origins:
        st.info(tr("registers.empty_page"))
