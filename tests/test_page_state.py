"""Page-local URL settings (state.PageParams) and the settings the briefing buttons read."""

from __future__ import annotations

from jinguo.views.state import PageParams
from tests.util import no_exception, open_app


def test_page_param_keeps_an_allowed_value_and_warns_once_for_a_bad_one():
    warned = []
    url = PageParams({"ov_ind": "mm_pairs", "ex_view": "pie"}, lambda key, value: warned.append((key, value)))
    assert url.get("ov_ind", {"mm_pairs", "mm_events"}, "mm_events", "overview.bad_indicator") == "mm_pairs"
    assert url.get("ex_view", {"map", "bar"}, "map", "ex.bad_view") == "map"
    assert url.get("missing", {"a"}, "a", "x") == "a"
    assert warned == [("ex.bad_view", "pie")]


def test_page_param_set_writes_a_value_and_removes_the_default():
    qp = {"ov_ind": "mm_pairs"}
    url = PageParams(qp)
    url.set("ov_prov", "370000")
    url.set("ov_ind", "mm_events", default="mm_events")
    assert qp == {"ov_prov": "370000"}
    url.set("ov_prov", None)
    assert qp == {}


def test_the_outputs_fragment_changes_what_the_briefing_will_show(app_db):
    at = open_app("app_pages/studios.py")
    no_exception(at)
    assert at.session_state["_brief_params_studios"] == {"measure": "trainees", "per_studio": False}
    at.segmented_control(key="st_measure").set_value("patents").run()
    at.toggle(key="st_per").set_value(True).run()
    no_exception(at)
    assert at.session_state["_brief_params_studios"] == {"measure": "patents", "per_studio": True}
    labels = [b.label for b in at.download_button]
    assert "生成汇报材料（PPTX）" in labels and "生成汇报材料（PDF）" in labels
