"""Slides to PPTX with python-pptx: 16:9, one slide per :class:`~jinguo.brief.Slide`, text in a CJK
face (East Asian runs get their own typeface), demo slides stamped on the slide."""

from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from jinguo.text import i18n

FONT = "Microsoft YaHei"        # what leaders' Windows machines have; LibreOffice maps it to WenQuanYi
PINK = RGBColor(0xC2, 0x18, 0x5B)
GREY = RGBColor(0x55, 0x55, 0x55)


def _font(run, size: int, bold: bool = False, colour: RGBColor | None = None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = rpr.makeelement(qn(tag), {})
            rpr.append(el)
        el.set("typeface", FONT)
    if colour is not None:
        run.font.color.rgb = colour


def _text(slide, left, top, width, height, lines: list[str], size: int, bold: bool = False,
          colour: RGBColor | None = None) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.space_after = Pt(6)
        _font(_run(p, line), size, bold, colour)


def _run(p, text: str):
    r = p.add_run()
    r.text = text
    return r


def _stamp(slide, s, lang: str, width) -> None:
    bits = []
    if s.origin:
        bits.append(i18n.t("brief.origin_line", lang, origins=s.origin))
    if s.demo:
        bits.append(i18n.t("brief.demo_stamp", lang))
    if bits:
        _text(slide, Inches(0.5), Inches(6.85), width - Inches(1), Inches(0.5), ["  ·  ".join(bits)], 12,
              bold=s.demo, colour=PINK if s.demo else GREY)


def write(slides, lang: str) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    W = prs.slide_width
    for s in slides:
        slide = prs.slides.add_slide(blank)
        if s.kind == "title":
            _text(slide, Inches(0.8), Inches(2.2), W - Inches(1.6), Inches(1.2), [s.title], 36, True, PINK)
            _text(slide, Inches(0.8), Inches(3.6), W - Inches(1.6), Inches(2.5), s.lines, 18, colour=GREY)
            continue
        _text(slide, Inches(0.5), Inches(0.3), W - Inches(1), Inches(0.8), [s.title], 26, True, PINK)
        if s.kind == "chart" and s.image:
            pic = slide.shapes.add_picture(io.BytesIO(s.image), Inches(0.9), Inches(1.2), height=Inches(5.5))
            pic.left = Emu(int((W - pic.width) / 2))
        elif s.kind in ("kpis", "table") and s.headers:
            n_rows, n_cols = len(s.rows) + 1, len(s.headers)
            height = Inches(min(5.4, 0.36 * n_rows))
            shape = slide.shapes.add_table(n_rows, n_cols, Inches(0.5), Inches(1.2), W - Inches(1), height)
            size = 16 if s.kind == "kpis" else (11 if n_cols <= 7 else 9)
            for j, h in enumerate(s.headers):
                c = shape.table.cell(0, j)
                c.text = ""
                _font(_run(c.text_frame.paragraphs[0], h), size, True)
            for i, row in enumerate(s.rows, start=1):
                for j, value in enumerate(row):
                    c = shape.table.cell(i, j)
                    c.text = ""
                    _font(_run(c.text_frame.paragraphs[0], value), size)
            if s.note:
                _text(slide, Inches(0.5), Inches(6.5), W - Inches(1), Inches(0.4), [s.note], 11, colour=GREY)
        else:
            size = 16 if sum(len(x) for x in s.lines) < 600 else 12
            _text(slide, Inches(0.6), Inches(1.2), W - Inches(1.2), Inches(5.5), s.lines, size)
        _stamp(slide, s, lang, W)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
