"""Who sees what: a rep their own handoffs, a CSM the ones assigned to them, admins all.

What it is for: ``Viewer`` (a signed-in address and whether it sees everything:
HANDOFF_WEB_ADMINS and HANDOFF_SALES_OPS_ADDRESS do) and the queries every page goes
through to find accounts, so no page can list, search or open an account the viewer
may not see. An account the viewer may not see is answered exactly like one that does
not exist. Not for: signing in (auth.py) or rendering (pages.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from agent.web import backend
from db.models import Account

if TYPE_CHECKING:
    from agent.settings import Settings


@dataclass(frozen=True, slots=True)
class Viewer:
    email: str
    admin: bool

    def sees(self, account: Account) -> bool:
        if self.admin:
            return True
        return self.email in {(account.rep_email or "").lower(), (account.csm_email or "").lower()}

    @property
    def role(self) -> str:
        return "sees every handoff" if self.admin else "sees the handoffs they own or receive"


def viewer_for(settings: Settings, email: str) -> Viewer:
    email = email.lower()
    admins = {a.lower() for a in settings.web_admins}
    if settings.sales_ops_address:
        admins.add(settings.sales_ops_address.lower())
    return Viewer(email=email, admin=email in admins)


def _visible(viewer: Viewer) -> Any:
    return or_(func.lower(Account.rep_email) == viewer.email, func.lower(Account.csm_email) == viewer.email)


def visible_accounts(
    session: Session, viewer: Viewer, *, limit: int | None = None, offset: int = 0, documents: bool = True
) -> list[Account]:
    """Newest first; ``documents=False`` leaves the (large) document JSON unread."""
    stmt = select(Account).order_by(col(Account.created_at).desc(), col(Account.id).desc())
    if not documents:
        stmt = stmt.options(defer(Account.document))  # type: ignore[arg-type]
    if not viewer.admin:
        stmt = stmt.where(_visible(viewer))
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return list(session.exec(stmt))


def count_visible(session: Session, viewer: Viewer) -> int:
    stmt = select(func.count()).select_from(Account)
    if not viewer.admin:
        stmt = stmt.where(_visible(viewer))
    return int(session.exec(stmt).one())


def visible_ids(session: Session, viewer: Viewer) -> list[int] | None:
    """The account ids the viewer may see; None means all of them (an admin)."""
    if viewer.admin:
        return None
    return [i for i in session.exec(select(Account.id).where(_visible(viewer))) if i is not None]


def visible_account(session: Session, viewer: Viewer, key: str) -> Account | None:
    """The account at /handoffs/<key>, or None when it does not exist or the viewer may not see it."""
    account = backend.account_by_key(session, key)
    if account is None or not viewer.sees(account):
        return None
    return account
