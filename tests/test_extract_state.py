"""Extract files (BOM, formula neutralising, names) and the URL filter mirror."""

import io

import openpyxl
import pandas as pd
import pytest

from jinguo.text import extract
from jinguo.views import state

PROVS = ("110000", "370000", "440000")


def frame():
    return pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "洛阳市", "a-b"],
                         "value": [1, 2, -3, 4, 5, 6], "origin": ["demo"] * 6})


def test_csv_has_bom_and_neutralised_formulas():
    raw = extract.to_csv_bytes(frame(), {"name": "名称", "value": "数值", "origin": "数据来源"})
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "名称,数值,数据来源"
    assert lines[1].startswith("\"'=HYPERLINK")
    assert lines[2] == "'+1,2,demo" and lines[3] == "'-2,-3,demo" and lines[4].startswith("'@SUM")
    assert lines[5] == "洛阳市,5,demo" and lines[6] == "a-b,6,demo"  # inner dashes untouched; numbers stay numbers


def test_xlsx_cells_are_text_not_formulas():
    raw = extract.to_xlsx_bytes(frame())
    ws = openpyxl.load_workbook(io.BytesIO(raw)).active
    assert ws["A2"].value == "'=HYPERLINK(\"x\")" and ws["A2"].data_type == "s"
    assert ws["B4"].value == -3
    assert [c.value for c in ws[1]] == ["name", "value", "origin"]


def test_extract_without_origin_is_refused():
    with pytest.raises(ValueError, match="origin"):
        extract.to_csv_bytes(pd.DataFrame({"a": [1]}))


def test_file_names_say_what_and_which_filter():
    assert extract.file_name("matchmaking_by_province", "all", "2019-2023") == \
        "matchmaking_by_province_all_2019-2023.csv"
    assert extract.file_name("x", "../../etc", ext="xlsx") == "x_-etc.xlsx"


def test_url_round_trip_keeps_every_filter():
    f = state.Filters(("370000", "440000"), 2020, 2023, ("reported", "imported"), "en", all_provinces=False)
    params = state.to_params(f, (2019, 2024))
    assert params == {"lang": "en", "prov": "370000,440000", "years": "2020-2023", "origin": "reported,imported"}
    g, problems = state.parse(params, PROVS, (2019, 2024))
    assert g == f and problems == []


def test_defaults_leave_the_url_empty():
    f, _ = state.parse({}, PROVS, (2019, 2024))
    assert f.provinces == PROVS and (f.year_from, f.year_to) == (2019, 2024) and f.lang == "zh"
    assert state.to_params(f, (2019, 2024)) == {}


@pytest.mark.parametrize("params, key", [
    ({"lang": "fr"}, "url.bad_lang"), ({"prov": "999999"}, "url.bad_province"),
    ({"years": "2024-2019"}, "url.bad_years"), ({"years": "abc"}, "url.bad_years"),
    ({"years": "1990-2023"}, "url.bad_years"), ({"origin": "fake"}, "url.bad_origin"),
])
def test_bad_url_values_fall_back_with_a_message(params, key):
    f, problems = state.parse(params, PROVS, (2019, 2024))
    assert [p[0] for p in problems] == [key]
    assert f.provinces == PROVS and (f.year_from, f.year_to) == (2019, 2024)


def test_two_columns_with_the_same_label_are_both_kept():
    df = pd.DataFrame({"a": [1], "b": [2], "origin": ["demo"]})
    raw = extract.to_csv_bytes(df, {"a": "代码", "b": "代码"}).decode("utf-8-sig")
    assert raw.splitlines()[0] == "代码,代码 (2),origin"
    ws = openpyxl.load_workbook(io.BytesIO(extract.to_xlsx_bytes(df, {"a": "代码", "b": "代码"}))).active
    assert [c.value for c in ws[1]] == ["代码", "代码 (2)", "origin"]
