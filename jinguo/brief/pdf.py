"""Slides to PDF with fpdf2: A4 landscape, one page per slide, a CJK TrueType font embedded (subset)."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from jinguo.text import i18n

CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
PINK = (194, 24, 91)
GREY = (85, 85, 85)


class FontMissing(RuntimeError):
    key = "brief.err_font"
    kw: dict = {}


def cjk_font() -> str:
    """A CJK font file: ``$JINGUO_CJK_FONT``, fonts-wqy-microhei, Noto CJK, or what fontconfig offers for zh."""
    for p in (os.environ.get("JINGUO_CJK_FONT"), *CANDIDATES):
        if p and Path(p).is_file():
            return p
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh"], capture_output=True, text=True,
                               timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found and Path(found).suffix.lower() in (".ttf", ".ttc", ".otf", ".otc") and Path(found).is_file():
        return found
    raise FontMissing("no CJK font")


def write(slides, lang: str) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font("cjk", "", cjk_font())
    pdf.set_title(slides[0].title if slides else "")
    pdf.set_creator("jinguo")
    W = pdf.w - 2 * pdf.l_margin
    for s in slides:
        pdf.add_page()
        if s.kind == "title":
            pdf.set_y(60)
            pdf.set_font("cjk", size=28)
            pdf.set_text_color(*PINK)
            pdf.multi_cell(W, 14, s.title)
            pdf.ln(6)
            pdf.set_font("cjk", size=14)
            pdf.set_text_color(*GREY)
            for line in s.lines:
                pdf.multi_cell(W, 8, line)
            continue
        pdf.set_font("cjk", size=18)
        pdf.set_text_color(*PINK)
        pdf.multi_cell(W, 10, s.title)
        pdf.ln(2)
        pdf.set_text_color(0, 0, 0)
        if s.kind == "chart" and s.image:
            h = 140
            w = h * 1200 / 640
            pdf.image(io.BytesIO(s.image), x=(pdf.w - w) / 2, h=h, w=w)
        elif s.kind in ("kpis", "table") and s.headers:
            size = 12 if s.kind == "kpis" else (9 if len(s.headers) <= 7 else 7)
            pdf.set_font("cjk", size=size)
            with pdf.table(headings_style=FontFace(emphasis=None, fill_color=(248, 225, 236)),
                           line_height=size * 0.6, text_align="LEFT") as table:
                table.row(s.headers)
                for r in s.rows:
                    table.row(r)
            if s.note:
                pdf.set_font("cjk", size=9)
                pdf.set_text_color(*GREY)
                pdf.multi_cell(W, 6, s.note)
        else:
            pdf.set_font("cjk", size=12 if sum(len(x) for x in s.lines) < 900 else 10)
            for line in s.lines:
                pdf.multi_cell(W, 7, line)
                pdf.ln(2)
        bits = []
        if s.origin:
            bits.append(i18n.t("brief.origin_line", lang, origins=s.origin))
        if s.demo:
            bits.append(i18n.t("brief.demo_stamp", lang))
        if bits:
            pdf.set_font("cjk", size=10)
            pdf.set_text_color(*(PINK if s.demo else GREY))
            pdf.multi_cell(W, 6, "  ·  ".join(bits))
            pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())
