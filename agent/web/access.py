"""Who sees what: a rep their own handoffs, a CSM the ones assigned to them, admins all.

What it is for: ``Viewer`` (a signed-in address and whether it sees everything:
HANDOFF_WEB_ADMINS and HANDOFF_SALES_OPS_ADDRESS do) and the queries every page goes
through to find accounts, so no page can list, search or open an account the viewer
may not see. An account the viewer may not see is answered exactly like one that does
not exist. Not for: signing in (auth.py) or rendering (pages.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session

from agent.web import backend
from db import repo
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
    def limited_to(self) -> str | None:
        """The address whose accounts the viewer sees; None: every account (an admin)."""
        return None if self.admin else self.email

    @property
    def role(self) -> str:
        return "sees every handoff" if self.admin else "sees the handoffs they own or receive"


def viewer_for(settings: Settings, email: str) -> Viewer:
    email = email.lower()
    admins = {a.lower() for a in settings.web_admins}
    if settings.sales_ops_address:
        admins.add(settings.sales_ops_address.lower())
    return Viewer(email=email, admin=email in admins)


def visible_accounts(
    session: Session, viewer: Viewer, *, limit: int | None = None, offset: int = 0, documents: bool = True
) -> list[Account]:
    """Newest first; ``documents=False`` leaves the (large) document JSON unread."""
    return repo.visible_accounts(session, viewer.limited_to, limit=limit, offset=offset, documents=documents)


def count_visible(session: Session, viewer: Viewer) -> int:
    return repo.count_visible(session, viewer.limited_to)


def visible_ids(session: Session, viewer: Viewer) -> list[int] | None:
    """The account ids the viewer may see; None means all of them (an admin)."""
    if viewer.limited_to is None:
        return None
    return repo.visible_ids(session, viewer.limited_to)


def visible_account(session: Session, viewer: Viewer, key: str) -> Account | None:
    """The account at /handoffs/<key>, or None when it does not exist or the viewer may not see it."""
    account = backend.account_by_key(session, key)
    if account is None or not viewer.sees(account):
        return None
    return account
