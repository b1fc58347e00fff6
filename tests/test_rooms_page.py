"""The mother-room page with AppTest, as the public uses it."""

import json

from tests.util import no_exception, open_app

PAGE = "views/mother_rooms.py"


def deck_layers(at, i=0):
    spec = json.loads(at.get("deck_gl_json_chart")[i].proto.json)
    return {layer["id"]: layer for layer in spec["layers"]}


def test_public_lands_on_the_map_with_cells_not_every_room(app_db):
    at = open_app(user=None)
    no_exception(at)
    assert at.title[0].value == "妈咪小屋地图"
    layers = deck_layers(at)
    assert "cells" in layers and "rooms" not in layers and "boundaries" in layers


def test_search_shows_points_and_a_downloadable_list(app_db, built):
    at = open_app(user=None, params={"mr_q": "洛阳 西工"})
    no_exception(at)
    layers = deck_layers(at)
    assert "rooms" in layers and "cells" not in layers
    table = at.dataframe[0].value
    # public rooms + non-internal workplace rooms in 洛阳市西工区 (district 410303)
    n = built.execute("select count(*) from mother_room where district_code = '410303' and not internal").fetchone()[0]
    assert len(table) == min(n, 500) and n > 0
    assert all("西工区" in a for a in table["地址"])
    assert [b.label for b in at.download_button][:2] == ["下载 CSV", "下载 Excel"]  # list, then coverage


def test_near_me_by_address_lists_nearest_first_with_navigation(app_db):
    at = open_app(user=None, params={"mr_near": "河南省洛阳市西工区"})
    no_exception(at)
    assert any("西工区" in i.value for i in at.info)
    table = at.dataframe[0].value
    km = [float(d.split()[0]) for d in table["距离"]]
    assert km == sorted(km) and len(km) == 10
    assert all(u.startswith("https://uri.amap.com/marker?position=") for u in table["高德导航"])
    assert any(b.label == "高德导航" for b in at.get("link_button"))


def test_near_me_by_point_in_lat_lon_order_is_swapped_back(app_db):
    at = open_app(user=None, params={"mr_near": "34.66,112.43"})
    no_exception(at)
    assert any("纬度,经度" in i.value for i in at.info)
    assert len(at.dataframe[0].value) == 10


def test_filters_and_empty_result(app_db):
    at = open_app(user=None, params={"mr_q": "洛阳", "mr_kind": "mobile_bus"})
    no_exception(at)
    table = at.dataframe[0].value
    assert set(table["类型"]) == {"流动妈咪小屋（公交车）"}
    at.text_input[0].set_value("不存在的地方xyz").run()
    no_exception(at)
    assert any("没有符合条件" in i.value for i in at.info)


def test_bad_url_parameters_warn(app_db):
    at = open_app(user=None, params={"mr_kind": "rocket", "mr_prov": "999999"})
    no_exception(at)
    assert len(at.warning) == 2


def test_unknown_address_says_how_to_write_one(app_db):
    at = open_app(user=None, params={"mr_near": "火星基地"})
    no_exception(at)
    assert any("无法识别" in w.value for w in at.warning)


def test_coverage_ranks_districts_and_is_labelled_demo(app_db):
    at = open_app(user=None, params={"lang": "en", "mr_view": "coverage"})
    no_exception(at)
    tables = [d.value for d in at.dataframe]
    cov = [t for t in tables if "To nearest room (km)" in t.columns][0]
    dist = cov["To nearest room (km)"].fillna(1e9).tolist()
    assert dist == sorted(dist, reverse=True)   # worst covered first
    assert any("Demo" in c.value for c in at.caption)
