"""Plotly figures, built without Streamlit so tests can call them.

The China map is a ``go.Choropleth`` on the committed, simplified boundaries
(``data/boundaries``) with every base layer off: no tiles, no network.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from jinguo.geo import boundaries
from jinguo.text import fmt

PINK = ["#fde0ef", "#f8a5c2", "#e75a8a", "#c2185b", "#7b0d3a"]
ORIGIN_SYMBOL = {"reported": "diamond", "demo": "circle", "imported": "square"}
FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def _layout(fig: go.Figure, height: int = 380) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=dict(family=FONT),
                      hoverlabel=dict(font_family=FONT), legend=dict(orientation="h", y=-0.15))
    return fig


def hover_values(values: pd.Series, unit: str, lang: str) -> list[str]:
    return [fmt.with_unit(v, unit, lang) for v in values]


def _colour(v: float, lo: float, hi: float) -> str:
    from plotly.colors import sample_colorscale

    x = 0.0 if hi <= lo else (v - lo) / (hi - lo)
    return sample_colorscale([[i / (len(PINK) - 1), c] for i, c in enumerate(PINK)], [min(max(x, 0), 1)])[0]


@lru_cache(maxsize=64)
def _centre(adcode: str) -> tuple[float, float]:
    """A point inside the province, for its hover and click marker (computed once)."""
    from shapely.geometry import shape

    feat = next(f for f in boundaries.provinces_geojson()["features"] if f["properties"]["adcode"] == adcode)
    p = shape(feat["geometry"]).representative_point()
    return p.x, p.y


@lru_cache(maxsize=64)
def _rings(adcode: str) -> tuple[np.ndarray, np.ndarray]:
    """A province's outline as x and y arrays with NaN between rings (computed once). Numpy arrays go
    to the browser as typed arrays (base64), which serialise several times faster than lists."""
    feat = next(f for f in boundaries.provinces_geojson()["features"] if f["properties"]["adcode"] == adcode)
    xs: list[float] = []
    ys: list[float] = []
    for ring in boundaries.boundary_paths({"features": [feat]}):
        xs += [p[0] for p in ring["path"]] + [np.nan]
        ys += [p[1] for p in ring["path"]] + [np.nan]
    x, y = np.array(xs, dtype=np.float32), np.array(ys, dtype=np.float32)   # 1e-5° is enough
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def china_map(df: pd.DataFrame, value_col: str, label_col: str, unit: str, lang: str, title: str = "",
              selected: str | None = None) -> go.Figure:
    """Provinces coloured by ``value_col`` (keyed by ``province_code``), drawn as filled shapes on plain
    lon/lat axes from the committed boundaries. Plotly's geo maps fetch a world topojson from a CDN
    even with every base layer off, so they cannot draw offline; these shapes need nothing.
    Provinces without a value are grey; a marker at each province's centre carries hover and click."""
    gj = boundaries.provinces_geojson()
    values = dict(zip(df["province_code"], df[value_col]))
    labels = dict(zip(df["province_code"], df[label_col]))
    lo, hi = (float(df[value_col].min()), float(df[value_col].max())) if len(df) else (0.0, 1.0)
    fig = go.Figure()
    cx, cy, cd, ct = [], [], [], []
    for feat in gj["features"]:
        code = feat["properties"]["adcode"]
        xs, ys = _rings(code)
        has = code in values and values[code] == values[code]
        pt = _centre(code)
        fig.add_trace(go.Scatter(
            x=xs, y=ys, fill="toself", mode="lines", hoverinfo="skip", showlegend=False, name=code,
            fillcolor=_colour(values[code], lo, hi) if has else "#e6e6e6",
            line=dict(color="#333" if code == selected else "white", width=2.5 if code == selected else 0.6)))
        if has:
            cx.append(pt[0])
            cy.append(pt[1])
            cd.append(code)
            ct.append(f"{labels.get(code, feat['properties']['name'])}<br>{fmt.with_unit(values[code], unit, lang)}")
    for row in boundaries.boundary_paths(boundaries.nation_extra_geojson()):
        xs, ys = zip(*row["path"])
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#888", width=1), hoverinfo="skip",
                                 showlegend=False))
    fig.add_trace(go.Scatter(
        x=cx, y=cy, mode="markers", customdata=cd, text=ct, hovertemplate="%{text}<extra></extra>",
        name="provinces", showlegend=False,
        marker=dict(size=9, color=[values[c] for c in cd], colorscale=PINK, cmin=lo, cmax=hi, opacity=0.9,
                    line=dict(color="white", width=1), colorbar=dict(title=unit, thickness=12))))
    fig.update_xaxes(visible=False, range=[73, 136])
    fig.update_yaxes(visible=False, range=[3, 54], scaleanchor="x", scaleratio=1.2)
    fig.update_layout(title=title, dragmode=False, clickmode="event+select", plot_bgcolor="white")
    return _layout(fig, 520)


def bars(df: pd.DataFrame, x: str, y: str, unit: str, lang: str, title: str = "", key_col: str | None = None,
         horizontal: bool = True) -> go.Figure:
    text = hover_values(df[y], unit, lang)
    kw = dict(customdata=df[key_col] if key_col else None, text=text, textposition="auto",
              hovertemplate="%{y}: %{text}<extra></extra>" if horizontal else "%{x}: %{text}<extra></extra>",
              marker_color="#c2185b")
    trace = go.Bar(y=df[x], x=df[y], orientation="h", **kw) if horizontal else go.Bar(x=df[x], y=df[y], **kw)
    fig = go.Figure(trace)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    fig.update_layout(title=title, clickmode="event+select")
    return _layout(fig, max(260, 28 * len(df) + 80) if horizontal else 380)


def top_bottom(df: pd.DataFrame, value_col: str, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The n highest and n lowest rows by ``value_col`` (missing values ignored)."""
    d = df.dropna(subset=[value_col]).sort_values([value_col, "province_code"], ascending=[False, True])
    top = d.head(n)
    bottom = d[~d.index.isin(top.index)].tail(n).iloc[::-1]
    return top, bottom


def trend(df: pd.DataFrame, x: str, y: str, series: str, unit: str, lang: str, title: str = "",
          reported: pd.DataFrame | None = None, reported_label: str = "") -> go.Figure:
    """Lines by ``series``; reported figures (year, value, text) as diamonds with their quote on hover."""
    fig = go.Figure()
    for name, g in df.groupby(series, sort=False):
        fig.add_trace(go.Scatter(x=g[x], y=g[y], mode="lines+markers", name=str(name),
                                 text=hover_values(g[y], unit, lang),
                                 hovertemplate=f"{name} %{{x}}: %{{text}}<extra></extra>"))
    if reported is not None and not reported.empty:
        fig.add_trace(go.Scatter(
            x=reported["year"], y=reported["value"], mode="markers", name=reported_label,
            marker=dict(symbol="diamond", size=13, color="#000", line=dict(color="white", width=1)),
            text=reported["text"], hovertemplate="%{text}<extra></extra>", customdata=reported["fact_id"]))
    fig.update_xaxes(dtick=1)
    fig.update_layout(title=title)
    return _layout(fig)


def funnel(labels: list[str], values: list[float], lang: str) -> go.Figure:
    fig = go.Figure(go.Funnel(y=labels, x=values, text=[fmt.number(v, lang) for v in values],
                              textinfo="text+percent initial", marker_color=["#f8a5c2", "#c2185b"]))
    return _layout(fig, 260)


def selected_code(event) -> str | None:
    """The adcode (customdata or location) of the first point of a plotly selection event, if any."""
    try:
        points = event["selection"]["points"]
    except (TypeError, KeyError):
        try:
            points = event.selection.points
        except AttributeError:
            return None
    for p in points or []:
        code = p.get("customdata") or p.get("location")
        if isinstance(code, list):
            code = code[0] if code else None
        if isinstance(code, str) and code.isdigit() and len(code) == 6:
            return code
    return None
