"""Every page in both languages, in Chromium: no exception box, no console error, charts drawn,
the map's canvas not blank, Chinese as real glyphs."""

import io
import subprocess

import pytest

from jinguo.text import i18n
from jinguo.web.pages import PAGES
from tests.browser.conftest import settle, shot, sign_in


def nav_to(page, key, lang):
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=i18n.t(f"nav.{key}", lang), exact=True).click()
    page.wait_for_timeout(500)
    settle(page)


def canvas_has_drawing(page) -> bool:
    """Some pixels of the deck.gl canvas differ from its blank background."""
    from PIL import Image

    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    img = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    colours = img.getcolors(maxcolors=1_000_000) or []
    return len(colours) > 20


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_cleanly(page, server, console, lang):
    page.goto(server.url + ("/?lang=en" if lang == "en" else "/"))
    settle(page)
    sign_in(page, "admin")
    for spec in PAGES:
        nav_to(page, spec.key, lang)
        assert page.locator('[data-testid="stException"]').count() == 0, spec.key
        plots = page.locator(".js-plotly-plot")
        if plots.count():
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15_000)
            assert page.locator(".js-plotly-plot .main-svg path, .js-plotly-plot .main-svg rect").count() > 0
        if page.locator('[data-testid="stDeckGlJsonChart"]').count():
            page.wait_for_timeout(1500)
            assert canvas_has_drawing(page), f"{spec.key}: blank map canvas"
        shot(page, f"{spec.key}_{lang}")
    assert console == [], console


def test_chinese_renders_as_glyphs_not_boxes(page, server):
    assert subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip(), \
        "no CJK font: apt-get install -y fonts-wqy-microhei"
    page.goto(server.url)
    settle(page)
    # Two different Chinese strings of equal length render at different widths only with a real font;
    # missing glyphs all draw as the same box.
    widths = page.evaluate("""() => {
        const c = document.createElement('canvas').getContext('2d');
        c.font = '20px sans-serif';
        return [c.measureText('妈咪小屋').width, c.measureText('一二三四').width, c.measureText('\\u{10FFFD}'.repeat(4)).width];
    }""")
    assert widths[0] != widths[2] and widths[1] != widths[2]
    title = page.locator("h1").first.inner_text()
    assert title == "妈咪小屋地图"
    shot(page, "glyphs")


def test_table_toolbars_offer_no_download_that_skips_the_audit(page, server):
    """`client.disableDataExport`: a table's own toolbar keeps search and full screen but has no "Download
    as CSV" (it would skip the neutralising writer and the extract audit); the audited buttons remain."""
    page.goto(server.url + "/mother-rooms")
    settle(page)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for(timeout=30_000)
    table.hover()
    toolbar = page.locator('[data-testid="stElementContainer"]:has([data-testid="stDataFrame"]) '
                           '[data-testid="stElementToolbar"]').first
    toolbar.locator("button").first.wait_for(timeout=10_000)
    labels = [b.get_attribute("aria-label") or b.inner_text() for b in toolbar.locator("button").all()]
    assert "Search" in labels and "Fullscreen" in labels, labels        # the table's toolbar, read
    assert not any("Download" in x for x in labels), labels
    assert page.get_by_role("button", name="下载 CSV").count() >= 1   # the audited download stays
