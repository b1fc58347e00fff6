"""Number formats (万/亿 in Chinese) and the two string catalogues."""

import re
import string

import pytest

from jinguo.text import fmt, i18n


@pytest.mark.parametrize("value, text", [
    (130000, "13.0万"), (119000, "11.9万"), (200000000, "2.0亿"), (1800000, "180.0万"),
    (5585, "5585"), (9999, "9999"), (10000, "1.0万"), (29.3, "29.3"), (-25000, "-2.5万"), (None, "—"),
])
def test_chinese_numbers_read_in_wan_and_yi(value, text):
    assert fmt.number(value, "zh") == text


@pytest.mark.parametrize("value, text", [
    (130000, "130,000"), (5585, "5,585"), (1800000, "1.8 m"), (200000000, "200.0 m"), (2.5e9, "2.5 bn"),
])
def test_english_numbers_use_separators_and_millions(value, text):
    assert fmt.number(value, "en") == text


def test_units_and_changes():
    assert fmt.with_unit(130000, "人次", "zh") == "13.0万人次"
    assert fmt.with_unit(130000, "participants", "en") == "130,000 participants"
    assert fmt.with_unit(29.25, "%", "zh") == "29.2%" or fmt.with_unit(29.25, "%", "zh") == "29.3%"
    assert fmt.change(12.345) == "+12.3%" and fmt.change(-4) == "-4.0%"


def _fields(text):
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_catalogues_have_the_same_keys_and_placeholders():
    zh, en = i18n.catalogue("zh"), i18n.catalogue("en")
    assert zh.keys() == en.keys(), sorted(zh.keys() ^ en.keys())
    for k in zh:
        assert _fields(zh[k]) == _fields(en[k]), k


def test_chinese_catalogue_is_chinese_and_english_is_not():
    zh, en = i18n.catalogue("zh"), i18n.catalogue("en")
    han = re.compile(r"[\u4e00-\u9fff]")
    assert sum(bool(han.search(v)) for v in zh.values()) >= 0.9 * len(zh)
    # English strings may name Chinese terms, but must read as English.
    # (Separators such as finder.days_sep are punctuation in every language.)
    assert all(re.search(r"[A-Za-z]", v) for k, v in en.items() if not k.endswith("_sep"))
    assert re.search(r"[A-Za-z]", en["finder.day_1"]) and "、" not in en["finder.days_sep"]


def test_missing_key_is_an_error_not_a_blank():
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "zh")


def test_topic_files_are_merged_and_a_key_defined_twice_is_refused(tmp_path, monkeypatch):
    """locales/<lang>/*.toml add keys to the catalogue; redefining a key of the main file fails loudly."""
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh.toml").write_text('[a]\nx = "甲"\n', encoding="utf-8")
    (tmp_path / "zh" / "topic.toml").write_text('[b]\ny = "乙"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        assert i18n.catalogue("zh") == {"a.x": "甲", "b.y": "乙"}
        (tmp_path / "zh" / "again.toml").write_text('[a]\nx = "丙"\n', encoding="utf-8")
        i18n.catalogue.cache_clear()
        with pytest.raises(KeyError, match="again.toml"):
            i18n.catalogue("zh")
    finally:
        i18n.catalogue.cache_clear()


def test_a_stored_year_range_is_kept_inside_the_years_the_data_has():
    """The slider's stored range is clamped to the bounds (a public reader's fallback year would else
    crash the slider after sign-in); garbage or a range wholly outside gives every year."""
    from jinguo.web.frame import _clamp_years

    assert _clamp_years((2026, 2026), (2019, 2024)) == (2019, 2024)
    assert _clamp_years((2020, 2030), (2019, 2024)) == (2020, 2024)
    assert _clamp_years((2015, 2021), (2019, 2024)) == (2019, 2021)
    assert _clamp_years(2023, (2019, 2024)) == (2019, 2024)
    assert _clamp_years(None, (2019, 2025)) == (2019, 2025)
