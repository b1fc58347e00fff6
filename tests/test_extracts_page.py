"""The Extracts page: every entry opens, carries an origin column, and respects the reader's province."""

import pytest

from jinguo.text import extract
from jinguo.views import extracts
from tests.util import SHANDONG, no_exception, open_app

PAGE = "app_pages/extracts.py"


@pytest.mark.parametrize("key", [e.key for e in extracts.EXTRACTS])
def test_every_extract_opens_with_an_origin_column(app_db, key):
    at = open_app(PAGE, params={"ext": key, "years": "2023-2023"})
    no_exception(at)
    assert "origin" in at.dataframe[0].value.columns
    assert [b.label for b in at.download_button] == ["下载 CSV", "下载 Excel"]


def test_a_province_viewer_gets_only_their_provinces_detail_rows(app_db):
    at = open_app(PAGE, params={"ext": "matchmaking_events", "prov": "440000,370000"}, user=SHANDONG)
    no_exception(at)
    assert set(at.dataframe[0].value["province_code"]) == {"370000"}
    at = open_app(PAGE, params={"ext": "matchmaking_by_province_year", "prov": "440000,370000"}, user=SHANDONG)
    assert set(at.dataframe[0].value["province_code"]) == {"370000", "440000"}   # rollups: all provinces


def test_csv_of_a_filtered_extract_opens_as_chinese(built):
    from jinguo.store import sql
    from jinguo.views.state import Filters

    f = Filters(("410000",), 2023, 2023)
    e = next(x for x in extracts.EXTRACTS if x.key == "mother_rooms")
    df = sql.run(built, e.query, sql.Scope(), **e.params(f, 100, []))
    raw = extract.to_csv_bytes(df, {"origin": "数据来源"})
    text = raw.decode("utf-8-sig")
    assert raw[:3] == b"\xef\xbb\xbf" and "河南省" in text and "数据来源" in text.splitlines()[0]
    assert len(text.splitlines()) == 101 and all(r.startswith("R41") for r in text.splitlines()[1:])
