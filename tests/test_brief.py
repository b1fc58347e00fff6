"""Briefings: the PPTX read back with python-pptx and the PDF with pypdf's text extraction carry the
page's numbers (worked out by hand from conftest.make_tiny), Chinese text, embedded fonts, and
demo figures marked as demo; the CLI refuses bad input without writing anything."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest
from pptx import Presentation

from jinguo.__main__ import main
from jinguo.brief import compose
from jinguo.store import db
from jinguo.views import model
from jinguo.views.state import Filters

HAS_CHROMIUM = Path("/usr/bin/chromium").is_file() or shutil.which("chromium") is not None
SHANDONG = Filters(("370000",), 2022, 2023, all_provinces=False)
PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f1f3c80000000049454e44ae426082")


def stub_pictures(figures):
    """A 1-pixel PNG per chart, for tests about text (the rendering has its own test)."""
    return [PNG_1PX for _ in figures]


class StubBrowser:
    def pngs(self, figures):
        return stub_pictures(figures)

    def close(self):
        pass


def pptx_slides(data: bytes) -> list[str]:
    """Each slide's text: text frames and table cells, in order."""
    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        bits = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                bits.append(shape.text_frame.text)
            if shape.has_table:
                bits += [" | ".join(c.text for c in row.cells) for row in shape.table.rows]
        out.append("\n".join(bits))
    return out


def pdf_pages(data: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def tiny_q(tiny_db):
    con = db.connect(tiny_db)
    yield model.runner(con)
    con.close()


@pytest.fixture(scope="module")
def overview_files(tiny_q):
    """Shandong's overview, 2022-2023, in Chinese, charts rendered by kaleido in Chromium."""
    if not HAS_CHROMIUM:
        pytest.skip("chromium not installed (make system-deps)")
    return {k: compose.build(tiny_q, "overview", SHANDONG, "zh", k) for k in compose.FORMATS}


def test_overview_pptx_has_shandongs_numbers_pictures_and_sources(overview_files):
    """乙 (a stock) in Shandong at the end of 2023 is 120 + 60 = 180, up 20 % on 150, first of two
    provinces, 180 / 225 = 80 % of the nation; 甲 (a flow) in 2023 is 20 + 5 = 25, up 66.7 % on 15."""
    data = overview_files["pptx"]
    slides = pptx_slides(data)
    assert "山东省" in slides[0] and "2022–2023" in slides[0]
    kpis = slides[1]
    assert "乙 | 180个 | +20.0% | 演示" in kpis and "甲 | 25个 | +66.7% | 演示" in kpis
    assert "演示数据" in kpis                               # demo marked on the slide itself
    pictures = [s for s in Presentation(io.BytesIO(data)).slides
                if any(sh.shape_type == 13 for sh in s.shapes)]  # 13: picture
    assert len(pictures) == 3                               # map, top provinces, trend
    summary = next(s for s in slides if s.startswith("摘要"))
    assert "山东省2023年末乙180个（演示），居全国第1位（2个省份中），较上年增长20.0%，占全国的80.0%。" in summary
    assert "山东省2023年甲25个（演示），居全国第2位（2个省份中），较上年增长66.7%，占全国的29.4%。" in summary
    assert "山东省总工会报告（2023-12-31）：“全省乙达到180个。”" in summary
    sources = slides[-1]
    assert "sd_b" in sources and "180个（报告）" in sources and "全省乙达到180个。" in sources


def test_overview_pdf_has_the_same_numbers_chinese_text_and_embedded_fonts(overview_files):
    data = overview_files["pdf"]
    text = "\n".join(pdf_pages(data))
    for expected in ("主要指标", "180个", "+20.0%", "25个", "+66.7%", "居全国第1位", "占全国的80.0%",
                     "演示数据", "全省乙达到180个。"):
        assert expected in text, expected
    reader = pypdf.PdfReader(io.BytesIO(data))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in [font.get("/FontDescriptor")] + [d.get_object().get("/FontDescriptor")
                                                         for d in font.get("/DescendantFonts", [])]:
                if desc is not None:
                    embedded |= {k for k in ("/FontFile2", "/FontFile3") if k in desc.get_object()}
    assert embedded, "no embedded font program"
    assert len(reader.pages) == 7      # title, KPIs, 3 charts, summary, sources


def test_matchmaking_briefing_has_the_pages_totals_and_its_table(tiny_q):
    """Shandong 2023: events e1 + e2 = 2, 100 + 300 participants, 10 + 60 pairs, 2 x 70 / 400 = 35 %."""
    slides = pptx_slides(compose.build(tiny_q, "matchmaking", SHANDONG, "zh", "pptx", pictures=stub_pictures))
    kpis = slides[1]
    for row in ("活动场次 | 2 |", "参与职工 | 400 |", "牵手对数 | 70 |", "牵手率 | 35.0% |"):
        assert row in kpis
    table = next(s for s in slides if s.startswith("各省份"))
    assert "370000 | 山东 | 2 | 400 | 70 | 35.0 | 演示" in table


def test_mother_room_briefing_counts_rooms_and_coverage(tiny_q):
    """Shandong has r1 (public, digital, navigable), r2 (internal workplace room, digital), r3 (a bus)."""
    slides = pptx_slides(compose.build(tiny_q, "mother_rooms", SHANDONG, "zh", "pptx", pictures=stub_pictures))
    kpis = slides[1]
    assert "小屋数 | 3家 | — | 报告+演示" in kpis and "数字化管理 | 2家" in kpis and "可线上导航 | 1家" in kpis
    cover = next(s for s in slides if "覆盖情况" in s.splitlines()[0])
    assert "历下区 | 济南 | 2 |" in cover and "市南区 | 青岛 | 0 |" in cover


def test_studio_briefing_in_english(tiny_q):
    """Studios founded by 2023 in Shandong: s1 (provincial) and s2 (national); the list names both."""
    slides = pptx_slides(compose.build(tiny_q, "studios", SHANDONG, "en", "pptx", pictures=stub_pictures))
    assert slides[0].startswith("Innovation studios briefing")
    kpis = slides[1]
    assert "Studios in all | 2 |" in kpis and "National | 1 |" in kpis and "Provincial | 1 |" in kpis
    assert "Demo data" in kpis
    listing = next(s for s in slides if s.startswith("Studios\n"))
    assert "Reported | 乙工作室 | 王二 | 乙电 | Shandong | National | 电力 | 2023 | 10 | 100" in listing and "甲工作室 | 李一" in listing


def test_national_summary_names_the_province_with_the_most(tiny_q):
    nat = Filters(("110000", "370000"), 2022, 2023)
    slides = pptx_slides(compose.build(tiny_q, "explorer", nat, "en", "pptx", pictures=stub_pictures,
                                     ind="flow_a", view="table"))
    summary = next(s for s in slides if s.startswith("Summary"))
    # flow_a 2023: 85 nationally, up from 45 (+88.9 %); Beijing has the most, 60
    assert "National: A 85 items in 2023 (Demo), up 88.9% on the year before, most in Beijing, 60 items (Demo)." \
        in summary


@pytest.mark.parametrize("args, message", [
    (["--province", "99"], "省份代码“99”无效"),
    (["--years", "2010-2023"], "年份“2010-2023”无效"),
    (["--page", "nope"], "页面“nope”无效"),
])
def test_cli_refuses_bad_input_in_chinese_then_english_and_writes_nothing(tiny_db, tmp_path, capsys, args,
                                                                         message):
    out = tmp_path / "b.pdf"
    assert main(["brief", "--db", str(tiny_db), "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err.splitlines()[0] and "not valid" in err.splitlines()[1]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_refuses_an_unknown_extension(tiny_db, tmp_path, capsys):
    assert main(["brief", "--db", str(tiny_db), "--out", str(tmp_path / "b.docx")]) == 2
    assert "扩展名无效" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_a_pdf_with_the_province_numbers(tiny_db, tmp_path, monkeypatch):
    monkeypatch.setattr("jinguo.brief.render.Browser", StubBrowser)
    out = tmp_path / "sd.pdf"
    assert main(["brief", "--db", str(tiny_db), "--province", "370000", "--years", "2022-2023",
                 "--page", "matchmaking", "--out", str(out)]) == 0
    text = "\n".join(pdf_pages(out.read_bytes()))
    assert "山东省" in text and "35.0%" in text and "400" in text
