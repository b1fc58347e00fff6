"""The mother-room page with AppTest, as the public uses it."""

import json

from jinguo.web.escape import md_escape
from tests.util import no_exception, open_app

PAGE = "app_pages/mother_rooms.py"


def deck_layers(at, i=0):
    spec = json.loads(at.get("deck_gl_json_chart")[i].proto.json)
    return {layer["id"]: layer for layer in spec["layers"]}


def test_public_lands_on_the_map_with_cells_not_every_room(app_db):
    at = open_app(user=None, params={"mr_open": "0"})   # all rooms, whatever the hour
    no_exception(at)
    assert at.title[0].value == "妈咪小屋地图"
    layers = deck_layers(at)
    assert "cells" in layers and "rooms" not in layers and "boundaries" in layers


def test_search_shows_points_and_a_downloadable_list(app_db, built):
    at = open_app(user=None, params={"mr_q": "洛阳 西工", "mr_open": "0"})
    no_exception(at)
    layers = deck_layers(at)
    assert "rooms" in layers and "cells" not in layers
    table = at.dataframe[0].value
    # public rooms + non-internal workplace rooms in 洛阳市西工区 (district 410303)
    n = built.execute("select count(*) from mother_room where district_code = '410303' and not internal").fetchone()[0]
    assert len(table) == min(n, 500) and n > 0
    assert all("西工区" in a for a in table["地址"])
    assert [b.label for b in at.download_button][:2] == ["下载 CSV", "下载 Excel"]  # list, then coverage


def cards(at):
    """The fixed-room answer cards: markdown with a distance line, in order."""
    return [m.value for m in at.markdown if m.value.startswith("**") and (" m · " in m.value or " km · " in m.value)]


def test_near_me_by_address_answers_with_cards_nearest_first(app_db):
    at = open_app(user=None, params={"mr_near": "河南省洛阳市西工区", "mr_open": "0"})
    no_exception(at)
    assert any("西工区" in c.value for c in at.caption)
    found = cards(at)
    assert len(found) == 5                     # the default count
    km = [float(c.split("\n")[1].split()[0]) / (1000 if " m · " in c else 1) for c in found]
    assert km == sorted(km)
    assert [b.label for b in at.get("link_button")][:3] == ["高德导航", "百度导航", "详情"]
    assert any(b.proto.url.startswith("https://uri.amap.com/marker?position=") for b in at.get("link_button"))


def test_near_me_by_point_in_lat_lon_order_is_swapped_back(app_db):
    at = open_app(user=None, params={"mr_near": "34.66,112.43", "mr_open": "0"})
    no_exception(at)
    assert any("纬度,经度" in i.value for i in at.info)
    assert len(cards(at)) == 5


def test_buses_are_listed_apart_with_their_service_area_never_as_nearest(app_db, built):
    """At a bus's own base point, the nearest fixed list holds no bus; the bus is listed as mobile."""
    lon, lat, district = built.execute("select lon, lat, district_code from mother_room where kind = 'mobile_bus' "
                                       "and province_code = '410000' order by room_id limit 1").fetchone()
    at = open_app(user=None, params={"mr_near": f"{lon},{lat}", "mr_open": "0"})
    no_exception(at)
    assert cards(at) and not any("流动" in c or "公交" in c for c in cards(at))
    buses = [m.value for m in at.markdown if "服务区域" in m.value]
    assert buses and all("流动妈咪小屋" in b and "运营时间" in b for b in buses)
    assert any(s.value.startswith("附近的流动妈咪小屋") for s in at.subheader)


def test_buses_alone_still_say_they_are_demo(app_db, built):
    """Only mobile rooms asked for: no fixed card, the buses listed, and the origin line names them as demo."""
    lon, lat = built.execute("select lon, lat from mother_room where kind = 'mobile_bus' and origin = 'demo' "
                             "and province_code = '410000' order by room_id limit 1").fetchone()
    at = open_app(user=None, params={"mr_near": f"{lon},{lat}", "mr_open": "0", "mr_kind": "mobile_bus"})
    no_exception(at)
    assert cards(at) == []
    assert any(s.value.startswith("附近的流动妈咪小屋") for s in at.subheader)
    assert any("演示数据" in c.value for c in at.caption)


def test_map_names_places_with_a_cjk_text_layer(app_db):
    at = open_app(user=None, params={"mr_near": "河南省洛阳市西工区", "mr_open": "0"})
    layers = deck_layers(at)
    places = layers["places"]
    assert places["@@type"] == "TextLayer"
    names = {p["name"] for p in places["data"]}
    assert {"洛阳", "西工", "郑州"} <= names and "济南" not in names   # Henan's cities, Luoyang's districts
    assert set("洛阳西工郑州") <= set(places["characterSet"])


def test_the_answers_map_draws_the_district_borders_of_the_city(app_db):
    at = open_app(user=None, params={"mr_near": "河南省洛阳市西工区", "mr_open": "0"})
    layers = deck_layers(at)
    assert layers["districts"]["@@type"] == "PathLayer" and len(layers["districts"]["data"]) >= 14


def test_room_page_public_sees_no_contact_and_a_qr_code(app_db, built):
    rid, name = built.execute("select room_id, name from mother_room where kind like 'workplace%' and not internal "
                              "and contact is not null order by room_id limit 1").fetchone()
    at = open_app(user=None, params={"room": rid})
    no_exception(at)
    assert at.title[0].value == md_escape(name)
    text = "\n".join(m.value for m in at.markdown)
    assert "所有哺乳期妈妈均可使用" in text and "联系人" not in text and "分机" not in text
    assert len(at.get("image")) == 1 and at.download_button[0].label == "下载二维码（PNG）"


def test_room_page_internal_room_is_staff_only_and_hidden_from_the_public(app_db, built):
    rid, contact = built.execute("select room_id, contact from mother_room where internal order by room_id "
                                 "limit 1").fetchone()
    at = open_app(user=None, params={"room": rid})
    no_exception(at)
    assert any("找不到编号" in w.value for w in at.warning) and not at.title
    at = open_app(params={"room": rid, "lang": "en"}, page="app_pages/mother_rooms.py")
    no_exception(at)
    text = "\n".join(m.value for m in at.markdown)
    assert "Staff of this workplace only" in text and md_escape(contact) in text


def test_bad_room_id_says_so_without_a_traceback(app_db):
    at = open_app(user=None, params={"room": "[x](http://evil)"})
    no_exception(at)
    w = [w.value for w in at.warning]
    assert w == ["找不到编号为“\\[x\\]\\(http\\:\\/\\/evil\\)”的妈咪小屋。它可能已撤销，或链接有误。"]


def test_filters_and_empty_result(app_db):
    at = open_app(user=None, params={"mr_q": "洛阳", "mr_kind": "mobile_bus", "mr_open": "0"})
    no_exception(at)
    table = at.dataframe[0].value
    assert set(table["类型"]) == {"流动妈咪小屋（公交车）"}
    at.text_input(key="mr_q").set_value("不存在的地方xyz").run()
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
