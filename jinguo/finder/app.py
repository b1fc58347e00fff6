"""The public finder's HTTP face: ``/find``, ``/find/room/ID``, ``/api/rooms/near``, ``/api/rooms/ID``.

Served two ways (README, "The public room finder"): beside the Streamlit app in one process under
``make run`` (``serve_app.py`` mounts :data:`ROUTES` through ``st.App``), and by its own worker processes under
``python -m jinguo serve --finder-workers N`` (:data:`app` on uvicorn, behind the same nginx).

Pages are rendered on the server with Jinja2 (autoescaping on: every text from data is escaped, never a link
or markup of its own), with no framework and no request to any other host; the only script is the constant
geolocation snippet, allowed by its hash in the Content-Security-Policy, and the page works without it.
Answers carry ``Cache-Control``; nginx keeps identical questions briefly.

Handlers are ``async`` and answer on the event loop: an answer is about a millisecond of CPU (the pool in
memory), less than a hop to a thread pool would cost, and a worker is one core anyway.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import re
import urllib.parse
from pathlib import Path

import jinja2
import segno
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from jinguo.finder import params
from jinguo.finder.answer import Answer, Finder, Unanswerable, tr
from jinguo.geo import coords
from jinguo.store.db import DatabaseMissing
from jinguo.text import i18n
from jinguo.views import rooms
from jinguo.views.state import ORIGIN_ICON

HERE = Path(__file__).resolve().parent
CSS = (HERE / "static" / "find.css").read_text(encoding="utf-8")
GEO_JS = (HERE / "static" / "geo.js").read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


# Nothing but this page's own constant style and script, and images from itself or data: URLs (the QR code is
# inline SVG). Forms post only here; no frame may embed the page; no base URL may be changed.
CSP = (f"default-src 'none'; script-src {_sha256(GEO_JS)}; style-src {_sha256(CSS)}; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
ANSWER_MAX_AGE = 30        # open now changes by the minute: an answer is kept half of one
PAGE_MAX_AGE = 300         # the empty form, a room's page
HOST_RE = re.compile(r"^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")

TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                               trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
FINDER = Finder()


def public_base(request: Request) -> str:
    """Where this site is reached, for the QR code printed on a door: $JINGUO_PUBLIC_URL when set (it should
    be, in production: the code must keep working for years), else the scheme and host of the request."""
    base = os.environ.get("JINGUO_PUBLIC_URL", "").strip().rstrip("/")
    if base:
        return base
    host = request.headers.get("host", "")
    if not HOST_RE.match(host):
        host = "localhost"
    return f"{request.url.scheme}://{host}"


def _headers(lang_from_url: bool, max_age: int | None) -> dict[str, str]:
    h = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
         "Cache-Control": f"public, max-age={max_age}" if max_age else "no-store"}
    if not lang_from_url:
        h["Vary"] = "Accept-Language"
    return h


def _asked_lang(request: Request) -> str | None:
    """``lang`` from the URL when it is one the finder speaks."""
    asked = request.query_params.get("lang")
    return asked if asked in i18n.LANGS else None


def _lang(request: Request, asked: str | None) -> str:
    return params.negotiate(asked, request.headers.get("accept-language"))


def _url(path: str, query: dict) -> str:
    return path + ("?" + urllib.parse.urlencode(query, doseq=True) if query else "")


def _origin_notes(origins: list[str], t) -> list[str]:
    return [f"{ORIGIN_ICON.get(o, '')} {t('origin.' + o)}：{t('origin.' + o + '_help')}" for o in origins
            if i18n.has("origin." + o)]


def _page(name: str, status: int, lang: str, lang_from_url: bool, max_age: int | None, **ctx) -> HTMLResponse:
    t = tr(lang)
    other = "en" if lang == "zh" else "zh"
    q: params.Question = ctx.get("q") or params.Question()
    ctx.setdefault("origins", [])
    html = TEMPLATES.get_template(name).render(
        t=t, lang=lang, css=CSS, geo_js=GEO_JS, lang_q="?lang=en" if lang == "en" else "",
        other_lang_url=_url(ctx.pop("path", "/find"), q.query(lang=other)), **ctx)
    return HTMLResponse(html, status_code=status, headers=_headers(lang_from_url, max_age))


def _map_url(q: params.Question, ans: Answer | None, lang: str) -> str:
    """The Streamlit finder's map (在地图上查看) for the same question."""
    query = {"mr_map": "1"}
    if ans is not None:
        query["mr_near"] = q.near if ans.how.startswith("address") else f"{ans.lon:.6f},{ans.lat:.6f}"
    if lang == "en":
        query["lang"] = "en"
    return _url("/mother-rooms", query)


def _located(ans: Answer, t) -> str:
    if ans.question.geo:
        return t("public.located_you")
    if ans.how == "point_swapped":
        return t("rooms.near_swapped")
    if ans.how.startswith("address:"):
        return t("rooms.located_address", name=ans.how.split(":", 1)[1])
    return t("public.located_point")


def _choices(t) -> dict:
    return {"n_choices": params.N_CHOICES,
            "amenity_choices": [(a, rooms.AMENITY_ICONS[a], t(f"rooms.am_{a}")) for a in rooms.AMENITIES],
            "kind_choices": [(k, t(f"rooms.kind_{k}")) for k in rooms.KINDS],
            "crs_choices": [(c, t(f"rooms.crs_{c}")) for c in coords.CRS]}


async def find(request: Request) -> Response:
    """The light page: the question, and with a place the answer in the same response."""
    try:
        q = params.parse(request.query_params)
    except params.BadParam as e:
        asked = _asked_lang(request)
        lang = _lang(request, asked)
        return _form(request, params.Question(lang=asked), lang, 400, e.message(lang))
    lang = _lang(request, q.lang)
    if not q.asked:
        return _form(request, q, lang, 200, "")
    t = tr(lang)
    try:
        ans = FINDER.answer(q, lang)
    except Unanswerable as e:
        return _form(request, q, lang, 400, t(e.key))
    heading = t("finder.nearest_open" if q.open_now else "finder.nearest", n=len(ans.rooms))
    none_text = t("finder.none_open" if q.open_now else "rooms.none")
    near_value = q.near or f"{q.lon:.6f},{q.lat:.6f}"
    return _page("find.html", 200, lang, q.lang is not None, ANSWER_MAX_AGE, q=q, answer=ans, heading=heading,
                 none_text=none_text, located=_located(ans, t), message="", near_value=near_value,
                 narrowed=_narrowed(q), map_url=_map_url(q, ans, lang),
                 origins=_origin_notes(ans.origins, t), **_choices(t))


def _narrowed(q: params.Question) -> bool:
    return bool(q.amenities) or set(q.kinds) != set(rooms.KINDS) or not q.open_now or q.n != params.N_DEFAULT


def _form(request: Request, q: params.Question, lang: str, status: int, message: str) -> HTMLResponse:
    t = tr(lang)
    near_value = q.near or (f"{q.lon:.6f},{q.lat:.6f}" if q.lon is not None else "")
    return _page("find.html", status, lang, q.lang is not None, PAGE_MAX_AGE if status == 200 else None, q=q,
                 answer=None, message=message, near_value=near_value, narrowed=_narrowed(q),
                 map_url=_map_url(q, None, lang), heading="", none_text="", located="", **_choices(t))


def _qr_svg(url: str) -> str:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", xmldecl=False, nl=False, omitsize=True, border=4,
                                    dark="#000", light="#fff")
    return buf.getvalue().decode("ascii")


async def room_page(request: Request) -> Response:
    """A room's own page, with the QR code of this page's lasting URL (for its door)."""
    asked = _asked_lang(request)
    lang = _lang(request, asked)
    t = tr(lang)
    rid = request.path_params["room_id"]
    q = params.Question(lang=asked)
    path = rooms.room_path(rid)
    room = FINDER.room(rid, lang)
    if room is None:
        return _page("room.html", 404, lang, asked is not None, None, q=q, room=None, path=path,
                     message=t("finder.room_unknown", id=rid[:40]))
    page_url = public_base(request) + path
    return _page("room.html", 200, lang, asked is not None, PAGE_MAX_AGE, q=q, room=room, path=path,
                 page_url=page_url, qr_svg=_qr_svg(page_url), origins=_origin_notes([room["origin"]], t))


# ---------------------------------------------------------------------------------------------- JSON
def _json(body: dict, status: int = 200, max_age: int | None = ANSWER_MAX_AGE, vary: bool = True) -> Response:
    h = {"Cache-Control": f"public, max-age={max_age}" if max_age and status == 200 else "no-store",
         "X-Content-Type-Options": "nosniff", "Access-Control-Allow-Origin": "*"}
    if vary:
        h["Vary"] = "Accept-Language"
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status_code=status,
                    media_type="application/json; charset=utf-8", headers=h)


def _error(code: str, messages: dict[str, str], status: int = 400, **extra) -> Response:
    return _json({"error": {"code": code, **extra, **messages}}, status=status, vary=False)


def _both(fn) -> dict[str, str]:
    return {lang: fn(lang) for lang in i18n.LANGS}


def _public_room(r: dict) -> dict:
    out = {k: v for k, v in r.items() if k != "amenity_labels"}
    out["amenity_labels"] = [word for _, word in r["amenity_labels"]]
    return out


async def api_near(request: Request) -> Response:
    """``/api/rooms/near``: the nearest public rooms to a point (or a place), as JSON (README: the contract)."""
    try:
        q = params.parse(request.query_params)
        if not q.asked:
            raise params.BadParam("lon", "", "why_needed")
    except params.BadParam as e:
        return _error("bad_param", _both(e.message), param=e.name)
    lang = _lang(request, q.lang)
    try:
        ans = FINDER.answer(q, lang)
    except Unanswerable as e:
        key = e.key
        return _error("no_place", _both(lambda lg: i18n.t(key, lg)))
    return _json({
        "lang": lang,
        "query": {"near": q.near or None, "lon": q.lon, "lat": q.lat, "crs": q.crs, "n": q.n,
                  "radius_m": round(q.radius_km * 1000.0, 1), "open": q.open_now, "amenity": list(q.amenities),
                  "kind": list(q.kinds)},
        "centre": {"lon": round(ans.lon, 6), "lat": round(ans.lat, 6), "crs": "gcj02", "how": ans.how},
        "rooms": [_public_room(r) for r in ans.rooms],
        "mobile": None if ans.buses is None else [_public_room(b) for b in ans.buses],
        "origins": ans.origins,
    }, vary=q.lang is None)


async def api_room(request: Request) -> Response:
    """``/api/rooms/ID``: one public room as JSON; 404 with a bilingual message when the public has none."""
    asked = _asked_lang(request)
    lang = _lang(request, asked)
    rid = request.path_params["room_id"]
    room = FINDER.room(rid, lang)
    if room is None:
        return _error("unknown_room", _both(lambda lg: i18n.t("public.api_room_unknown", lg, id=rid[:40])),
                      status=404)
    return _json({"lang": lang, "room": _public_room(room)}, max_age=PAGE_MAX_AGE, vary=asked is None)


def _no_db(handler):
    """No database yet: a 503 saying so, never a traceback."""
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except DatabaseMissing:
            msg = _both(lambda lg: i18n.t("app.no_db", lg))
            return Response(f"{msg['zh']}\n{msg['en']}\n", status_code=503, media_type="text/plain; charset=utf-8",
                            headers={"Cache-Control": "no-store", "Retry-After": "30"})
    wrapped.__name__ = handler.__name__
    return wrapped


ROUTES = [Route("/find", _no_db(find), methods=["GET", "HEAD"]),
          Route("/find/room/{room_id:path}", _no_db(room_page), methods=["GET", "HEAD"]),
          Route("/api/rooms/near", _no_db(api_near), methods=["GET", "HEAD"]),
          Route("/api/rooms/{room_id:path}", _no_db(api_room), methods=["GET", "HEAD"])]


@contextlib.asynccontextmanager
async def _warm(_app):
    """A worker loads the pool, names and the default filter before its first reader (when the file exists)."""
    with contextlib.suppress(DatabaseMissing):
        FINDER.warm()
    yield


app = Starlette(routes=ROUTES, lifespan=_warm)
