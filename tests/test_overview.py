"""The overview page: KPIs, the China map, top/bottom, drill-down by click, reported points."""

import json

import pandas as pd

from jinguo.views import charts
from tests.util import no_exception, open_app, plain

PAGE = "app_pages/overview.py"


def figures(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_map_covers_the_whole_territory_and_values_match_the_rollup(app_db):
    at = open_app(PAGE, params={"ov_ind": "mm_events", "years": "2019-2023"})
    no_exception(at)
    fig = figures(at)[0]
    shapes = [d for d in fig["data"] if d.get("fill") == "toself"]
    assert len(shapes) == 34 and {"710000", "810000", "820000"} <= {d["name"] for d in shapes}
    grey = {d["name"] for d in shapes if d["fillcolor"] == "#e6e6e6"}
    assert grey == {"710000", "810000", "820000"}   # no union data outside the mainland
    marks = [d for d in fig["data"] if d.get("name") == "provinces"][0]
    values = dict(zip(marks["customdata"], plain(marks["marker"]["color"])))
    assert len(values) == 31 and values["230000"] == 1052   # Heilongjiang 2019-2023, as reported
    assert not any(d["type"].endswith("geo") or d["type"] == "choropleth" for d in fig["data"])  # no CDN


def test_top_and_bottom_five_are_ranked():
    df = pd.DataFrame({"province_code": [f"{i}0000" for i in range(11, 23)], "value": list(range(12))})
    top, bottom = charts.top_bottom(df, "value")
    assert list(top["value"]) == [11, 10, 9, 8, 7] and list(bottom["value"]) == [0, 1, 2, 3, 4]


def test_a_click_selection_gives_the_province_code():
    assert charts.selected_code({"selection": {"points": [{"location": "370000"}]}}) == "370000"
    assert charts.selected_code({"selection": {"points": [{"customdata": ["440000"]}]}}) == "440000"
    assert charts.selected_code({"selection": {"points": []}}) is None
    assert charts.selected_code({"selection": {"points": [{"customdata": "<script>"}]}}) is None


def test_drill_down_filters_the_page_to_one_province(app_db):
    at = open_app(PAGE, params={"ov_prov": "370000", "ov_ind": "mr_rooms", "years": "2023-2023"})
    no_exception(at)
    assert "山东" in at.subheader[0].value
    kpis = {m.label: m.value for m in at.metric}
    assert kpis["工会妈妈小屋"] == "4923家"  # Shandong's reported rooms at the end of 2023
    trend = figures(at)[-1]
    names = [d.get("name") for d in trend["data"]]
    assert "全国" in names and "山东" in names and "报告" in names  # the 4923 figure as a reported point


def test_chinese_hover_uses_wan_and_english_uses_separators(app_db):
    at = open_app(PAGE, params={"ov_ind": "mm_participants", "years": "2019-2023"})
    texts = [t for d in figures(at)[0]["data"] if d.get("name") == "provinces" for t in d.get("text", [])]
    assert any("万" in t for t in texts)
    at = open_app(PAGE, params={"ov_ind": "mm_participants", "years": "2019-2023", "lang": "en"})
    texts = [t for d in figures(at)[0]["data"] if d.get("name") == "provinces" for t in d.get("text", [])]
    assert any("," in t and "participants" in t for t in texts) and not any("万" in t for t in texts)


def test_bad_indicator_in_the_link_warns(app_db):
    at = open_app(PAGE, params={"ov_ind": "drop_table"})
    no_exception(at)
    assert any("不存在" in w.value for w in at.warning)


def test_a_reported_points_hover_says_what_was_assumed(app_db):
    """Shandong's 4923 rooms: "达 4923 家" gives no date, read as the end of 2023 (assumed), said on hover."""
    at = open_app(PAGE, params={"ov_prov": "370000", "ov_ind": "mr_rooms", "years": "2023-2023"})
    no_exception(at)
    point = [d for d in figures(at)[-1]["data"] if d.get("name") == "报告"][0]
    assert point["text"] == ["📄 山东省总工会: 4923家<br>全省“工会妈妈小屋”达 4923 家，全部实现数字化管理，"
                             "1667 家公共场所小屋可在线上导航查询，成为广受赞誉的工会女…<br>期间为推定：2023-12-31"]  # quote[:60]
