"""The sign-in routes: ask for a link, follow it, sign out.

What it is for: GET/POST /login (one field, ``email``; the answer is the same page for
every well-formed address, whether or not it may sign in, so the page tells nobody who
has an account), GET /login/<token> (spends the link and sets the session cookie, then
goes where the visitor was headed) and POST /logout. The mail is recorded in the outbox
table and handed to the sender before the answer, so when the page says "check your mail"
the mail is there. Whether a link is sent depends on the address's domain alone (every
company address may sign in, with or without handoffs), so the answer's timing tells
nothing the company's domain does not. Not for: the rules themselves (auth.py).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from agent.web import auth, backend
from agent.web.context import (
    SESSION_COOKIE,
    check_form,
    client_of,
    current_viewer,
    is_secure,
    page,
    set_cookie,
    state,
)


def login_redirect(next_path: str) -> RedirectResponse:
    target = "/login" if next_path in ("", "/") else "/login?" + urlencode({"next": next_path})
    return RedirectResponse(target, status_code=303)


async def login_form(request: Request) -> Response:
    next_path = auth.clean_next(request.query_params.get("next"))
    if await current_viewer(request) is not None:
        return RedirectResponse(next_path, status_code=303)
    return page(request, "login.html.j2", email="", error="", next=next_path)


async def login_post(request: Request) -> Response:
    form = await check_form(request)
    typed = str(form.get("email") or "")
    next_path = auth.clean_next(str(form.get("next") or "/"))
    address = auth.clean_address(typed)
    if address is None:
        error = f"“{typed.strip()[:100]}” is not an e-mail address: write it as name@yourcompany.com."
        if not typed.strip():
            error = "Type your e-mail address, such as name@yourcompany.com."
        return page(request, "login.html.j2", status_code=400, email=typed[:254], error=error, next=next_path)
    web = state(request)
    asked = await run_in_threadpool(auth.request_link, web.app, address, client_of(request), web.base_url, next_path)
    if asked.outcome == "limited":
        minutes = max(1, round(asked.retry_after_s / 60))
        response = page(
            request,
            "login.html.j2",
            status_code=429,
            email=address,
            error=f"Too many sign-in requests for this address or from this network: try again in {minutes} minutes.",
            next=next_path,
        )
        response.headers["Retry-After"] = str(asked.retry_after_s)
        return response
    if asked.outbound_id is not None:
        await backend.send_mail(web.app, asked.outbound_id)
    return page(request, "login_sent.html.j2", email=address)


async def redeem(request: Request) -> Response:
    web = state(request)
    token = request.path_params["token"]
    opened = await run_in_threadpool(auth.redeem_link, web.app, token, client_of(request))
    if opened is None:
        return page(request, "link_refused.html.j2", status_code=400, email="", error="", next="/")
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        await run_in_threadpool(auth.end_session, web.app, previous)
    response = RedirectResponse(opened.next_path, status_code=303)
    max_age = int(web.app.settings.web_session_hours * 3600)
    set_cookie(request, response, SESSION_COOKIE, opened.token, max_age=max_age)
    return response


async def logout(request: Request) -> Response:
    await current_viewer(request)
    await check_form(request)
    await run_in_threadpool(auth.end_session, state(request).app, request.cookies.get(SESSION_COOKIE))
    response = page(request, "signed_out.html.j2", viewer=None)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_secure(request))
    return response
