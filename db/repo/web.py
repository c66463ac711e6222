"""The web pages' rows: accounts as one viewer may see them, sign-in links and browser sessions.

What it is for: the queries behind agent/web/ — listing, counting and finding the
accounts an address may see (``visible_to``: a lower-cased address, or None for an
admin who sees all), and the sign-in tables (``WebLogin``, ``WebSession``): rate-limit
counts, spending a link once, finding and ending a session. Not for: who counts as an
admin, token hashing or the limits themselves (agent/web/access.py, agent/web/auth.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, inspect, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from db.models import Account, Event, WebLogin, WebSession


def _visible(visible_to: str) -> ColumnElement[bool]:
    return or_(func.lower(col(Account.rep_email)) == visible_to, func.lower(col(Account.csm_email)) == visible_to)


def visible_accounts(
    session: Session, visible_to: str | None, *, limit: int | None = None, offset: int = 0, documents: bool = True
) -> list[Account]:
    """Newest first; ``documents=False`` leaves the (large) document JSON unread."""
    stmt = select(Account).order_by(col(Account.created_at).desc(), col(Account.id).desc())
    if not documents:
        # defer takes the mapped attribute, which SQLModel's field annotations hide from the type checker
        stmt = stmt.options(defer(inspect(Account).attrs["document"].class_attribute))
    if visible_to is not None:
        stmt = stmt.where(_visible(visible_to))
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return list(session.exec(stmt))


def count_visible(session: Session, visible_to: str | None) -> int:
    stmt = sa_select(func.count()).select_from(Account)
    if visible_to is not None:
        stmt = stmt.where(_visible(visible_to))
    return int(session.execute(stmt).scalar_one())


def visible_ids(session: Session, visible_to: str) -> list[int]:
    return [i for i in session.exec(select(col(Account.id)).where(_visible(visible_to))) if i is not None]


def events_of_accounts(session: Session, account_ids: list[int]) -> list[Event]:
    """The event log of these accounts, oldest first."""
    if not account_ids:
        return []
    stmt = select(Event).where(col(Event.account_id).in_(account_ids)).order_by(col(Event.id))
    return list(session.exec(stmt))


def newest_event_id(session: Session) -> int | None:
    """The id of the last event logged (the metrics page's cache key); None while the log is empty."""
    return session.execute(sa_select(func.max(col(Event.id)))).scalar_one()


def forget_sign_ins(session: Session, before: datetime) -> None:
    """Delete link requests made, and sessions expired, before ``before``: they count for no limit."""
    session.exec(delete(WebLogin).where(col(WebLogin.requested_at) < before))
    session.exec(delete(WebSession).where(col(WebSession.expires_at) < before))


def link_requests_since(
    session: Session, since: datetime, *, email: str | None = None, client: str | None = None
) -> tuple[int, datetime | None]:
    """How many links were asked for since ``since`` by this address (or from this client), and the oldest's time."""
    column = col(WebLogin.email) if email is not None else col(WebLogin.client)
    stmt = sa_select(func.count(), func.min(col(WebLogin.requested_at))).where(
        column == (email if email is not None else client), col(WebLogin.requested_at) >= since
    )
    count, oldest = session.execute(stmt).one()
    return int(count), oldest


def spend_link(session: Session, token_hash: str, now: datetime) -> WebLogin | None:
    """Mark an unused, unexpired link used and return it; None when there is no such link (only one caller wins).

    Every other link still waiting for the same address is spent too: the newest sign-in wins.
    """
    spent = session.exec(
        update(WebLogin)
        .where(
            col(WebLogin.token_hash) == token_hash,
            col(WebLogin.used_at).is_(None),
            col(WebLogin.expires_at) > now,
        )
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        return None
    login = session.exec(select(WebLogin).where(col(WebLogin.token_hash) == token_hash)).one()
    session.exec(
        update(WebLogin)
        .where(
            col(WebLogin.email) == login.email,
            col(WebLogin.used_at).is_(None),
            col(WebLogin.token_hash).is_not(None),
        )
        .values(used_at=now)
    )
    return login


def live_session(session: Session, token_hash: str, now: datetime) -> WebSession | None:
    """The session with this token hash, unless it expired or was ended."""
    stmt = select(WebSession).where(
        col(WebSession.token_hash) == token_hash,
        col(WebSession.ended_at).is_(None),
        col(WebSession.expires_at) > now,
    )
    return session.exec(stmt).first()


def end_session(session: Session, token_hash: str, now: datetime) -> None:
    session.exec(
        update(WebSession)
        .where(col(WebSession.token_hash) == token_hash, col(WebSession.ended_at).is_(None))
        .values(ended_at=now)
    )
