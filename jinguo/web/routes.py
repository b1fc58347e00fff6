"""The two HTTP routes that set and clear the sign-in cookie (mounted by ``serve_app.py``).

A Streamlit script talks to the browser over a websocket and cannot set an HttpOnly cookie. Streamlit
1.67's ``st.App`` can mount extra Starlette routes beside the app, so:

* ``GET /_jinguo/session?code=…`` exchanges the one-time code made at sign-in
  (:func:`jinguo.auth.sessions.start`, valid 60 s, once) for a session token and sets it as a signed,
  HttpOnly, SameSite=Strict cookie (Secure over https). The browser calls it with a same-origin
  ``fetch`` from a tiny component frame right after sign-in, so the page and its URL stay as they are;
* ``GET /_jinguo/signout?next=…`` ends the session its cookie names and clears the cookie. The tab calls it
  the same way after 退出登录, once it has ended its own session server-side (:func:`jinguo.signin.sign_out`:
  the cookie's session is dead even if this call never arrives).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from jinguo.auth import sessions


def safe_next(value: str | None) -> str:
    """A local path (with its query) to go back to; anything else (another site, a scheme) is '/'."""
    v = (value or "/").strip()
    parts = urlsplit(v)
    if (not v.startswith("/") or v.startswith("//") or "\\" in v or parts.scheme or parts.netloc
            or any(ord(c) < 32 for c in v)):
        return "/"
    return v


def _cookie(resp: Response, request: Request, value: str, max_age: int) -> None:
    resp.set_cookie(sessions.COOKIE, value, max_age=max_age, path="/", httponly=True, samesite="strict",
                    secure=request.url.scheme == "https")


async def session_start(request: Request) -> Response:
    token = await run_in_threadpool(sessions.exchange, request.query_params.get("code", ""))
    resp = Response(status_code=204 if token else 403)
    if token:
        _cookie(resp, request, await run_in_threadpool(sessions.sign, token), sessions.ABSOLUTE_SECONDS)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


async def session_end(request: Request) -> RedirectResponse:
    token = await run_in_threadpool(sessions.unsign, request.cookies.get(sessions.COOKIE))
    await run_in_threadpool(sessions.end, token)
    resp = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    _cookie(resp, request, "", 0)
    resp.headers["Cache-Control"] = "no-store"
    return resp


ROUTES = [Route("/_jinguo/session", session_start, methods=["GET"]),
          Route("/_jinguo/signout", session_end, methods=["GET"])]
