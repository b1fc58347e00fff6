"""The Sources page: every reported figure with its quote, searchable, linkable, downloadable."""

from tests.util import no_exception, open_app

PAGE = "views/sources.py"


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
