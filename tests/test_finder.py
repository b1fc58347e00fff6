"""The public finder without HTTP: its answers at a fixed time, its language choice, and where the Streamlit
app sends phones and old room links (jinguo.finder.redirect)."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from jinguo.finder import params
from jinguo.finder.answer import Finder
from jinguo.finder.redirect import target
from tests.finder_util import XIGONG, hostile_copy

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
MONDAY_NOON = datetime(2024, 4, 22, 12, 0)
SUNDAY_NIGHT = datetime(2024, 4, 28, 23, 30)


@pytest.mark.parametrize("path, query, ua, cookie, expected", [
    ("/", "", PHONE, "", "/find"),
    ("/", "", DESKTOP, "", None),
    ("/", "", PHONE, "jinguo_session=abc.def", None),                     # signed in: the dashboard
    ("/", "", PHONE, "jg_backend=x; jinguo_session=abc", None),
    ("/", "", PHONE, "jinguo_session_old=abc", "/find"),                  # another cookie's name is not a sign-in
    ("/", "mr_near=%E6%B4%9B%E9%98%B3%E5%B8%82&lang=en&mr_open=0&mr_kind=public", PHONE, "",
     "/find?near=%E6%B4%9B%E9%98%B3%E5%B8%82&kind=public&lang=en&open=0"),
    ("/", "mr_near=%E6%B4%9B%E9%98%B3", DESKTOP, "", None),                # desktops keep the Streamlit finder
    ("/mother-rooms", "mr_near=%E6%B4%9B%E9%98%B3", PHONE, "", None),     # the map link stays on Streamlit
    ("/mother-rooms", "room=R410300001", DESKTOP, "", "/find/room/R410300001"),
    ("/mother-rooms", "room=R410300001&lang=en", PHONE, "", "/find/room/R410300001?lang=en"),
    ("/mother-rooms", "room=a%2Fb%20c", PHONE, "", "/find/room/a%2Fb%20c"),
    ("/mother-rooms", "room=R410300001", DESKTOP, "jinguo_session=abc", None),   # staff see the contact there
    ("/overview", "", PHONE, "", None),
])
def test_phones_and_old_room_links_are_sent_to_the_light_finder(path, query, ua, cookie, expected):
    assert target(path, query, ua, cookie) == expected


@pytest.mark.parametrize("header, lang", [
    (None, "zh"), ("", "zh"), ("en", "en"), ("en-GB,en;q=0.9", "en"), ("zh-TW,zh;q=0.9,en;q=0.8", "zh"),
    ("fr-FR,fr;q=0.9,en;q=0.7,zh;q=0.5", "en"), ("ja", "zh"), ("en;q=0, zh;q=0.1", "zh"), ("*", "zh"),
    ("en;q=abc", "zh"),
])
def test_the_readers_language_follows_accept_language_by_weight(header, lang):
    assert params.negotiate(None, header) == lang
    assert params.negotiate("zh", "en") == "zh" and params.negotiate("en", None) == "en"


def test_a_question_parses_lists_and_defaults():
    from starlette.datastructures import QueryParams

    q = params.parse(QueryParams("near=%20洛阳%20&amenity=sink,lock&amenity=fridge&kind=public&kind=mobile_bus"))
    assert q.near == "洛阳" and q.amenities == ("lock", "sink", "fridge") and q.kinds == ("public", "mobile_bus")
    assert (q.n, q.radius_km, q.open_now, q.crs, q.lang, q.geo) == (5, 20.0, True, "gcj02", None, False)
    p = params.parse(QueryParams("lon=112.4&lat=34.6&crs=BD-09&geo=1&open=false&utm_source=wechat"))
    assert (p.lon, p.lat, p.crs, p.geo, p.open_now) == (112.4, 34.6, "bd09", True, False)
    assert p.query() == {"lon": "112.400000", "lat": "34.600000", "crs": "bd09", "open": "0", "geo": "1"}


@pytest.fixture(scope="module")
def finder(built_db, tmp_path_factory):
    return Finder(hostile_copy(built_db, tmp_path_factory.mktemp("finder-unit") / "f.duckdb"))


def test_open_now_is_the_rooms_hours_in_china_at_the_time_asked(finder):
    """On a Sunday at 23:30 only rooms open around the clock (or past 23:30) on Sundays are offered; at Monday
    noon weekday workplace rooms are open too. Every room offered is labelled open."""
    q = params.Question(lon=XIGONG[0], lat=XIGONG[1], n=20, kinds=("workplace_room", "workplace_corner",
                                                                    "workplace_box", "public"))
    night = finder.answer(q, "zh", now=SUNDAY_NIGHT).rooms
    noon = finder.answer(q, "zh", now=MONDAY_NOON).rooms
    assert night and noon and all(r["open_now"] for r in night + noon)
    assert all("7" in r["open_days"] and (r["open_time"] is None or r["close_time"] > "23:30") for r in night)
    assert any(r["kind"].startswith("workplace") for r in noon)
    closed = finder.answer(params.Question(lon=XIGONG[0], lat=XIGONG[1], n=20, open_now=False), "zh",
                           now=SUNDAY_NIGHT).rooms
    assert any(not r["open_now"] for r in closed)


def test_a_replaced_file_is_read_again(built_db, tmp_path):
    """An import renames a new file over the old: the finder's next answer comes from the new file."""
    path = tmp_path / "live.duckdb"
    shutil.copyfile(built_db, path)
    f = Finder(path)
    q = params.Question(lon=XIGONG[0], lat=XIGONG[1], n=1, open_now=False)
    before = f.answer(q, "zh").rooms[0]["id"]
    new = tmp_path / "new.duckdb"
    hostile_copy(built_db, new)
    new.rename(path)
    assert before != "RX1" and f.answer(q, "zh").rooms[0]["id"] == "RX1"
    assert f.room("RX1", "zh")["name"].startswith("<script>")
