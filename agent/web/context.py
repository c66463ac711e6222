"""What every request handler shares: the web state, the signed-in viewer, cookies, pages.

What it is for: ``WebState`` (the service's ``App``, the public base address, the CSRF
signer, the template environment), ``current_viewer`` / ``require_viewer`` (a missing
or dead session becomes a redirect to /login), ``page`` (render a template under
templates/web/ with the viewer and a fresh form token, setting the CSRF cookie when
the browser has none) and ``check_form`` (the CSRF check every POST goes through).
Cookies are HttpOnly and SameSite=Lax, and Secure whenever the request arrived over
HTTPS (directly, or per X-Forwarded-Proto from a proxy in HANDOFF_WEB_TRUSTED_PROXIES)
or HANDOFF_WEB_BASE_URL is https. Not for: the routes themselves (signin.py, pages.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

import templates
from agent.context import App
from agent.web import auth
from agent.web.access import Viewer, viewer_for
from agent.web.csrf import COOKIE as CSRF_COOKIE
from agent.web.csrf import FIELD as CSRF_FIELD
from agent.web.csrf import Csrf, from_elsewhere, new_nonce, origin_of
from agent.wording import translations

SESSION_COOKIE = "handoff_session"
_UNKNOWN = object()


@dataclass
class WebState:
    app: App
    base_url: str  # no trailing slash; links in mail are built from it, never from the request's Host
    csrf: Csrf
    env: Environment = field(repr=False)

    @property
    def own_origins(self) -> frozenset[str]:
        return frozenset({origin_of(self.base_url)})


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    """templates/web/ (and the shared document macros beside it): HTML autoescaped, undefined names an error."""
    folder = Path(templates.__file__).resolve().parent
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(["html", "html.j2", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # The pages are English; the shared document macros say their own words through _() (agent/wording.py),
    # and a document's labels arrive already in its language from render.doc_view.
    env.install_gettext_translations(translations("en"), newstyle=True)  # type: ignore[attr-defined]
    return env


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def state(request: Request) -> WebState:
    return request.app.state.web


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https" or state(request).base_url.startswith("https:")


async def current_viewer(request: Request) -> Viewer | None:
    known = getattr(request.state, "viewer", _UNKNOWN)
    if known is not _UNKNOWN:
        return cast("Viewer | None", known)
    web = state(request)
    email = await run_in_threadpool(auth.session_email, web.app, request.cookies.get(SESSION_COOKIE))
    request.state.viewer = viewer_for(web.app.settings, email) if email else None
    return request.state.viewer


async def require_viewer(request: Request) -> Viewer:
    viewer = await current_viewer(request)
    if viewer is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path)
    return viewer


def _binding(request: Request) -> str:
    token = request.cookies.get(SESSION_COOKIE)
    return auth.digest(token) if token and getattr(request.state, "viewer", None) else ""


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=is_secure(request)
    )


def page(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render templates/web/<template> with the viewer, the nav and a form token."""
    web = state(request)
    nonce = request.cookies.get(CSRF_COOKIE) or ""
    fresh = not (16 <= len(nonce) <= 64 and nonce.replace("-", "").replace("_", "").isalnum())
    if fresh:
        nonce = new_nonce()
    context.setdefault("viewer", getattr(request.state, "viewer", None))
    context.setdefault("section", "")
    body = web.env.get_template(f"web/{template}").render(
        csrf_field=CSRF_FIELD, csrf_token=web.csrf.token(nonce, _binding(request)), **context
    )
    response = HTMLResponse(body, status_code=status_code)
    if fresh:
        set_cookie(request, response, CSRF_COOKIE, nonce)
    return response


async def check_form(request: Request) -> FormData:
    """The posted form, once its CSRF token and the browser's origin headers say it came from our own page."""
    web = state(request)
    own = {*web.own_origins, origin_of(str(request.base_url))}
    form = await request.form(max_files=0, max_fields=20, max_part_size=16 * 1024)
    token = form.get(CSRF_FIELD)
    if from_elsewhere(request.headers, own) or not web.csrf.valid(
        request.cookies.get(CSRF_COOKIE), token if isinstance(token, str) else None, _binding(request)
    ):
        raise HTTPException(403, "This form came from another site, or it is too old: reload the page and try again.")
    return form
