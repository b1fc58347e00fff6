"""One journey per audience, in Chromium."""

import csv
import io

from tests.browser.conftest import settle, shot, sign_in


def test_leadership_opens_a_shared_url_and_sees_that_view(page, server, console):
    page.goto(server.url + "/?prov=370000&years=2020-2023&lang=en")
    settle(page)
    sign_in(page, "nat")
    side = page.locator('[data-testid="stSidebar"]')
    assert side.get_by_text("Shandong").count() >= 1
    assert side.get_by_text("2020").count() >= 1 and side.get_by_text("2023").count() >= 1
    assert "prov=370000" in page.url and "years=2020-2023" in page.url
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Overview", exact=True).click()
    settle(page)
    assert page.get_by_text("Main indicators (2023)").count() == 1
    shot(page, "journey_shared_url")
    assert console == []


def test_a_deep_link_on_a_fresh_server_goes_through_the_app_frame(page, fresh_server):
    page.goto(fresh_server.url + "/matchmaking")
    settle(page)
    # The frame ran: language switch and filters are in the sidebar (a page run alone would have none).
    # (The public may not open matchmaking, so Streamlit says so and runs the main page, inside the frame.)
    side = page.locator('[data-testid="stSidebar"]')
    side.get_by_text("筛选").wait_for(timeout=20_000)
    side.get_by_text("English").wait_for(timeout=20_000)
    assert "语言" in side.inner_text()   # the language switch exists only in app.py's frame


def test_a_mother_finds_the_nearest_room_and_its_navigation_link(page, server, console):
    page.goto(server.url + "/?mr_near=" + "河南省洛阳市西工区")
    settle(page)
    page.get_by_text("已定位到 西工区").wait_for(timeout=30_000)
    assert page.get_by_text("已定位到 西工区").count() == 1
    link = page.get_by_role("link", name="高德导航").first
    href = link.get_attribute("href")
    assert href.startswith("https://uri.amap.com/marker?position=112.") and "coordinate=gaode" in href
    shot(page, "journey_near_me")
    assert console == []


def test_staff_download_a_filtered_csv_that_opens_as_chinese(page, server, e2e_files):
    page.goto(server.url + "/?prov=410000&years=2023-2023")
    settle(page)
    sign_in(page, "nat")
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="数据下载", exact=True).click()
    settle(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="选择数据").click()
    page.get_by_role("option", name="妈咪小屋明细").click()
    settle(page)
    with page.expect_download() as d:
        page.get_by_role("button", name="下载 CSV").first.click()
    raw = open(d.value.path(), "rb").read()
    assert raw[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][-1] == "数据来源" and len(rows) > 100
    assert {r[2] for r in rows[1:]} == {"410000"} and all("河南省" in r[5] for r in rows[1:])
    import sqlite3

    con = sqlite3.connect(str(e2e_files[1]))
    who, detail = con.execute("select user_name, detail from audit_log where action = 'extract' "
                              "order by id desc").fetchone()
    con.close()
    assert who == "nat" and '"what": "mother_rooms"' in detail and '"provinces": "410000"' in detail


def test_a_data_officer_uploads_a_bad_file_then_a_good_one_and_the_dashboard_changes(page, server, tmp_path):
    head = "编号,名称,所在区县,地址,经度,纬度,类型,可上锁,开放时间,关闭时间,启用日期\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(head + "R37E1,小屋,济南市历下区,地址,36.66,117.02,public,是,,,2023-05-01\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text(head + "R37E1,浏览器测试小屋,济南市历下区,山东省济南市历下区测试路1号,117.02,36.66,public,是,,,"
                    "2023-05-01\n", encoding="gbk")
    page.goto(server.url)
    settle(page)
    sign_in(page, "sd_officer")
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="数据导入", exact=True).click()
    settle(page)
    page.locator('input[type="file"]').set_input_files(str(bad))
    page.get_by_text("经纬度好像填反了").first.wait_for(state="attached", timeout=30_000)  # a grid cell
    assert page.get_by_text("没有可导入的行").count() == 1 and page.get_by_role("button", name="确认导入").count() == 0
    page.locator('input[type="file"]').set_input_files(str(good))
    page.get_by_text("1 行可以导入，0 行有问题").wait_for(timeout=30_000)
    page.get_by_role("button", name="确认导入").click()
    page.get_by_text("已导入：新增 1").wait_for(timeout=30_000)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="妈咪小屋地图", exact=True).click()
    settle(page)
    page.get_by_text("更多选项", exact=False).first.click()     # the name search is folded away on the finder
    box = page.get_by_role("textbox", name="按名称、地址、城市或区县搜索")
    box.fill("浏览器测试小屋")
    box.press("Enter")
    settle(page)
    shot(page, "journey_import")
    page.get_by_text("共 1 家").wait_for(timeout=20_000)
