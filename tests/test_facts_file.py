"""data/reported_facts.csv against the source document: every quote verbatim, every value in its quote."""

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "source" / "000_635ee0eaa2035469.txt"   # a committed copy of ../shared/seed
SHARED_SEED = ROOT.parent / "shared" / "seed" / "000_635ee0eaa2035469.txt"
FACTS = list(csv.DictReader((ROOT / "data" / "reported_facts.csv").open(encoding="utf-8")))
CODES = {r["code"] for r in csv.DictReader((ROOT / "data" / "indicators.csv").open(encoding="utf-8"))}
# Figures written in Chinese numerals or words; each read by hand from its quote.
WORDED = {
    "gd_craftsmen_fairs": "两届",          # two editions
    "zto_women_talent_pool": "超千人",      # more than a thousand
    "zto_contest_women_share": "接近一半",  # close to half
    "zto_awards_per_year": "每年两次",      # twice a year
    "zto_award_winners_women_share": "近四成",  # close to 40 %
}


def renderings(value: float) -> list[str]:
    """Patterns for how a base-unit value can be written: 119000 -> 11.9万, 1800000 -> 180余万, 2e8 -> 2亿."""
    out = [re.escape(f"{int(value)}" if value == int(value) else f"{value:g}") + r"(?![\d.])"]
    for unit, div in (("万", 1e4), ("亿", 1e8)):
        if value >= div:
            out.append(r"(?<![\d.])" + re.escape(f"{value / div:g}") + r"(余|多)?" + unit)
    return out


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8").replace("\n", "")


def test_committed_source_is_the_shared_seed():
    if not SHARED_SEED.exists():
        pytest.skip(f"no shared seed at {SHARED_SEED} to compare with (only in the developers' workspace)")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_every_quote_is_verbatim_in_the_source(seed_text):
    missing = [f["fact_id"] for f in FACTS if f["quote"] not in seed_text]
    assert missing == []


def test_every_value_is_written_in_its_quote():
    for f in FACTS:
        quote = re.sub(r"\s+", "", f["quote"])
        if f["fact_id"] in WORDED:
            assert WORDED[f["fact_id"]] in quote, f["fact_id"]
            continue
        value = float(f["value"])
        assert any(re.search(p, quote) for p in renderings(value)), (f["fact_id"], f["value"], renderings(value))


def test_qualifier_matches_the_wording():
    for f in FACTS:
        quote = re.sub(r"\s+", "", f["quote"])
        if f["qualifier"] == "approx":
            assert re.search(r"近|约|接近", quote), f["fact_id"]
        if f["qualifier"] == "at_least":
            assert re.search(r"余|超|以上|多", quote), f["fact_id"]


def test_columns_ids_periods_codes():
    assert list(FACTS[0].keys()) == ["fact_id", "reporter", "region_code", "indicator_code", "period_start",
                                     "period_end", "value", "unit", "qualifier", "quote", "subject", "note"]
    ids = [f["fact_id"] for f in FACTS]
    assert len(ids) == len(set(ids))
    for f in FACTS:
        assert pd.Timestamp(f["period_start"]) <= pd.Timestamp(f["period_end"]), f["fact_id"]
        assert f["indicator_code"] == "" or f["indicator_code"] in CODES, f["fact_id"]
        assert re.fullmatch(r"\d{6}", f["region_code"]), f["fact_id"]


def test_figures_about_one_person_or_company_carry_no_region_indicator():
    for f in FACTS:
        if f["subject"] and not f["fact_id"].startswith("hlj_may2023_"):
            assert f["indicator_code"] == "", f["fact_id"]


def test_hand_read_spot_values():
    by_id = {f["fact_id"]: f for f in FACTS}
    expect = {  # read from the source by hand
        "hlj_mm_events_2019_2023": ("1052", "exact"), "hlj_mm_participants_2019_2023": ("130000", "approx"),
        "hlj_may2023_match_rate": ("29.3", "exact"), "sd_mr_rooms_2023": ("4923", "exact"),
        "sd_rt_special_contracts_2023": ("38000", "at_least"), "cq_og_members_2023": ("2027000", "exact"),
        "zto_care_fund": ("200000000", "exact"), "ly_mr_services_2019_2023": ("1800000", "at_least"),
    }
    for fid, (value, qual) in expect.items():
        assert (by_id[fid]["value"], by_id[fid]["qualifier"]) == (value, qual), fid
    assert by_id["zto_care_fund"]["region_code"] == "310000"  # ZTO's headquarters: Shanghai
