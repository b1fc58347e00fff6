"""The public finder over HTTP (one ``python -m jinguo finder`` worker for the module, on the built database
with a hostile room, an internal room and a room whose id needs escaping added beside Xigong): every parameter,
the 400s, the JSON contract, a room's page and its JSON, languages, headers, escaping. Answers are checked
against a scan of the database by the hand-written haversine of tests/finder_util.py."""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import re
import urllib.parse

import pytest

from jinguo.geo import coords
from tests.finder_util import ADDED, HOSTILE_NAME, XIGONG, Worker, by_hand, centroid, get, hav, hostile_copy

NEAR = "河南省洛阳市西工区"


@pytest.fixture(scope="module")
def db(built_db, tmp_path_factory):
    return hostile_copy(built_db, tmp_path_factory.mktemp("finder") / "finder.duckdb")


@pytest.fixture(scope="module")
def worker(db, tmp_path_factory):
    w = Worker(db, tmp_path_factory.mktemp("finder-log") / "worker.log")
    yield w
    w.stop()


def api(worker, **q):
    return get(worker.url + "/api/rooms/near?" + urllib.parse.urlencode(q, doseq=True))


def test_a_typed_place_gets_the_nearest_rooms_worked_out_by_hand(worker, db):
    """near=河南省洛阳市西工区 is located at Xigong's centroid; the five nearest public rooms (open or not) are
    those of a scan by hand, with their distances in metres; the page lists the same rooms in the same order."""
    lon, lat = centroid(db, "410303")
    want = by_hand(db, lon, lat)
    r = api(worker, near=NEAR, open="0")
    assert r.status == 200, r.text
    body = r.json()
    assert body["centre"] == {"lon": round(lon, 6), "lat": round(lat, 6), "crs": "gcj02", "how": "address:西工区"}
    assert [x["id"] for x in body["rooms"]] == [rid for rid, _ in want]
    for room, (_, metres) in zip(body["rooms"], want):
        assert room["distance_m"] == pytest.approx(metres, abs=0.1)
    page = get(worker.url + "/find?" + urllib.parse.urlencode({"near": NEAR, "open": "0"}))
    assert page.status == 200
    names = re.findall(r"<article class=\"card\">\s*<h3>(.*?)</h3>", page.text)
    assert [html.unescape(n) for n in names[:5]] == [x["name"] for x in body["rooms"]]


def test_a_point_in_each_coordinate_system_is_converted_before_ranking(worker, db):
    """lon/lat in WGS-84 (a phone's fix) and BD-09 (Baidu) are converted to GCJ-02 first: the centre is the
    converted point, hundreds of metres from the raw numbers, and the rooms are those nearest it."""
    for crs in ("wgs84", "bd09", "gcj02"):
        body = api(worker, lon=XIGONG[0], lat=XIGONG[1], crs=crs, open="0").json()
        glon, glat = coords.to_gcj02(XIGONG[0], XIGONG[1], crs)
        assert (body["centre"]["lon"], body["centre"]["lat"]) == (round(glon, 6), round(glat, 6))
        shift = hav(*XIGONG, glon, glat)
        assert (shift > 100) if crs != "gcj02" else shift == 0
        assert [x["id"] for x in body["rooms"]] == [rid for rid, _ in by_hand(db, glon, glat)]


def test_the_json_contract(worker):
    """Every field the README promises, with its type; navigation links to Amap and Baidu at the room; the
    room's own page; mobile rooms apart, with their service area; Cache-Control for half a minute."""
    r = api(worker, lon=XIGONG[0], lat=XIGONG[1], open="0", n="3")
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    assert r.headers["Cache-Control"] == "public, max-age=30" and r.headers["Vary"] == "Accept-Language"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    body = r.json()
    assert set(body) == {"lang", "query", "centre", "rooms", "mobile", "origins"}
    assert body["query"] == {"near": None, "lon": XIGONG[0], "lat": XIGONG[1], "crs": "gcj02", "n": 3,
                             "radius_m": 20000.0, "open": False, "amenity": [],
                             "kind": ["workplace_room", "workplace_corner", "workplace_box", "public", "mobile_bus"]}
    assert len(body["rooms"]) == 3
    room = body["rooms"][0]
    assert set(room) == {"id", "name", "kind", "kind_label", "address", "province_code", "city_code",
                         "district_code", "lon", "lat", "crs", "distance_m", "distance_label", "open_now", "open_days",
                         "open_time", "close_time", "days_label", "hours_label", "amenities", "amenity_labels",
                         "digital", "navigable", "service_area", "service_area_label", "origin", "origin_label", "url",
                         "nav"}
    assert room["id"] == "RX1" and room["crs"] == "gcj02" and isinstance(room["distance_m"], float)
    assert room["amenities"] == ["lock", "sink", "outlet", "seating"] and room["open_time"] is None
    assert room["url"] == "/find/room/RX1" and room["origin"] == "imported"
    assert room["nav"]["amap"].startswith(f"https://uri.amap.com/marker?position={room['lon']:.6f},{room['lat']:.6f}")
    assert room["nav"]["baidu"].startswith(f"https://api.map.baidu.com/marker?location={room['lat']:.6f},")
    assert "coord_type=gcj02" in room["nav"]["baidu"]
    assert "contact" not in room and "internal" not in room
    assert body["mobile"] and all(b["kind"] == "mobile_bus" and b["distance_m"] is None and b["nav"] is None
                                  and b["service_area"] for b in body["mobile"])
    assert set(body["origins"]) == {x["origin"] for x in body["rooms"] + body["mobile"]}


def test_internal_rooms_and_contacts_never_reach_the_public(worker):
    """RX2, a workplace room for staff only, lies 11 m from the point asked about: not in any answer, and its
    page and JSON say there is no such room; its contact appears nowhere."""
    body = api(worker, lon=XIGONG[0], lat=XIGONG[1], open="0", n="20").json()
    assert "RX2" not in {x["id"] for x in body["rooms"]}
    page = get(worker.url + f"/find?lon={XIGONG[0]}&lat={XIGONG[1]}&open=0&n=20")
    assert "内部职工小屋" not in page.text and "内线" not in page.text
    assert get(worker.url + "/api/rooms/RX2").status == 404
    assert get(worker.url + "/find/room/RX2").status == 404


def test_every_filter_narrows_as_asked(worker, db):
    """amenity, kind, n, radius_km and open each change the answer as a scan by hand says."""
    lon, lat = XIGONG
    fridge = api(worker, lon=lon, lat=lat, open="0", amenity="fridge").json()["rooms"]
    assert [x["id"] for x in fridge] == [rid for rid, _ in by_hand(db, lon, lat, where="has_fridge")]
    both = api(worker, lon=lon, lat=lat, open="0", amenity=["fridge", "sink"]).json()["rooms"]
    assert [x["id"] for x in both] == [rid for rid, _ in by_hand(db, lon, lat, where="has_fridge and has_sink")]
    assert api(worker, lon=lon, lat=lat, open="0", amenity="sink,fridge").json()["rooms"] == both
    public = api(worker, lon=lon, lat=lat, open="0", kind="public").json()
    assert [x["id"] for x in public["rooms"]] == [rid for rid, _ in by_hand(db, lon, lat, where="kind = 'public'")]
    assert public["mobile"] is None                       # buses not asked for
    buses = api(worker, lon=lon, lat=lat, kind="mobile_bus").json()
    assert buses["rooms"] == [] and buses["mobile"]
    assert len(api(worker, lon=lon, lat=lat, open="0", n="1").json()["rooms"]) == 1
    assert len(api(worker, lon=lon, lat=lat, open="0", n="20").json()["rooms"]) == 20
    near = api(worker, lon=lon, lat=lat, open="0", radius_km="0.1", n="20").json()["rooms"]
    assert [x["id"] for x in near] == [rid for rid, _ in by_hand(db, lon, lat, n=20, radius_m=100.0)]
    assert {"RX1", "RX/3 ?#"} <= {x["id"] for x in near}
    assert all(x["open_now"] for x in api(worker, lon=lon, lat=lat, n="20").json()["rooms"])


@pytest.mark.parametrize("query, param", [
    ({"n": "7"}, "n"), ({"n": "abc"}, "n"), ({"n": ["1", "3"]}, "n"),
    ({"lon": "112.4", "near": ""}, "lon"), ({"lat": "34.6"}, "lat"), ({"lon": "abc", "lat": "34.6"}, "lon"),
    ({"lon": "nan", "lat": "34.6"}, "lon"), ({"lon": "112.4", "lat": "95"}, "lat"),
    ({"crs": "utm"}, "crs"), ({"open": "maybe"}, "open"), ({"amenity": "pool"}, "amenity"),
    ({"kind": "yacht"}, "kind"), ({"lang": "fr"}, "lang"), ({"radius_km": "0"}, "radius_km"),
    ({"radius_km": "1000"}, "radius_km"), ({"near": "洛" * 201}, "near"), ({"geo": "x"}, "geo"),
])
def test_bad_parameters_get_a_400_with_a_bilingual_message(worker, query, param):
    """The JSON says which parameter, in Chinese and in English; the page says it in the reader's language
    and keeps the address box; neither is cached."""
    base = {"lon": XIGONG[0], "lat": XIGONG[1]} if param not in ("lon", "lat") else {}
    if param == "near":
        base = {}
    r = api(worker, **{**base, **query})
    assert r.status == 400 and r.headers["Cache-Control"] == "no-store"
    err = r.json()["error"]
    assert err["code"] == "bad_param" and err["param"] == param
    assert re.search(r"[\u4e00-\u9fff]", err["zh"]) and param in err["zh"]
    assert re.search(r"[A-Za-z]{4}", err["en"]) and param in err["en"] and not re.search(r"[\u4e00-\u9fff]{3}",
                                                                                        err["en"].replace("洛", ""))
    page = get(worker.url + "/find?" + urllib.parse.urlencode({**base, **query}, doseq=True),
               headers={"Accept-Language": "en"})
    assert page.status == 400 and page.headers["Cache-Control"] == "no-store"
    assert 'name="near"' in page.text and "is not valid" in page.text


def test_a_place_the_finder_cannot_use_is_a_400_in_both_languages(worker):
    """No place at all (the API), an address nobody can find, a point outside China."""
    none = api(worker).json()["error"]
    assert none["param"] == "lon" and "near" in none["en"]
    mars = api(worker, near="火星基地一号").json()["error"]
    assert mars["code"] == "no_place" and "地址" in mars["zh"] and "address" in mars["en"]
    paris = api(worker, lon="2.35", lat="48.86", crs="wgs84")
    assert paris.status == 400 and "China" in paris.json()["error"]["en"]
    page = get(worker.url + "/find?lon=2.35&lat=48.86&crs=wgs84&geo=1")
    assert page.status == 400 and "不在中国境内" in page.text and 'name="near"' in page.text


def test_english_from_the_url_or_the_browser(worker):
    """lang=en, or Accept-Language preferring English, answers in English; Chinese otherwise; the URL wins."""
    q = {"lon": XIGONG[0], "lat": XIGONG[1], "open": "0"}
    assert api(worker, **q, lang="en").json()["rooms"][0]["kind_label"] == "Public place"
    for header, lang in (("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("fr, en;q=0.5", "en"),
                         ("de", "zh"), ("en;q=0.2, zh;q=0.8", "zh")):
        r = get(worker.url + "/api/rooms/near?" + urllib.parse.urlencode(q), headers={"Accept-Language": header})
        assert r.json()["lang"] == lang, header
    page = get(worker.url + "/find?" + urllib.parse.urlencode({**q, "lang": "zh"}), headers={"Accept-Language": "en"})
    assert "高德导航" in page.text and "Vary" not in page.headers
    en = get(worker.url + "/find?" + urllib.parse.urlencode(q), headers={"Accept-Language": "en"})
    assert '<html lang="en">' in en.text and "Navigate (Amap)" in en.text and "高德导航" not in en.text
    assert en.headers["Vary"] == "Accept-Language"


def test_a_rooms_page_and_its_json(worker):
    """/find/room/ID and /api/rooms/ID for a public room, an id with / ? # and a space, and an unknown id."""
    page = get(worker.url + "/find/room/RX1")
    assert page.status == 200 and page.headers["Cache-Control"] == "public, max-age=300"
    assert "<svg" in page.text and "/find/room/RX1" in page.text
    odd = dict((a[0], a) for a in ADDED)["RX/3 ?#"]
    path = "/find/room/" + urllib.parse.quote(odd[0], safe="")
    assert path == "/find/room/RX%2F3%20%3F%23"
    assert odd[1] in get(worker.url + path).text
    assert get(worker.url + "/api/rooms/" + urllib.parse.quote(odd[0], safe="")).json()["room"]["url"] == path
    one = get(worker.url + "/api/rooms/RX1").json()["room"]
    assert one["name"] == HOSTILE_NAME and one["distance_m"] is None
    gone = get(worker.url + "/find/room/NOPE<b>")
    assert gone.status == 404 and "NOPE&lt;b&gt;" in gone.text and 'href="/find' in gone.text
    err = get(worker.url + "/api/rooms/NOPE").json()["error"]
    assert err["code"] == "unknown_room" and "NOPE" in err["zh"] and "NOPE" in err["en"]


def test_hostile_room_names_are_shown_as_text_and_only_the_hashed_script_runs(worker):
    """A name and an address carrying a script, an image, Markdown and HTML links come out escaped: no tag,
    no link to another host but the two map apps; the page's one script is the one the CSP's hash allows."""
    for url in (f"/find?lon={XIGONG[0]}&lat={XIGONG[1]}&open=0", "/find/room/RX1"):
        page = get(worker.url + url)
        text = page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text
        assert "<img" not in text and "<b>粗体" not in text
        hosts = {urllib.parse.urlsplit(h).netloc for h in re.findall(r'(?:href|src|action)="([^"]+)"', text)}
        assert hosts <= {"", "uri.amap.com", "api.map.baidu.com"}, hosts
        scripts = re.findall(r"<script>(.*?)</script>", text, re.S)
        csp = page.headers["Content-Security-Policy"]
        digest = [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts]
        assert all(f"'sha256-{d}'" in csp for d in digest) and len(scripts) <= 1
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Referrer-Policy"] == "no-referrer"


def test_the_page_is_small_and_needs_no_other_request(worker):
    """An answer with ten rooms and buses is under 30 kB gzipped; it loads no script, style, font or image."""
    page = get(worker.url + f"/find?lon={XIGONG[0]}&lat={XIGONG[1]}&open=0&n=10")
    assert len(gzip.compress(page.body)) < 30_000
    assert not re.search(r'<(?:script|img|link)[^>]+(?:src|href)="(?!data:)', page.text)
    assert "@font-face" not in page.text and "url(" not in page.text


def test_the_form_keeps_the_question_and_links_to_the_map(worker):
    """The page shows the filters asked for (opened), the other language keeps the question, and 在地图上查看
    opens the Streamlit finder's map at the same place."""
    q = {"near": NEAR, "amenity": "fridge", "n": "3", "open": "0", "kind": ["public", "workplace_room"]}
    text = get(worker.url + "/find?" + urllib.parse.urlencode(q, doseq=True)).text
    assert "（已设置）</summary>" in text and 'value="fridge" checked' in text and "<option selected>3</option>" in text
    assert 'value="workplace_box">' in text and 'value="public" checked' in text
    assert '<option value="0" selected>' in text
    other = re.search(r'<a class="lang" href="([^"]+)" hreflang="en">', text).group(1).replace("&amp;", "&")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(other).query) == {
        "near": [NEAR], "n": ["3"], "open": ["0"], "amenity": ["fridge"], "kind": ["workplace_room", "public"],
        "lang": ["en"]}
    mapped = re.search(r'<a class="lang" href="(/mother-rooms[^"]+)">', text).group(1).replace("&amp;", "&")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(mapped).query) == {"mr_map": ["1"], "mr_near": [NEAR]}
