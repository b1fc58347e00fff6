"""生成汇报材料 in the browser: the overview's buttons download a PPTX and a PDF of that view, whose
headline figures are the ones the page shows, and each download is in the audit log."""

from __future__ import annotations

import io
import json
import sqlite3

import pypdf
from pptx import Presentation

from tests.browser.conftest import PASSWORD, settle


def _metrics(page) -> dict[str, str]:
    out = {}
    for m in page.locator('[data-testid="stMetric"]').all():
        label = m.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = m.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def _sign_in(page, name: str) -> None:
    """Sign in from the sidebar form and wait (up to 30 s on a busy machine) until it says so."""
    side = page.locator('[data-testid="stSidebar"]')
    side.get_by_text("登录", exact=True).first.click()
    side.get_by_role("textbox", name="账号").fill(name)
    pw = side.get_by_role("textbox", name="密码")
    pw.fill(PASSWORD)
    pw.press("Enter")
    side.get_by_text(name).first.wait_for(timeout=30_000)
    settle(page)


def test_briefing_buttons_download_the_pptx_and_pdf_of_the_view(page, server, e2e_files):
    page.goto(server.url + "/?prov=370000&years=2019-2023")
    settle(page)
    _sign_in(page, "nat")
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="总览", exact=True).click()
    page.get_by_role("button", name="生成汇报材料（PDF）").wait_for(timeout=60_000)   # the page's last element
    settle(page)
    shown = _metrics(page)
    assert len(shown) >= 4
    files = {}
    for kind in ("PPTX", "PDF"):
        button = page.get_by_role("button", name=f"生成汇报材料（{kind}）")
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=120_000) as d:
            button.click()
        files[kind] = open(d.value.path(), "rb").read()
        assert d.value.suggested_filename.endswith("." + kind.lower())
    slides = Presentation(io.BytesIO(files["PPTX"])).slides
    kpi_rows = {}
    for shape in list(slides)[1].shapes:
        if shape.has_table:
            for row in list(shape.table.rows)[1:]:
                cells = [c.text for c in row.cells]
                kpi_rows[cells[0]] = cells[1]
    assert "山东省" in "".join(s.text_frame.text for s in list(slides)[0].shapes if s.has_text_frame)
    assert kpi_rows == shown                      # every headline figure as the page shows it
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(files["PDF"])).pages)
    assert all(value in text for value in shown.values()) and "居全国第" in text
    con = sqlite3.connect(str(e2e_files[1]))
    audited = [json.loads(d) for (d,) in con.execute(
        "select detail from audit_log where action = 'extract' and user_name = 'nat' order by id desc limit 2")]
    con.close()
    assert {a["format"] for a in audited} == {"pptx", "pdf"}
    assert all(a["what"] == "briefing_overview" and a["provinces"] == "370000" for a in audited)
