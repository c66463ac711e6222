"""The web application: routes, security headers, error pages, built around a running ``App``.

What it is for: ``create_app(app, base_url=...)`` returns the ASGI application (Starlette)
that ``handoff web`` and ``handoff serve`` run with uvicorn (server.py) and tests drive
with Starlette's TestClient. Every response carries a Content-Security-Policy without
scripts, ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin`` (no address of
ours, a sign-in link least of all, leaks to another site) and, for pages, ``Cache-Control: no-store`` (a shared
computer's back button shows nothing after sign-out). Request bodies are capped at
64 KB. X-Forwarded-For/-Proto are believed only from HANDOFF_WEB_TRUSTED_PROXIES.
Not for: what the pages show (pages.py) or how sign-in works (signin.py, auth.py).
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import cast

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import templates
from agent.context import App
from agent.errors import StorageUnavailable
from agent.web import pages, signin
from agent.web.context import SignInRequired, WebState, environment, page
from agent.web.csrf import Csrf

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
CSS = Path(templates.__file__).resolve().parent / "web" / "web.css"
_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
     b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]  # fmt: skip


class SecurityHeaders:
    """Adds the headers above to every response (a handler's own CSP wins), and caps request bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            await PlainTextResponse("request body too large", status_code=413)(scope, receive, send)
            return
        seen = 0

        async def capped_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY_BYTES:
                raise HTTPException(413, "request body too large")
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in present]
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, capped_receive, send_with_headers)


async def _sign_in_first(request: Request, exc: Exception) -> Response:
    return signin.login_redirect(cast(SignInRequired, exc).next_path)


async def _http_error(request: Request, exc: Exception) -> Response:
    exc = cast(HTTPException, exc)
    titles = {403: "Refused", 404: "Not found", 405: "Not allowed", 413: "Too large"}
    detail = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else "There is no page here."
    response = page(
        request, "error.html.j2", status_code=exc.status_code, title=titles.get(exc.status_code, "Error"), detail=detail
    )
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _storage_down(request: Request, exc: Exception) -> Response:
    log.error("web page %s: %s", request.url.path, exc)
    return page(
        request,
        "error.html.j2",
        status_code=503,
        title="Not available",
        detail="The database did not answer; try again shortly.",
    )


async def _stylesheet(request: Request) -> Response:
    return FileResponse(CSS, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


async def _favicon(request: Request) -> Response:
    return Response(status_code=204, headers={"Cache-Control": "public, max-age=86400"})


async def _health(request: Request) -> Response:
    return PlainTextResponse("ok")


async def _home_slash(request: Request) -> Response:
    return RedirectResponse("/handoffs/" + request.path_params["key"], status_code=308)


def create_app(app: App, *, base_url: str, secret: bytes | None = None) -> ASGIApp:
    """The web pages over ``app`` (database, sender, settings); ``base_url`` is what people open."""
    settings = app.settings
    key = secret or (settings.web_secret.encode() if settings.web_secret else secrets.token_bytes(32))
    routes = [
        Route("/", pages.index),
        Route("/search", pages.search_page),
        Route("/handoffs/{key}", pages.handoff_page),
        Route("/handoffs/{key}/", _home_slash),
        Route("/metrics", pages.metrics_page),
        Route("/metrics/{name}.svg", pages.plot_svg),
        Route("/login", signin.login_form, methods=["GET"]),
        Route("/login", signin.login_post, methods=["POST"]),
        Route("/login/{token}", signin.redeem),
        Route("/logout", signin.logout, methods=["POST"]),
        Route("/static/web.css", _stylesheet),
        Route("/favicon.ico", _favicon),
        Route("/healthz", _health),
    ]
    web = Starlette(
        routes=routes,
        exception_handlers={
            SignInRequired: _sign_in_first,
            HTTPException: _http_error,
            StorageUnavailable: _storage_down,
        },
    )
    web.state.web = WebState(app=app, base_url=base_url.rstrip("/"), csrf=Csrf(key), env=environment())
    wrapped: ASGIApp = SecurityHeaders(web)
    if settings.web_trusted_proxies:
        wrapped = ProxyHeadersMiddleware(wrapped, trusted_hosts=settings.web_trusted_proxies)  # type: ignore[arg-type,assignment]
    return wrapped
