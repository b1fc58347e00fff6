"""Sending readers of the Streamlit app to the light finder where it serves them better (an ASGI middleware
that ``serve_app.py`` puts in front of the app; under ``jinguo serve`` every request for ``/`` reaches an app
process, so this one rule serves both ways of running).

* A phone (a User-Agent with "Mobi", as phone browsers send) that opens ``/`` without a sign-in (no session
  cookie) goes to ``/find``: the Streamlit root would land it on the Streamlit finder anyway, at the cost
  of 850 kB and seconds. The finder's own parameters of a link shared before (``/?mr_near=…``) come along
  (``near``, ``open``, ``kind``, ``lang``), so it reaches the same answer. Desktops, and anyone signed in,
  keep the dashboard.
* A room's old link (``/mother-rooms?room=ID``, printed in QR codes before ``/find/room/ID`` existed) goes to
  the room's page, on every device, unless the reader is signed in (staff see the contact on the
  Streamlit page).

The session cookie is only looked for, not checked: a stale one keeps the dashboard, which is harmless.
"""

from __future__ import annotations

import re
import urllib.parse

from jinguo.auth import sessions
from jinguo.views import rooms

PHONE_UA = "Mobi"
FINDER_PAGE = "/mother-rooms"
# The Streamlit finder's URL parameters that mean the same on /find.
CARRIED = {"mr_near": "near", "mr_kind": "kind", "lang": "lang"}
_COOKIE = re.compile(r"(?:^|;)\s*" + re.escape(sessions.COOKIE) + r"=[^;\s]")


def target(path: str, query: str, user_agent: str, cookie: str) -> str | None:
    """Where to send this request, or None to let the app answer it."""
    if _COOKIE.search(cookie or ""):
        return None
    qp = urllib.parse.parse_qs(query, keep_blank_values=False)
    lang = "?lang=en" if qp.get("lang", [""])[-1] == "en" else ""
    if path == FINDER_PAGE and qp.get("room"):
        return rooms.room_path(qp["room"][-1].strip()[:40]) + lang
    if path == "/" and PHONE_UA in (user_agent or ""):
        carried = [(CARRIED[k], qp[k][-1]) for k in CARRIED if qp.get(k)]
        if qp.get("mr_open", [""])[-1] == "0":
            carried.append(("open", "0"))
        return "/find" + ("?" + urllib.parse.urlencode(carried) if carried else "")
    return None


class PhoneRedirect:
    """ASGI middleware: a 302 to :func:`target` for GET and HEAD requests that have one."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            to = target(scope.get("path", ""), scope.get("query_string", b"").decode("utf-8", "replace"),
                        headers.get("user-agent", ""), headers.get("cookie", ""))
            if to:
                await send({"type": "http.response.start", "status": 302,
                            "headers": [(b"location", to.encode("latin-1")), (b"cache-control", b"no-store"),
                                        (b"vary", b"User-Agent, Cookie"), (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)
