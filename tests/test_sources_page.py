"""The Sources page: every reported figure with its quote, searchable, linkable, downloadable."""

from tests.util import no_exception, open_app

PAGE = "app_pages/sources.py"


def table(at):
    return at.dataframe[0].value


def test_lists_every_fact_with_quotes(app_db, built):
    n = built.execute("select count(*) from reported_fact").fetchone()[0]
    at = open_app(PAGE)
    no_exception(at)
    df = table(at)
    assert len(df) == n
    row = df[df["编号"] == "hlj_mm_events_2019_2023"].iloc[0]
    assert row["数值"] == "1052场" and "1052场" in row["原文"]
    # 近 13万人: approx, shown with 约 and 万
    row = df[df["编号"] == "hlj_mm_participants_2019_2023"].iloc[0]
    assert row["数值"] == "约 13.0万人"
    assert [b.label for b in at.download_button] == ["下载 CSV", "下载 Excel"]


def test_search_is_plain_text_and_mirrored_in_the_url(app_db):
    at = open_app(PAGE, params={"src_q": "洛阳"})
    no_exception(at)
    df = table(at)
    assert len(df) >= 7 and all("洛阳" in " ".join(map(str, r)) for r in df.itertuples())
    at.text_input[0].set_value("'; drop table reported_fact; --").run()
    no_exception(at)
    assert any("没有符合" in i.value for i in at.info)
    at.text_input[0].set_value("").run()
    assert len(table(at)) > 50


def test_a_fact_link_shows_that_fact_and_a_bad_one_warns(app_db):
    at = open_app(PAGE, params={"src_fact": "sd_mr_rooms_2023"})
    assert list(table(at)["编号"]) == ["sd_mr_rooms_2023"]
    at = open_app(PAGE, params={"src_fact": "<script>"})
    no_exception(at)
    assert len(at.warning) == 1 and len(table(at)) > 50


def test_english_headers_and_numbers(app_db):
    at = open_app(PAGE, params={"lang": "en"})
    df = table(at)
    row = df[df["ID"] == "ly_mr_services_2019_2023"].iloc[0]
    assert row["Value"] == "over 1.8 m person-times" and row["Region"] == "Luoyang"


def test_scope_and_assumed_readings_are_shown_beside_the_figure(app_db):
    """ZTO's figures are its whole network, not Shanghai; an assumed period or a unit that differs
    from the indicator's is written next to the value, in both languages."""
    at = open_app(PAGE)
    df = table(at).set_index("编号")
    assert df.loc["zto_care_fund", "地区"] == "中通快递（全网）"
    assert df.loc["zto_group_insurance_cover", "推定与口径"] == "期间为推定：2023-12-31；单位为推定：元"
    # 洛阳 "开办托管托育班 500 余个" in a catalogue indicator counted in 期; "5 年来" read as 2019-2023
    assert df.loc["ly_cc_classes_2019_2023", "推定与口径"] == (
        "期间为推定：2019-01-01–2023-12-31；原文单位“个”，指标按“期”计")
    assert df.loc["cq_og_orgs_2023", "推定与口径"] == ""  # "截至 2023 年底": stated, nothing assumed
    cols = list(df.columns)
    assert cols.index("推定与口径") == cols.index("数值") + 1


def test_a_single_fact_shows_its_assumption_under_the_quote(app_db):
    at = open_app(PAGE, params={"src_fact": "sd_cc_children_cum"})
    text = " ".join(m.value for m in at.markdown)
    assert "推定与口径: 期间为推定：2019-01-01–2023-12-31；原文单位“人”，指标按“人次”计" in text


def test_extract_of_reported_facts_carries_the_assumption(built):
    from jinguo.store.db import query

    df = query(built, "reported_facts", q="").set_index("fact_id")
    assert df.loc["zto_women_covered", "region_en"] == "中通快递 (whole network)"
    assert df.loc["hlj_may2023_participants", "assumption_en"] == "reported in “名”, counted as participants"
    pts = query(built, "reported_facts_for", indicator="cc_holiday_classes").set_index("fact_id")
    assert pts.loc["ly_cc_classes_2019_2023", "assumption_zh"].endswith("原文单位“个”，指标按“期”计")


def test_the_assumed_reading_is_in_english_too(app_db):
    at = open_app(PAGE, params={"lang": "en"})
    no_exception(at)
    df = table(at)
    row = df[df.iloc[:, 0] == "ly_cc_classes_2019_2023"].iloc[0]
    assert row["Assumed reading"] == "period assumed: 2019-01-01–2023-12-31; reported in “个”, counted as classes"
