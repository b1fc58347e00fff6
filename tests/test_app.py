"""The app frame with AppTest: it opens, mirrors filters in the URL, and handles bad links."""

import pytest

from tests.util import no_exception, open_app


def run(app_db, params=None):
    at = open_app(params=params)
    no_exception(at)
    return at


def test_overview_opens_in_chinese_with_kpis(app_db):
    at = run(app_db)
    assert at.title[0].value == "总览"
    labels = [m.label for m in at.metric]
    assert "相亲交友活动" in labels and "工会妈妈小屋" in labels
    assert any("演示" in c.value for c in at.caption)  # demo data says so


def test_english_switch_changes_labels(app_db):
    at = run(app_db, {"lang": "en"})
    assert at.title[0].value == "Overview"
    assert "Matchmaking events" in [m.label for m in at.metric]


def test_filters_are_mirrored_in_the_url(app_db):
    at = run(app_db, {"prov": "370000,230000", "years": "2020-2023"})
    assert at.session_state["f_prov"] == ["370000", "230000"]
    assert at.session_state["f_years"] == (2020, 2023)
    at.sidebar.slider[0].set_value((2021, 2022)).run()
    assert at.query_params["years"] == "2021-2022"
    assert at.query_params["prov"] == "370000,230000"


@pytest.mark.parametrize("params", [{"years": "drop table"}, {"prov": "<script>"}, {"lang": "xx"},
                                    {"origin": "'; --"}])
def test_bad_url_parameters_get_a_message_not_a_traceback(app_db, params):
    at = run(app_db, params)
    assert len(at.warning) == 1
    assert at.title[0].value == "总览"


def test_no_origin_selected_says_so(app_db):
    at = run(app_db)
    at.session_state["f_origin"] = []
    at.run()
    assert not at.exception
    assert any("至少选择一种" in i.value for i in at.info)
