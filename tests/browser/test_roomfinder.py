"""The room finder on a phone (390×844, touch) in Chromium: the answer on the first screen, by a typed
address and by the phone's location; refused location; buses apart; a room's own URL; room names from a
file shown as text (no links, no remote images)."""

from __future__ import annotations

import math
import shutil
import urllib.parse

import duckdb
import pytest

from jinguo.geo import coords
from tests.browser.conftest import Server
from tools.bench_phone import PHONE_UA

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2,
         "locale": "zh-CN", "user_agent": PHONE_UA}
EVIL = "[x](http://evil) ![](http://evil/i.png) <img src=x>"
EVIL_AT = (112.2001, 34.8001)   # GCJ-02, in Luoyang's Mengjin, kilometres from any demo room


def hav(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def finder(e2e_files, tmp_path_factory):
    """A server on a copy of the e2e database with one room whose name is markdown/HTML from a file."""
    d = tmp_path_factory.mktemp("finder")
    db, accounts = d / "db.duckdb", d / "accounts.db"
    shutil.copyfile(e2e_files[0], db)
    shutil.copyfile(e2e_files[1], accounts)
    con = duckdb.connect(str(db))
    con.execute("""insert into mother_room values ('EVIL1', ?, '410000', '410300', '410322', ?, ?, ?, 'gcj02',
                   'public', true, true, false, true, true, true, null, null, '1234567', '2024-01-01', true, true,
                   false, null, 'imported', null)""", [EVIL, EVIL, *EVIL_AT])
    con.close()
    s = Server(db, accounts)
    yield s, db
    s.stop()


def rows(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def nearest_fixed(db, lon, lat):
    """The public's nearest fixed room, worked out here in Python from every row (not by the app's SQL)."""
    cands = rows(db, "select name, lon, lat from mother_room where not internal and kind <> 'mobile_bus'")
    return min(cands, key=lambda r: hav(lon, lat, r[1], r[2]))[0]


def wait_answer(page, timeout=60_000):
    link = page.get_by_role("link", name="高德导航").first
    link.wait_for(timeout=timeout)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)
    return link


def first_card_name(page) -> str:
    card = page.locator(".st-key-mr_card_0")
    return card.locator("strong").first.inner_text()


def on_first_screen(box) -> bool:
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844 and box["x"] + box["width"] <= 390


def test_typed_address_puts_the_nearest_room_on_the_first_screen(finder, browser):
    s, db = finder
    lon, lat = rows(db, "select lon, lat from region where adcode = '410303'")[0]
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    page.goto(s.url + "/mother-rooms?mr_open=0&mr_near=" + urllib.parse.quote("河南省洛阳市西工区"))
    link = wait_answer(page)
    assert on_first_screen(link.bounding_box())
    assert first_card_name(page) == nearest_fixed(db, lon, lat)
    # the nearest fixed list holds no bus; buses are listed apart, as mobile
    fixed = page.locator('[class*="st-key-mr_card_"]')
    assert fixed.count() == 5 and "流动妈咪小屋" not in "".join(fixed.all_inner_texts())
    assert page.get_by_text("附近的流动妈咪小屋").count() == 1
    ctx.close()


def test_my_location_granted_finds_the_room_where_i_stand(finder, browser):
    s, db = finder
    # a room open around the clock (a hospital's), so "open now" holds at any hour the test runs
    name, glon, glat = rows(db, "select name, lon, lat from mother_room where kind = 'public' and open_time is null "
                                "and city_code = '410300' order by room_id limit 1")[0]
    wlon, wlat = coords.gcj02_to_wgs84(glon, glat)          # the phone reports WGS-84
    ctx = browser.new_context(**PHONE, permissions=["geolocation"],
                              geolocation={"longitude": float(wlon), "latitude": float(wlat), "accuracy": 20})
    page = ctx.new_page()
    page.goto(s.url + "/mother-rooms")
    page.get_by_role("button", name="使用我的位置").click()
    link = wait_answer(page)
    assert first_card_name(page) == name
    assert on_first_screen(link.bounding_box())
    ctx.close()


def test_my_location_refused_says_so_and_keeps_the_address_box(finder, browser):
    s, _ = finder
    ctx = browser.new_context(**PHONE)          # no geolocation permission granted: the browser refuses
    page = ctx.new_page()
    page.goto(s.url + "/mother-rooms")
    # a phone with no question yet: the question and a hint, no national list and no map
    page.get_by_text("输入地址或点“使用我的位置”").wait_for(timeout=60_000)
    assert page.locator('[data-testid="stDataFrame"], [data-testid="stDeckGlJsonChart"]').count() == 0
    page.get_by_role("button", name="使用我的位置").click()
    page.get_by_text("没有获得位置权限").wait_for(timeout=30_000)
    assert page.get_by_role("textbox").first.is_visible()
    ctx.close()


def test_a_rooms_url_opens_that_room_with_its_qr_code(finder, browser):
    s, db = finder
    rid, name = rows(db, "select room_id, name from mother_room where kind = 'public' and room_id like 'R%' "
                     "order by room_id limit 1")[0]
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    page.goto(f"{s.url}/mother-rooms?room={rid}")
    page.get_by_role("heading", name=name).wait_for(timeout=60_000)
    page.locator('[data-testid="stImage"] img').wait_for(timeout=30_000)   # the QR code
    assert page.get_by_text("所有哺乳期妈妈均可使用").count() == 1
    ctx.close()


def test_room_names_from_a_file_are_text_not_links_or_images(finder, browser):
    s, _ = finder
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{s.url}/mother-rooms?mr_open=0&mr_near={EVIL_AT[0]},{EVIL_AT[1]}")
    wait_answer(page)
    assert first_card_name(page) == EVIL
    # (the navigation links carry the name URL-encoded in their query: that is text, not a link to evil)
    assert page.locator('a[href^="http://evil"]').count() == 0
    assert page.locator('img[src*="evil"], img[src="x"]').count() == 0
    page.goto(f"{s.url}/mother-rooms?room=EVIL1")
    page.get_by_role("heading", name=EVIL).wait_for(timeout=60_000)
    assert page.locator('a[href^="http://evil"]').count() == 0
    assert page.locator('img[src*="evil"], img[src="x"]').count() == 0
    assert not [u for u in requests if "evil" in u or u.endswith("/x")]
    ctx.close()


# Everything a finger taps on the first screen, and the body text it reads.
TAPPABLE = ('[data-testid="stMain"] button, [data-testid="stMain"] a[data-testid^="stBaseLinkButton"], '
            '[data-testid="stMain"] input, [data-testid="stMain"] [data-testid="stExpander"] summary')
MEASURE = """sel => {
  // a switch's box is a hidden input: the finger taps its label
  const seen = [...document.querySelectorAll(sel)].map(e => e.type === 'checkbox' ? e.closest('label') : e)
    .filter(e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; });
  const small = seen.map(e => { const r = e.getBoundingClientRect();
    return {what: (e.innerText || e.getAttribute('aria-label') || e.tagName).slice(0, 30), w: r.width, h: r.height}; })
    .filter(b => b.w < 44 || b.h < 44);
  const text = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p')]
    .filter(p => p.innerText.trim() && p.getBoundingClientRect().height > 0)
    .map(p => ({what: p.innerText.slice(0, 30), px: parseFloat(getComputedStyle(p).fontSize)}));
  return {taps: seen.length, small, text: text.length, small_text: text.filter(t => t.px < 16),
          overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


@pytest.mark.parametrize("width,height", [(360, 740), (414, 896)])
def test_taps_are_44px_text_16px_and_nothing_runs_off_a_phone(finder, browser, width, height):
    s, db = finder
    ctx = browser.new_context(**{**PHONE, "viewport": {"width": width, "height": height}})
    page = ctx.new_page()
    page.goto(s.url + "/mother-rooms?mr_open=0&mr_near=" + urllib.parse.quote("河南省洛阳市西工区"))
    link = wait_answer(page)
    box = link.bounding_box()
    assert box["y"] + box["height"] <= height and box["x"] + box["width"] <= width   # the answer, unscrolled
    m = page.evaluate(MEASURE, TAPPABLE)
    assert m["taps"] >= 5 * 3 + 2          # five cards' three buttons, the box and "use my location" at least
    assert m["small"] == [], m["small"]
    assert m["text"] >= 5 and m["small_text"] == [], m["small_text"]
    assert m["overflow"] <= 0              # no sideways scrolling
    # the folded options, opened, and a room's own page hold to the same
    page.get_by_text("更多选项", exact=False).first.click()
    page.get_by_role("textbox", name="按名称、地址、城市或区县搜索").wait_for(timeout=30_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=30_000)
    m = page.evaluate(MEASURE, TAPPABLE)
    assert m["small"] == [] and m["small_text"] == [] and m["overflow"] <= 0, m
    rid = rows(db, "select room_id from mother_room where kind = 'public' order by room_id limit 1")[0][0]
    page.goto(f"{s.url}/mother-rooms?room={rid}")
    page.locator('[data-testid="stImage"] img').wait_for(timeout=60_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.get_by_role("link", name="高德导航").first.wait_for(timeout=60_000)   # the whole page, not its first half
    m = page.evaluate(MEASURE, TAPPABLE)
    assert m["taps"] >= 4 and m["small"] == [] and m["small_text"] == [] and m["overflow"] <= 0, m
    ctx.close()


def test_on_a_desktop_the_map_follows_the_answer(finder, browser):
    """A desktop browser (no "Mobi" in its User-Agent) gets the same answer cards, then the map drawn."""
    s, _ = finder
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(s.url + "/mother-rooms?mr_open=0&mr_near=" + urllib.parse.quote("河南省洛阳市西工区"))
    wait_answer(page)
    assert page.locator('[class*="st-key-mr_card_"]').count() == 5
    page.locator('[data-testid="stDeckGlJsonChart"]').wait_for(timeout=60_000)
    assert page.locator('[data-testid="stMain"]').evaluate("e => e.scrollWidth <= window.innerWidth")
    ctx.close()


def test_on_a_phone_the_map_waits_until_asked_for(finder, browser):
    s, _ = finder
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    page.goto(s.url + "/mother-rooms?mr_open=0&mr_near=" + urllib.parse.quote("河南省洛阳市西工区"))
    wait_answer(page)
    assert page.locator('[data-testid="stDeckGlJsonChart"]').count() == 0
    page.get_by_text("在地图上查看").click()
    page.locator('[data-testid="stDeckGlJsonChart"]').wait_for(timeout=60_000)
    assert page.locator('[class*="st-key-mr_card_"]').count() == 5     # the answer is still there, above
    ctx.close()


def test_the_light_finders_map_link_opens_the_map_on_a_phone(finder, browser):
    """在地图上查看 on /find leads to /mother-rooms?mr_near=…&mr_map=1: on a phone the map is drawn at once
    (without mr_map the phone waits to be asked, test above)."""
    s, _ = finder
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    page.goto(s.url + "/mother-rooms?mr_open=0&mr_map=1&mr_near=" + urllib.parse.quote("河南省洛阳市西工区"))
    wait_answer(page)
    page.locator('[data-testid="stDeckGlJsonChart"]').wait_for(timeout=60_000)
    ctx.close()
