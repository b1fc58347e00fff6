"""The public finder's light pages on phone screens (360 and 390 px) in Chromium: a typed place, the phone's
location granted and refused, JavaScript off, a room's page and its QR code (decoded), English, and hostile
room names shown as text with no request leaving for another host. One finder worker for the module."""

from __future__ import annotations

import io
import urllib.parse

import pytest

from jinguo.geo import coords
from tests.finder_util import HOSTILE_NAME, XIGONG, Worker, by_hand, centroid, hostile_copy

PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
            "Mobile Safari/537.36")
XIGONG_WGS84 = {"longitude": 112.4310, "latitude": 34.6717}   # a phone's fix (WGS-84) in Xigong
WIDTHS = [360, 390]


@pytest.fixture(scope="module")
def db(e2e_files, tmp_path_factory):
    return hostile_copy(e2e_files[0], tmp_path_factory.mktemp("finder-browser") / "f.duckdb")


@pytest.fixture(scope="module")
def worker(db, tmp_path_factory):
    w = Worker(db, tmp_path_factory.mktemp("finder-browser-log") / "worker.log")
    yield w
    w.stop()


def phone(browser, width, **kw):
    """A phone's browser context; every request it makes and every console error is recorded."""
    ctx = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True, has_touch=True,
                              device_scale_factor=2, user_agent=PHONE_UA, locale=kw.pop("locale", "zh-CN"), **kw)
    ctx.requests, ctx.errors = [], []
    ctx.on("request", lambda r: ctx.requests.append(r.url))
    ctx.on("console", lambda m: ctx.errors.append(m.text) if m.type == "error" else None)
    ctx.on("weberror", lambda e: ctx.errors.append(str(e.error)))
    return ctx


def first_card(page):
    card = page.locator("article.card").first
    card.wait_for(timeout=30_000)
    return card


def hosts(ctx) -> set[str]:
    return {urllib.parse.urlsplit(u).netloc for u in ctx.requests if not u.startswith("data:")}


@pytest.mark.parametrize("width", WIDTHS)
def test_a_typed_place_finds_the_nearest_room_with_navigation_on_the_first_screen(browser, worker, db, width):
    """Typing 河南省洛阳市西工区, choosing "all (closed too)" and tapping 查找: the first card is the room a scan
    by hand finds nearest Xigong's centre, and its 高德导航 link is on the first screen."""
    ctx = phone(browser, width)
    page = ctx.new_page()
    page.goto(worker.url + "/find")
    page.get_by_label("地址或“经度,纬度”").fill("河南省洛阳市西工区")
    page.locator("summary").click()
    page.locator('select[name="open"]').select_option("0")
    page.get_by_role("button", name="查找").click()
    card = first_card(page)
    want = by_hand(db, *centroid(db, "410303"))
    assert card.locator("h3").inner_text() == dict(_names(db))[want[0][0]]
    nav = card.get_by_role("link", name="高德导航")
    box = nav.bounding_box()
    assert box and box["y"] + box["height"] <= 740 and box["height"] >= 44 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width      # nothing wider than the phone
    assert hosts(ctx) == {urllib.parse.urlsplit(worker.url).netloc} and ctx.errors == []
    ctx.close()


def _names(db):
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("select room_id, name from mother_room").fetchall()
    con.close()
    return rows


@pytest.mark.parametrize("width", WIDTHS)
def test_my_location_granted_ranks_from_the_phones_fix(browser, worker, db, width):
    """使用我的位置 with the permission granted: the same page with lon/lat (WGS-84) and the form's filters; the
    first card is the room nearest the fix converted to GCJ-02, worked out by hand."""
    ctx = phone(browser, width, geolocation=XIGONG_WGS84, permissions=["geolocation"])
    page = ctx.new_page()
    page.goto(worker.url + "/find")
    page.locator("summary").click()
    page.locator('select[name="open"]').select_option("0")
    page.get_by_role("button", name="使用我的位置").click()
    page.wait_for_url("**/find?*lon=*", timeout=30_000)
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert q["crs"] == ["wgs84"] and q["open"] == ["0"] and q["geo"] == ["1"]
    assert float(q["lon"][0]) == pytest.approx(XIGONG_WGS84["longitude"], abs=1e-6)
    card = first_card(page)
    glon, glat = coords.wgs84_to_gcj02(XIGONG_WGS84["longitude"], XIGONG_WGS84["latitude"])
    assert card.locator("h3").inner_text() == dict(_names(db))[by_hand(db, glon, glat)[0][0]]
    assert page.get_by_text("已按您的位置查找。").is_visible()
    assert ctx.errors == []
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_my_location_refused_says_so_and_keeps_the_address_box(browser, worker, width):
    """Without the permission the button says, in Chinese, that no permission was given; the page stays, and
    typing an address still answers."""
    ctx = phone(browser, width, permissions=[])
    page = ctx.new_page()
    page.goto(worker.url + "/find")
    page.get_by_role("button", name="使用我的位置").click()
    page.get_by_text("没有获得位置权限").wait_for(timeout=30_000)
    assert page.url == worker.url + "/find"
    box = page.get_by_label("地址或“经度,纬度”")
    box.fill("洛阳市西工区")
    box.press("Enter")
    first_card(page)
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_without_javascript_the_form_answers_and_the_location_button_is_not_offered(browser, worker, width):
    ctx = phone(browser, width, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(worker.url + "/find")
    assert not page.get_by_role("button", name="使用我的位置").is_visible()
    box = page.get_by_label("地址或“经度,纬度”")
    box.fill("洛阳市西工区")
    page.get_by_role("button", name="查找").click()
    card = first_card(page)
    assert card.get_by_role("link", name="高德导航").is_visible()
    card.get_by_role("link", name="详情").click()
    page.locator(".qr svg").wait_for(timeout=30_000)
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_rooms_page_carries_a_qr_code_of_its_own_lasting_address(browser, worker, width):
    """/find/room/ID for the id with / ? # and a space: the QR code, photographed and decoded by zbar, is this
    page's address; the page shows the room and its navigation."""
    pyzbar = pytest.importorskip("pyzbar.pyzbar", reason="QR decoding needs libzbar0 (make system-deps)")
    from PIL import Image

    ctx = phone(browser, width)
    page = ctx.new_page()
    path = "/find/room/" + urllib.parse.quote("RX/3 ?#", safe="")
    page.goto(worker.url + path)
    assert page.locator("h2").first.inner_text() == "编号带斜杠的小屋"
    assert page.get_by_role("link", name="高德导航").is_visible()
    png = page.locator(".qr svg").screenshot()
    decoded = pyzbar.decode(Image.open(io.BytesIO(png)))
    assert [d.data.decode() for d in decoded] == [worker.url + path]
    assert ctx.errors == []
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_in_english(browser, worker, width):
    """A browser that prefers English gets the page in English; the switch goes to Chinese and back."""
    ctx = phone(browser, width, locale="en-US")
    page = ctx.new_page()
    page.goto(worker.url + f"/find?lon={XIGONG[0]}&lat={XIGONG[1]}")
    assert first_card(page).get_by_role("link", name="Navigate (Amap)").is_visible()
    assert page.get_by_role("button", name="Use my location").is_visible()
    page.get_by_role("link", name="中文 · Chinese").click()
    first_card(page).get_by_role("link", name="高德导航").wait_for()
    assert "lang=zh" in page.url
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_hostile_room_names_are_text_and_nothing_leaves_for_another_host(browser, worker, width):
    """A room named with a script, an image and a Markdown link shows those characters as its name: no alert,
    no image fetched, no link made of it; the page and the room's page request nothing from another host."""
    ctx = phone(browser, width)
    page = ctx.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(worker.url + f"/find?lon={XIGONG[0]}&lat={XIGONG[1]}&open=0")
    card = page.locator("article.card", has_text="alert(1)")
    assert card.locator("h3").inner_text() == HOSTILE_NAME
    assert card.locator("img").count() == 0
    links = {urllib.parse.urlsplit(h).netloc for h in card.locator("a").evaluate_all("els => els.map(e => e.href)")}
    assert links == {"uri.amap.com", "api.map.baidu.com", urllib.parse.urlsplit(worker.url).netloc}
    card.get_by_role("link", name="详情").click()
    page.locator(".qr svg").wait_for(timeout=30_000)
    assert page.locator("h2").first.inner_text() == HOSTILE_NAME
    page.wait_for_load_state("networkidle")
    assert dialogs == [] and hosts(ctx) == {urllib.parse.urlsplit(worker.url).netloc}
    assert ctx.errors == []
    ctx.close()
