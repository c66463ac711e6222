"""Customer accounts: found by token, domain, name or invite, listed, locked for update.

What it is for: every query over the ``account`` table. Not for: deciding which
account a message belongs to (agent/accounts.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import (
    Account,
    Snapshot,
)


def account_by_token(session: Session, token: str) -> Account | None:
    return session.exec(select(Account).where(Account.token == token)).first()


def account_by_domain(session: Session, domain: str) -> Account | None:
    return session.exec(select(Account).where(Account.domain == domain.lower())).first()


def find_account(session: Session, key: str) -> Account | None:
    """By domain, exact name, or a unique case-insensitive name prefix."""
    key = key.strip()
    found = account_by_domain(session, key)
    if found is not None:
        return found
    rows = list(
        session.exec(
            select(Account).where(
                or_(func.lower(Account.name) == key.lower(), col(Account.domain).startswith(key.lower()))
            )
        )
    )
    if len(rows) == 1:
        return rows[0]
    rows = list(session.exec(select(Account).where(func.lower(Account.name).startswith(key.lower()))))
    return rows[0] if len(rows) == 1 else None


def account_by_name(session: Session, name: str) -> Account | None:
    return session.exec(select(Account).where(func.lower(Account.name) == name.strip().lower())).first()


def list_accounts(session: Session) -> list[Account]:
    return list(session.exec(select(Account).order_by(Account.name)))


def accounts_of_rep(session: Session, rep_email: str, *, open_only: bool = False) -> list[Account]:
    stmt = select(Account).where(Account.rep_email == rep_email.lower())
    if open_only:
        stmt = stmt.where(Account.status != "delivered")
    return list(session.exec(stmt.order_by(col(Account.id))))


def account_names_of_rep(
    session: Session, rep_email: str, *, open_only: bool = False
) -> list[tuple[int, str | None, str]]:
    """(id, domain, name) of the rep's accounts, oldest first: without loading their documents."""
    stmt = sa_select(col(Account.id), col(Account.domain), col(Account.name)).where(
        col(Account.rep_email) == rep_email.lower()
    )
    if open_only:
        stmt = stmt.where(col(Account.status) != "delivered")
    return [(int(i), d, n) for i, d, n in session.execute(stmt.order_by(col(Account.id)))]


def open_accounts_per_csm(session: Session) -> dict[str, int]:
    """How many accounts not yet delivered each CSM holds (the roster's load), counted in the database."""
    stmt = (
        sa_select(col(Account.csm_email), func.count())
        .where(col(Account.csm_email).is_not(None), col(Account.status) != "delivered")
        .group_by(col(Account.csm_email))
    )
    return {email: int(n) for email, n in session.execute(stmt)}


def accounts_awaiting_handoff(session: Session) -> list[Account]:
    """Signed but never handed over: the ones the 48-hour rule watches (an update after delivery is not late)."""
    stmt = select(Account).where(
        col(Account.contract_signed).is_not(None),
        col(Account.status).not_in(("approved", "delivered")),
        col(Account.delivered_at).is_(None),
    )
    return list(session.exec(stmt))


def account_ids_due_for_draft(session: Session, now: datetime) -> list[int]:
    """Accounts whose draft's debounce has run out."""
    stmt = sa_select(col(Account.id)).where(col(Account.draft_due_at).is_not(None), col(Account.draft_due_at) <= now)
    return [int(i) for i in session.execute(stmt).scalars()]


def account_ids_with_draft_waiting(session: Session) -> list[int]:
    """Accounts with a draft waiting for its debounce, due or not."""
    stmt = sa_select(col(Account.id)).where(col(Account.draft_due_at).is_not(None))
    return [int(i) for i in session.execute(stmt).scalars()]


def account_by_invite_uid(session: Session, uid: str) -> Account | None:
    return session.exec(select(Account).where(Account.invite_uid == uid)).first()


def lock_account(session: Session, account_id: int) -> Account:
    """Load an account for update (a row lock on PostgreSQL; SQLite serializes writers anyway)."""
    stmt = select(Account).where(Account.id == account_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.exec(stmt).one()


def delivered_accounts(session: Session) -> list[Account]:
    """Accounts delivered at least once, oldest first (the check-backs count from the first delivery)."""
    return list(session.exec(select(Account).where(col(Account.delivered_at).is_not(None)).order_by(col(Account.id))))


def account_ids_missing_snapshot(session: Session) -> list[int]:
    """Delivered accounts whose current revision has no snapshot (a crash came between the two)."""
    stmt = (
        sa_select(col(Account.id))
        .outerjoin(
            Snapshot,
            and_(col(Snapshot.account_id) == col(Account.id), col(Snapshot.revision) == col(Account.revision)),
        )
        .where(col(Account.status) == "delivered", col(Snapshot.id).is_(None))
    )
    return [int(i) for i in session.execute(stmt).scalars()]
