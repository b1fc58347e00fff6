"""Matchmaking and studios pages with AppTest: totals checked against the reported figures."""

import pytest

from tests.util import no_exception, open_app


@pytest.mark.parametrize("page", ["app_pages/matchmaking.py", "app_pages/studios.py"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_renders_in_both_languages(app_db, page, lang):
    at = open_app(page, params={"lang": lang})
    no_exception(at)
    assert at.get("plotly_chart") and len(at.download_button) >= 4


def test_heilongjiang_five_years_match_the_reported_totals(app_db):
    at = open_app("app_pages/matchmaking.py", params={"prov": "230000", "years": "2019-2023"})
    no_exception(at)
    kpi = {m.label: m.value for m in list(at.metric)[:4]}   # the page's totals (the case card comes later)
    # 1052 events, 5585 pairs (reported); 近13万 participants is calibrated to 130,000
    assert kpi["活动场次"] == "1052" and kpi["牵手对数"] == "5585" and kpi["参与职工"] == "13.0万"
    assert kpi["牵手率"] == f"{200 * 5585 / 130000:.1f}%"   # 8.6%


def test_the_may_2023_case_card(app_db):
    at = open_app("app_pages/matchmaking.py")
    card = {m.label: m.value for m in at.metric}
    assert (card["工会红娘"], card["参与单位"]) == ("33", "78")
    assert "29.3%" in [m.value for m in at.metric]   # 2 x 86 / 588 = 29.25 %
    assert any("588 名单身青年职工" in md.value for md in at.markdown)


def test_funnel_is_participants_then_matched_people(app_db):
    import json

    at = open_app("app_pages/matchmaking.py", params={"prov": "230000", "years": "2019-2023"})
    funnel = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
              if json.loads(c.proto.spec)["data"][0]["type"] == "funnel"][0]
    from tests.util import plain
    assert plain(funnel["data"][0]["x"]) == [130000, 2 * 5585]


def test_city_drill_down_from_the_url(app_db):
    at = open_app("app_pages/matchmaking.py", params={"mm_prov": "410000"})
    no_exception(at)
    assert at.session_state["mm_drill"] == "410000"
    at = open_app("app_pages/matchmaking.py", params={"mm_prov": "nope"})
    assert any("nope" in w.value for w in at.warning)


def test_guangdong_studios_by_level_match_the_report(app_db):
    at = open_app("app_pages/studios.py", params={"prov": "440000", "years": "2019-2023"})
    kpi = {m.label: m.value for m in at.metric}
    assert kpi["省级"] == "210"      # 210 provincial studios at the end of 2023 (reported)
    table = at.dataframe[0].value
    named = table[table["源文件提及"] == "📄"]
    assert {"邓艳梅", "王冰"} <= set(named["领衔人"])
    row = named[named["领衔人"] == "邓艳梅"].iloc[0]
    assert (row["授课培训（次）"], row["培训人才（人次）"]) == (476, 9770)   # her reported figures



def test_a_province_viewer_sees_other_provinces_small_cells_withheld_and_told(tiny_db, monkeypatch):
    """The hand-made database: Beijing held one event in 2022 (50 participants, 5 pairs). A Shandong viewer
    choosing Beijing sees the event count but no participants, and the note; national staff see 50."""
    from jinguo.text import i18n
    from tests.util import NATIONAL, SHANDONG, open_app

    monkeypatch.setenv("JINGUO_DB", str(tiny_db))
    note = i18n.t("cells.withheld", "zh")
    params = {"prov": "110000", "years": "2022-2023"}
    sd = open_app("app_pages/matchmaking.py", params=params, user=SHANDONG)
    assert not sd.exception
    assert [(m.label, m.value) for m in sd.metric][:2] == [("活动场次", "1"), ("参与职工", "—")]
    assert note in [c.value for c in sd.caption]
    nat = open_app("app_pages/matchmaking.py", params=params, user=NATIONAL)
    assert not nat.exception
    assert [(m.label, m.value) for m in nat.metric][:2] == [("活动场次", "1"), ("参与职工", "50")]
    assert note not in [c.value for c in nat.caption]
