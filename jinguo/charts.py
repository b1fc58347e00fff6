"""Plotly figures, built without Streamlit so tests can call them.

The China map is a ``go.Choropleth`` on the committed, simplified boundaries
(``data/boundaries``) with every base layer off: no tiles, no network.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from jinguo import boundaries, fmt

PINK = ["#fde0ef", "#f8a5c2", "#e75a8a", "#c2185b", "#7b0d3a"]
ORIGIN_SYMBOL = {"reported": "diamond", "demo": "circle", "imported": "square"}
FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"


def _layout(fig: go.Figure, height: int = 380) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=dict(family=FONT),
                      hoverlabel=dict(font_family=FONT), legend=dict(orientation="h", y=-0.15))
    return fig


def hover_values(values: pd.Series, unit: str, lang: str) -> list[str]:
    return [fmt.with_unit(v, unit, lang) for v in values]


def china_map(df: pd.DataFrame, value_col: str, label_col: str, unit: str, lang: str, title: str = "",
              selected: str | None = None) -> go.Figure:
    """Provinces coloured by ``value_col`` (keyed by ``province_code``); others grey; the maritime line."""
    gj = boundaries.provinces_geojson()
    all_codes = [f["properties"]["adcode"] for f in gj["features"]]
    names = {f["properties"]["adcode"]: f["properties"]["name"] for f in gj["features"]}
    missing = [c for c in all_codes if c not in set(df["province_code"])]
    fig = go.Figure()
    fig.add_trace(go.Choropleth(
        geojson=gj, featureidkey="properties.adcode", locations=missing, z=[0] * len(missing),
        colorscale=[[0, "#e6e6e6"], [1, "#e6e6e6"]], showscale=False, hoverinfo="text",
        text=[names[c] for c in missing], marker_line_color="white", marker_line_width=0.5, name="",
    ))
    fig.add_trace(go.Choropleth(
        geojson=gj, featureidkey="properties.adcode", locations=df["province_code"], z=df[value_col],
        customdata=df["province_code"], colorscale=PINK, marker_line_color="white",
        marker_line_width=[2.5 if c == selected else 0.5 for c in df["province_code"]],
        text=[f"{n}<br>{v}" for n, v in zip(df[label_col], hover_values(df[value_col], unit, lang))],
        hoverinfo="text", colorbar=dict(title=unit, thickness=12), name="",
    ))
    for row in boundaries.boundary_paths(boundaries.nation_extra_geojson()):
        xs, ys = zip(*row["path"])
        fig.add_trace(go.Scattergeo(lon=xs, lat=ys, mode="lines", line=dict(color="#888", width=1),
                                    hoverinfo="skip", showlegend=False))
    fig.update_geos(fitbounds="geojson", visible=False, projection_type="mercator")
    fig.update_layout(title=title, dragmode=False, clickmode="event+select")
    return _layout(fig, 460)


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
