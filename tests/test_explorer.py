"""The indicator explorer: every theme reachable, four views, the right aggregation."""

import json

import pytest

from tests.util import no_exception, open_app, plain

PAGE = "app_pages/explorer.py"
ONE_PER_THEME = ["mm_match_rate", "mr_rooms", "in_patents", "cc_children", "rt_proposals", "og_members",
                 "pc_served", "sk_women_tech_share"]


@pytest.mark.parametrize("ind", ONE_PER_THEME)
@pytest.mark.parametrize("view", ["map", "bar", "line", "table"])
def test_each_theme_renders_in_each_view(app_db, ind, view):
    at = open_app(PAGE, params={"ex_ind": ind, "ex_view": view})
    no_exception(at)
    assert at.session_state["ex_ind_box"] == ind
    assert (at.dataframe if view == "table" else at.get("plotly_chart"))


def test_the_womens_share_of_tech_workers_is_the_reported_32_percent_for_guangdong(app_db):
    at = open_app(PAGE, params={"ex_ind": "sk_women_tech_share", "ex_view": "table", "years": "2023-2023"})
    table = at.dataframe[0].value
    row = table[table["行政区划代码"] == "440000"].iloc[0]
    assert row["女技术工人占比"] == pytest.approx(32.0, abs=0.05)   # 45万 / 32% as reported


def test_city_drill_down_sums_to_the_province(app_db, built):
    at = open_app(PAGE, params={"ex_ind": "og_orgs", "ex_view": "bar", "years": "2023-2023"})
    at.selectbox(key="ex_city_prov").set_value("500000").run()
    no_exception(at)
    fig = json.loads(at.get("plotly_chart")[-1].proto.spec)
    # Chongqing's women workers' organisations at the end of 2023: 40776 (reported)
    assert sum(plain(fig["data"][0]["x"])) == 40776


def test_bad_links_warn(app_db):
    at = open_app(PAGE, params={"ex_ind": "x", "ex_view": "pie"})
    no_exception(at)
    assert len(at.warning) == 2
