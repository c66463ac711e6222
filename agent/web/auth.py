"""Sign-in by emailed link, sessions with a fixed lifetime, and the limits on asking for links.

What it is for: ``request_link`` (POST /login) checks the limits per address and per
client, records the request, and — only for a company address — records a mail with a
one-time link through the outbox like every other notice; ``redeem_link`` (GET
/login/<token>) spends a link once, within 15 minutes, and opens a session;
``session_email`` reads the session cookie; ``end_session`` signs out. Links and
session tokens are 256-bit random values; the database keeps only their SHA-256, so a
copy of it signs nobody in. Not for: who sees which handoff (access.py), CSRF
(csrf.py) or HTTP (app.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import textwrap
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from sqlmodel import Session

from agent.web import backend
from db import repo
from db.models import WebLogin, WebSession, as_utc
from db.session import session_scope

if TYPE_CHECKING:
    from agent.context import App
    from agent.settings import Settings

log = logging.getLogger(__name__)

LINK_TTL = timedelta(minutes=15)
RATE_WINDOW = timedelta(hours=1)
KEEP_REQUESTS = timedelta(days=1)  # older requests count for no limit and are deleted
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
_NEXT = re.compile(r"^/(?:[A-Za-z0-9._~!$&'()*+,;=:@%/-]|\?)*$")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def clean_address(text: str) -> str | None:
    """A bare address, lowercased, or None when the text is not one (names, lists and headers are not)."""
    text = text.strip()
    if len(text) > 254 or not _ADDRESS.match(text):
        return None
    return text.lower()


def clean_next(path: str | None) -> str:
    """Where to go after signing in: a path on this site only (never //host or a scheme)."""
    if not path or len(path) > 500 or path.startswith("//") or "\\" in path or not _NEXT.match(path):
        return "/"
    return path


def may_sign_in(settings: Settings, email: str) -> bool:
    """A company address, but never the service's own inbox (a link mailed there would be read as a forward)."""
    local, _, domain = email.partition("@")
    inbox_local, _, inbox_domain = settings.inbox_address.partition("@")
    if domain == inbox_domain and (local == inbox_local or local.startswith(inbox_local + "+")):
        return False
    return settings.is_company_address(email)


@dataclass(frozen=True, slots=True)
class LinkRequest:
    outcome: Literal["recorded", "limited"]
    outbound_id: int | None = None  # the mail to send, when a link was made
    retry_after_s: int = 0


def request_link(app: App, email: str, client: str, base_url: str, next_path: str = "/") -> LinkRequest:
    """POST /login: the same outcome for every address within the limits; only company addresses get mail."""
    settings = app.settings
    now = app.now()
    with session_scope(app.engine) as session:
        repo.forget_sign_ins(session, now - KEEP_REQUESTS)
        since = now - RATE_WINDOW
        for by, limit in (
            ({"email": email}, settings.web_logins_per_address_per_hour),
            ({"client": client}, settings.web_logins_per_client_per_hour),
        ):
            count, oldest = repo.link_requests_since(session, since, **by)
            if count >= limit:
                wait = (as_utc(oldest) or now) + RATE_WINDOW - now
                log.warning("sign-in link for %s from %s refused: %d requests in the last hour", email, client, count)
                return LinkRequest("limited", retry_after_s=max(60, int(wait.total_seconds()) + 1))
        row = WebLogin(email=email, client=client[:100], requested_at=now, next_path=clean_next(next_path))
        token = None
        if may_sign_in(settings, email):
            token = secrets.token_urlsafe(32)
            row.token_hash, row.expires_at = digest(token), now + LINK_TTL
        session.add(row)
        session.flush()
        if token is None:
            return LinkRequest("recorded")
        outbound_id = backend.record_mail(
            app,
            session,
            key=f"signin:{row.id}",
            kind="signin",
            to=email,
            subject="Your sign-in link for handoff",
            title="Sign in to handoff",
            text=signin_text(f"{base_url}/login/{token}"),
        )
    return LinkRequest("recorded", outbound_id=outbound_id)


def signin_text(link: str) -> str:
    """Short lines, the link on its own: the plain part stays 7-bit, so the link is intact even in the raw mail."""
    minutes = int(LINK_TTL.total_seconds() // 60)
    after = (
        f"It works once, within {minutes} minutes. If you did not ask for it, ignore this mail: "
        "nobody can sign in without the link."
    )
    return f"Open this link to sign in to handoff:\n\n{link}\n\n{textwrap.fill(after, 70)}"


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # goes into the cookie, never stored
    email: str
    expires_at: datetime
    next_path: str


def redeem_link(app: App, token: str, client: str) -> NewSession | None:
    """Spend a link (once, unexpired) and open a session; None for a used, expired or unknown link."""
    if not _TOKEN.match(token):
        return None
    now = app.now()
    hashed = digest(token)
    with session_scope(app.engine) as session:
        login = repo.spend_link(session, hashed, now)
        if login is None:
            log.info("a used, expired or unknown sign-in link was opened from %s", client)
            return None
        log.info("web sign-in: %s from %s", login.email, client)
        return _open_session(app, session, login.email, client, login.next_path)


def _open_session(app: App, session: Session, email: str, client: str, next_path: str) -> NewSession:
    token = secrets.token_urlsafe(32)
    expires = app.now() + timedelta(hours=app.settings.web_session_hours)
    session.add(
        WebSession(token_hash=digest(token), email=email, client=client[:100], created_at=app.now(), expires_at=expires)
    )
    session.flush()
    return NewSession(token=token, email=email, expires_at=expires, next_path=next_path)


def session_email(app: App, token: str | None) -> str | None:
    """The signed-in address for a session cookie, or None (absent, unknown, expired or signed out)."""
    if not token or not _TOKEN.match(token):
        return None
    with session_scope(app.engine) as session:
        row = repo.live_session(session, digest(token), app.now())
        return row.email if row is not None else None


def end_session(app: App, token: str | None) -> None:
    if not token or not _TOKEN.match(token):
        return
    with session_scope(app.engine) as session:
        repo.end_session(session, digest(token), app.now())
