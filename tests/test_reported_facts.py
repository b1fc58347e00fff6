"""The reported figures of the source document (data/reported_facts.csv) and the
studios it names (data/named_studios.csv): shape, quotes, values, periods, codes."""

from __future__ import annotations

import csv
import math
import re
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FACTS_CSV = DATA / "reported_facts.csv"
STUDIOS_CSV = DATA / "named_studios.csv"
SEED = Path(__file__).resolve().parents[1] / "data" / "source" / "000_635ee0eaa2035469.txt"  # committed copy
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared/seed/000_635ee0eaa2035469.txt"

FACT_COLUMNS = ["fact_id", "reporter", "region_code", "indicator_code", "period_start", "period_end",
                "value", "unit", "qualifier", "quote", "subject", "note", "scope", "assumed"]
STUDIO_COLUMNS = ["lead", "studio_name", "employer", "region_code", "level", "industry", "fact_ids"]
QUALIFIERS = {"exact", "approx", "at_least"}
LEVELS = {"national", "provincial", "city", "industry"}

# Rows whose value is not written as "<number><unit>" in the quote. Each names the
# words that carry the figure; the test also checks the ordinary rule really fails
# for them, so an entry cannot outlive its reason.
VALUE_EXCEPTIONS = {
    "zto_group_insurance_cover": ("保额20 万", "the sum insured is '20 万' with no unit word; 元 is implied"),
}

# Percentages the text writes in words: 全额 (in full) = 100 %, 一半 (half) = 50 %, 四成 (four tenths) = 40 %.
PERCENT_WORDS = {100: ["全额"], 50: ["一半"], **{10 * k: [cn + "成"] for k, cn in
                                                 enumerate("一二三四五六七八九", start=1) if k != 5}}

# Arabic numerals of the source that are not figures of the work (dates, periods,
# names). Every other numeral must be the value of some fact, inside its quote.
NOT_FIGURES = {
    "5 年来": "the reporting period (five years before the meeting)",
    "5年来": "the reporting period (five years before the meeting)",
    "去过 5 年": "the reporting period of the national committee (typo for 过去 5 年)",
    "2023年 5 月": "the month of the Heilongjiang online event",
    "90 后": "a birth cohort (born in the 1990s)",
    "每年 3月": "the month of the yearly law-awareness campaign",
    "2023年全国线上公开学习班": "a year",
    "2024年在": "a year",
    "“559”": "the name of an ACFTU work plan",
    "5G": "a technology name",
    "截至 2023 年底": "a date",
    "2009 年成立": "a year",
    "亲情 1+1": "the name of a welfare scheme",
    "10月 27日": "a date (ZTO family day)",
    "4 月 26 日": "the date of the meeting",
    "刊登 6 家单位": "the editor's count of speeches on the page, not a figure of the work",
    "15 分钟工会服务圈": "the name of a programme (a 15-minute service circle), not a measurement",
}

CN_DIGITS = {1: ["一"], 2: ["两", "二"], 3: ["三"], 4: ["四"], 5: ["五"], 6: ["六"], 7: ["七"], 8: ["八"],
             9: ["九"], 10: ["十"], 1000: ["千"]}


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, rec)) for rec in reader if rec]
    return header, rows


@pytest.fixture(scope="module")
def facts() -> list[dict[str, str]]:
    return read_csv(FACTS_CSV)[1]


@pytest.fixture(scope="module")
def studios() -> list[dict[str, str]]:
    return read_csv(STUDIOS_CSV)[1]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8").replace("\n", "")


def test_committed_source_is_the_shared_seed():
    if not SHARED_SEED.exists():
        pytest.skip(f"no shared seed at {SHARED_SEED} to compare with (only in the developers' workspace)")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def indicator_codes() -> set[str]:
    return {r["code"] for r in read_csv(DATA / "indicators.csv")[1]}


def cpca_adcodes() -> set[str]:
    src = resources.files("cpca") / "resources" / "adcodes.csv"
    with src.open("r", encoding="utf-8") as fh:
        return {r["adcode"][:6] for r in csv.DictReader(fh)}


def _trim(x: float) -> str:
    s = f"{x:.6f}".rstrip("0").rstrip(".")
    return s


def number_forms(value: float) -> list[tuple[str, str]]:
    """(number, 万/亿 or '') as the text may write ``value``: 119000 -> ('11.9', '万')."""
    forms: list[tuple[str, str]] = []
    if value.is_integer():
        n = int(value)
        forms += [(str(n), ""), (f"{n:,}", "")]
    else:
        forms.append((_trim(value), ""))
    for base, word in ((10_000, "万"), (100_000_000, "亿")):
        q = value / base
        if q >= 1 and math.isclose(q, round(q, 2), abs_tol=1e-9):
            forms.append((_trim(round(q, 2)), word))
    return forms


def value_patterns(value: float, unit: str) -> list[re.Pattern]:
    """Regexes for the figure followed by its unit, allowing a space, 余/多 and 万/亿:
    '1052场', '近 13万人', '3.8 万余家', '180 余万人次', '29.3%', '超千人', '两次'."""
    u = re.escape(unit)
    pats = []
    for num, word in number_forms(value):
        n = r"(?<![\d.,])" + re.escape(num) + r"(?![\d.,])"
        if word:
            pats.append(n + r"\s*(?:余|多)?\s*" + word + r"\s*(?:余|多)?\s*" + u)
        else:
            pats.append(n + r"\s*(?:余|多)?\s*" + u)
    if value.is_integer():
        for cn in CN_DIGITS.get(int(value), []):
            pats.append(r"(?<![一二两三四五六七八九十百千万])" + cn + r"\s*(?:余|多)?\s*" + u)
        if unit == "%":
            pats += [re.escape(w) for w in PERCENT_WORDS.get(int(value), [])]
    return [re.compile(p) for p in pats]


def value_spans(row: dict[str, str]) -> list[tuple[int, int]]:
    """Where the row's value is written in its quote (offsets into the quote)."""
    spans = []
    for pat in value_patterns(float(row["value"]), row["unit"]):
        spans += [m.span() for m in pat.finditer(row["quote"])]
    return spans


# --------------------------------------------------------------------------- shape
def test_files_are_utf8_without_bom():
    for path in (FACTS_CSV, STUDIOS_CSV):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), path
        raw.decode("utf-8")


def test_fact_columns_are_exactly_the_agreed_ones():
    assert read_csv(FACTS_CSV)[0] == FACT_COLUMNS


def test_studio_columns_are_exactly_the_agreed_ones():
    assert read_csv(STUDIOS_CSV)[0] == STUDIO_COLUMNS


def test_every_row_has_all_fields(facts, studios):
    assert all(None not in r.values() and len(r) == len(FACT_COLUMNS) for r in facts)
    assert all(None not in r.values() and len(r) == len(STUDIO_COLUMNS) for r in studios)


def test_fact_ids_are_unique_snake_case(facts):
    ids = [r["fact_id"] for r in facts]
    assert len(ids) == len(set(ids))
    bad = [i for i in ids if not re.fullmatch(r"[a-z][a-z0-9_]*", i)]
    assert not bad


def test_number_of_facts(facts):
    # The source has 78 Arabic numerals: 25 are dates, periods or names (NOT_FIGURES, with
    # "15 分钟工会服务圈"), 53 are figures. Seven more rows are figures written in words (超千人,
    # 两届, 两次, 全额, 一半 twice: participants and winners, 四成) and one is stated in words
    # only (all 4923 Shandong rooms are digitally managed): 61 rows.
    # test_every_numeral_of_the_source_is_a_fact_or_explained checks completeness.
    assert len(facts) == 61


def test_required_text_fields(facts):
    for r in facts:
        assert r["reporter"].strip() and r["quote"].strip() and r["unit"].strip(), r["fact_id"]
        assert "万" not in r["unit"] and "亿" not in r["unit"], r["fact_id"]


# --------------------------------------------------------------------------- quotes and values
def test_every_quote_is_verbatim_in_the_source(facts, seed_text):
    missing = [r["fact_id"] for r in facts if r["quote"] not in seed_text]
    assert not missing


def test_values_are_plain_numbers(facts):
    for r in facts:
        assert re.fullmatch(r"-?\d+(\.\d+)?", r["value"]), (r["fact_id"], r["value"])
        assert math.isfinite(float(r["value"]))


def test_number_forms_helper():
    assert ("11.9", "万") in number_forms(119000.0)
    assert ("2", "亿") in number_forms(200000000.0)
    assert ("1,052", "") in number_forms(1052.0)
    assert ("202.7", "万") in number_forms(2027000.0)
    assert number_forms(29.3) == [("29.3", "")]
    assert any(p.search("服务女职工 180 余万人次") for p in value_patterns(1800000.0, "人次"))
    assert any(p.search("企业 3.8 万余家") for p in value_patterns(38000.0, "家"))
    assert not any(p.search("企业 13.8 万余家") for p in value_patterns(38000.0, "家"))
    assert not any(p.search("29.3%") for p in value_patterns(9.3, "%"))
    # figures written in words
    assert any(p.search("三孩全额支付") for p in value_patterns(100.0, "%"))
    assert any(p.search("占比均接近一半") for p in value_patterns(50.0, "%"))
    assert any(p.search("获奖者近四成为女性") for p in value_patterns(40.0, "%"))
    assert not any(p.search("获奖者近四成为女性") for p in value_patterns(50.0, "%"))
    assert any(p.search("两届大国工匠") for p in value_patterns(2.0, "届"))
    assert any(p.search("女性后备人才超千人") for p in value_patterns(1000.0, "人"))
    assert not any(p.search("女性后备人才超千人") for p in value_patterns(1000.0, "名"))


def test_every_value_is_written_in_its_quote(facts):
    ids = {r["fact_id"] for r in facts}
    assert set(VALUE_EXCEPTIONS) <= ids, "an exception names a fact that does not exist"
    unmatched = []
    for r in facts:
        found = bool(value_spans(r))
        if r["fact_id"] in VALUE_EXCEPTIONS:
            words, reason = VALUE_EXCEPTIONS[r["fact_id"]]
            assert words in r["quote"], (r["fact_id"], reason)
            assert not found, f"{r['fact_id']} matches the ordinary rule; drop its exception"
        elif not found:
            unmatched.append((r["fact_id"], r["value"], r["unit"]))
    assert not unmatched


def test_every_numeral_of_the_source_is_a_fact_or_explained(facts, seed_text):
    covered = [False] * len(seed_text)

    def mark(start: int, end: int) -> None:
        for i in range(start, end):
            covered[i] = True

    for r in facts:
        spans = value_spans(r)
        if r["fact_id"] in VALUE_EXCEPTIONS:
            words = VALUE_EXCEPTIONS[r["fact_id"]][0]
            i = r["quote"].find(words)
            spans.append((i, i + len(words)))
        for m in re.finditer(re.escape(r["quote"]), seed_text):
            for s, e in spans:
                mark(m.start() + s, m.start() + e)
    for snippet in NOT_FIGURES:
        hits = [m.span() for m in re.finditer(re.escape(snippet), seed_text)]
        assert hits, f"NOT_FIGURES entry {snippet!r} is not in the source"
        for s, e in hits:
            mark(s, e)
    loose = [(m.group(), seed_text[max(0, m.start() - 12): m.end() + 12])
             for m in re.finditer(r"\d+(?:\.\d+)?", seed_text)
             if not all(covered[m.start():m.end()])]
    assert not loose, "numerals that are neither a fact's value nor explained in NOT_FIGURES"


# --------------------------------------------------------------------------- codes and periods
def test_qualifiers(facts):
    assert {r["qualifier"] for r in facts} <= QUALIFIERS


def test_periods_are_iso_dates_in_order(facts):
    from datetime import date
    for r in facts:
        s, e = date.fromisoformat(r["period_start"]), date.fromisoformat(r["period_end"])
        assert s <= e, r["fact_id"]
        assert date(2009, 1, 1) <= s and e <= date(2024, 4, 26), r["fact_id"]


def test_indicator_codes_are_in_the_catalogue(facts):
    codes = indicator_codes()
    bad = [(r["fact_id"], r["indicator_code"]) for r in facts
           if r["indicator_code"] and r["indicator_code"] not in codes]
    assert not bad


def test_region_codes_are_known_adcodes(facts, studios):
    known = cpca_adcodes()
    for r in facts + studios:
        assert re.fullmatch(r"\d{6}", r["region_code"]), r
        if r.get("scope") == "network":   # a company's whole national network, not one region
            assert r["region_code"] == "100000", r
        else:
            assert r["region_code"] in known, r


def test_zto_figures_describe_the_whole_network_not_shanghai(facts):
    # "覆盖全网 8.7 万名女工": ZTO reports its national network; its seat (Shanghai, 310000) is not the scope.
    zto = [r for r in facts if r["reporter"] == "中通快递集团工会"]
    assert len(zto) >= 15
    assert all((r["region_code"], r["scope"], r["subject"]) == ("100000", "network", "中通快递") for r in zto)


def test_assumed_readings_are_marked(facts):
    """A period the text does not state is marked assumed; only the explicit ones are not."""
    assert {r["assumed"] for r in facts} <= {"", "period", "unit", "period;unit"}
    explicit = {r["fact_id"] for r in facts if "period" not in r["assumed"]}
    # "截至 2023 年底 …" (Chongqing) and "2023年 5 月的线上交友活动" (Heilongjiang) state their periods.
    assert explicit == {"cq_og_orgs_2023", "cq_og_members_2023"} | {
        r["fact_id"] for r in facts if r["period_start"] == "2023-05-01"}
    assert one(facts, fact_id="zto_group_insurance_cover")["assumed"] == "period;unit"  # "保额20 万": 元 implied
    # Chongqing's implementing opinion followed the ACFTU opinion of 2022; its own year is not stated.
    for fid in ("cq_opinion_parts", "cq_opinion_points"):
        r = one(facts, fact_id=fid)
        assert r["assumed"] == "period" and "2022" in r["note"]


def test_the_source_figures_written_in_words_are_facts(facts):
    # "三孩全额支付": 100 %; "女工参与和获奖人数占比均接近一半": two shares of about 50 %.
    third = one(facts, fact_id="sd_third_child_childbirth_paid_share")
    assert (float(third["value"]), third["unit"], third["region_code"]) == (100, "%", "370000")
    assert "三孩全额支付" in third["quote"]
    halves = [r for r in facts if "接近一半" in r["quote"]]
    assert {r["fact_id"] for r in halves} == {"zto_contest_participants_women_share",
                                              "zto_contest_winners_women_share"}
    assert all((float(r["value"]), r["qualifier"]) == (50, "approx") for r in halves)


def test_a_name_is_not_a_measurement(facts):
    # "15 分钟工会服务圈" names a programme; no fact reads 15 minutes from it.
    assert not [r for r in facts if "15 分钟工会服务圈" in r["quote"]]


def is_may_2023_event(r: dict[str, str]) -> bool:
    return (r["region_code"], r["period_start"], r["period_end"]) == ("230000", "2023-05-01", "2023-05-31")


def test_figures_about_a_subject_carry_no_region_indicator(facts):
    bad = [r["fact_id"] for r in facts if r["subject"] and r["indicator_code"] and not is_may_2023_event(r)]
    assert not bad


def test_one_region_figure_per_indicator_and_period(facts):
    keys = [(r["region_code"], r["indicator_code"], r["period_start"], r["period_end"])
            for r in facts if r["indicator_code"]]
    assert len(keys) == len(set(keys))


# --------------------------------------------------------------------------- hand-checked figures
def one(facts, **kw) -> dict[str, str]:
    rows = [r for r in facts if all(r[k] == v for k, v in kw.items())]
    assert len(rows) == 1, kw
    return rows[0]


FIVE = {"period_start": "2019-01-01", "period_end": "2023-12-31"}
END23 = {"period_start": "2023-12-31", "period_end": "2023-12-31"}
MAY23 = {"region_code": "230000", "period_start": "2023-05-01", "period_end": "2023-05-31"}


def test_heilongjiang_five_year_matchmaking(facts):
    # "5 年来，全省各级工会组织举办相亲交友活动 1052场，参与职工近 13万人，达成牵手意向 5585对。"
    assert float(one(facts, region_code="230000", indicator_code="mm_events", **FIVE)["value"]) == 1052
    assert float(one(facts, region_code="230000", indicator_code="mm_pairs", **FIVE)["value"]) == 5585
    part = one(facts, region_code="230000", indicator_code="mm_participants", **FIVE)
    assert (float(part["value"]), part["qualifier"]) == (130000, "approx")


def test_heilongjiang_may_2023_online_event(facts):
    # "33 名工会干部 … 为 78 家单位 588 名单身青年职工 … 86 对 … 单场活动牵手率高达 29.3%"
    got = {c: float(one(facts, indicator_code=c, **MAY23)["value"])
           for c in ("mm_matchmakers", "mm_units", "mm_participants", "mm_pairs", "mm_match_rate")}
    assert got == {"mm_matchmakers": 33, "mm_units": 78, "mm_participants": 588, "mm_pairs": 86,
                   "mm_match_rate": 29.3}
    # The catalogue's match rate is pairs * 2 / participants * 100 = 29.25 %, reported as 29.3 %.
    assert round(got["mm_pairs"] * 2 / got["mm_participants"] * 100, 1) == got["mm_match_rate"]


def test_other_hand_checked_region_figures(facts):
    # 山东: "全省“工会妈妈小屋”达 4923 家，全部实现数字化管理，1667 家公共场所小屋可在线上导航查询"
    assert float(one(facts, region_code="370000", indicator_code="mr_rooms", **END23)["value"]) == 4923
    assert float(one(facts, region_code="370000", indicator_code="mr_navigable_rooms", **END23)["value"]) == 1667
    # 山东: "全省累计开办寒暑假托管班 4254 期，覆盖职工子女 11.9 万人"
    assert float(one(facts, region_code="370000", indicator_code="cc_children")["value"]) == 119000
    # 广东: "目前已建成省级女职工创新工作室210 个"; "女技术工人 45 万人，占全省技术工人的 32%"
    assert float(one(facts, region_code="440000", indicator_code="in_studios_provincial")["value"]) == 210
    assert float(one(facts, region_code="440000", indicator_code="sk_women_tech_share")["value"]) == 32
    # 重庆: "截至 2023 年底，全市女职工组织达 40776 个，女会员 202.7 万人"
    assert float(one(facts, region_code="500000", indicator_code="og_orgs", **END23)["value"]) == 40776
    assert float(one(facts, region_code="500000", indicator_code="og_members", **END23)["value"]) == 2027000
    # 洛阳: "在全市 1200 辆公交车上设置“流动妈咪小屋”"; "5 年来，全市新建和提升母婴室 295 家"
    assert float(one(facts, region_code="410300", indicator_code="mr_mobile_rooms")["value"]) == 1200
    assert float(one(facts, region_code="410300", indicator_code="mr_new_rooms", **FIVE)["value"]) == 295


def test_one_studio_leads_figures_are_not_province_totals(facts):
    # "女职工创新工作室领衔人邓艳梅 … 参与授课 476次，培训人才 9770人次"; "王冰 … 培养 446 名"
    for value, lead in ((476, "邓艳梅"), (9770, "邓艳梅"), (446, "王冰")):
        r = one(facts, subject=lead, value=str(value))
        assert r["indicator_code"] == "" and r["region_code"] == "440000"


# --------------------------------------------------------------------------- named studios
def test_named_studios(studios, facts):
    by_id = {r["fact_id"]: r for r in facts}
    leads = [s["lead"] for s in studios]
    assert len(leads) == len(set(leads))
    for s in studios:
        assert s["lead"].strip() and s["studio_name"].strip(), s
        assert s["level"] in LEVELS, s
        for fid in filter(None, s["fact_ids"].split(";")):
            assert fid in by_id, (s["lead"], fid)
            assert by_id[fid]["subject"] == s["lead"], (s["lead"], fid)
    # Every fact about a named lead is linked from that lead's row.
    linked = {f for s in studios for f in s["fact_ids"].split(";") if f}
    about_leads = {r["fact_id"] for r in facts if r["subject"] in set(leads)}
    assert about_leads == linked


def test_named_studios_cover_the_leads_in_the_source(studios, seed_text):
    for s in studios:
        assert s["lead"] in seed_text, s["lead"]
        if s["employer"]:
            assert s["employer"] in seed_text, s["employer"]
