"""Every call the web pages make into the rest of handoff, in one place.

What it is for: the web package reads the same data the CLI reads and sends mail the
way every other feature does, through these few functions: search (agent/search.py,
as ``handoff search``), the report's figures (agent/report.py, as ``handoff report``),
the deadline (agent/schedule.py, as ``handoff accounts``), the document views the mail
templates render (agent/render.py), what changed between two versions (agent/revisions.py,
as the draft and the CSM's mail show it), the snapshots, sources, feedback and event log (db/repo/),
and the outbound path (agent/delivery.py: an outbox row, then the sender). When those
modules move, only this file changes. Not for: anything the web adds on top (access,
sign-in, plots, the version list live beside it).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from agent import document_store
from agent.after_handoff.report import Handoff, RepRow, handoffs_from_events, summarize
from agent.after_handoff.search import Hit, search
from agent.document import SECTION_KEYS, SECTION_TITLES, HandoffDocument, fold
from agent.outbox import record_notice, send_outbound
from agent.render import doc_view, source_view
from agent.revisions import Change, Edition, changes, edition_of
from agent.schedule import handoff_due
from db import repo
from db.models import Account, Feedback, Snapshot, Source, id_of

if TYPE_CHECKING:
    from sqlmodel import Session

    from agent.context import App
    from agent.settings import Settings

__all__ = [
    "SECTION_KEYS",
    "SECTION_TITLES",
    "Change",
    "Edition",
    "Handoff",
    "HandoffDocument",
    "Hit",
    "RepRow",
    "account_by_key",
    "changes",
    "deadline",
    "document_view",
    "edition_of",
    "feedback_of",
    "fold",
    "full_document",
    "handoff_history",
    "newest_event_id",
    "record_mail",
    "search_hits",
    "send_mail",
    "snapshots_of",
    "source_view",
    "sources_of",
    "team_summary",
]


def search_hits(
    session: Session, query: str, *, account_ids: Collection[int] | None, limit: int, **filters: Any
) -> list[Hit]:
    """The ``handoff search`` engine, limited to the accounts the viewer may see (None: all)."""
    return search(session, query, account_ids=account_ids, limit=limit, **filters)


def handoff_history(
    session: Session, settings: Settings, accounts: list[Account], since: datetime | None = None
) -> list[Handoff]:
    """Each account's history as ``handoff report`` reads it from the event log."""
    ids = [a.id for a in accounts if a.id is not None]
    events = repo.events_since(session) if len(ids) > 500 else repo.events_of_accounts(session, ids)
    return handoffs_from_events(accounts, events, settings, since)


def team_summary(name: str, handoffs: list[Handoff]) -> RepRow:
    """The figures of one row of ``handoff report`` over these handoffs."""
    return summarize(name, handoffs)


def deadline(settings: Settings, signed: date) -> datetime:
    """The 48-hour rule, as ``handoff accounts`` shows it."""
    return handoff_due(signed, settings.tz, settings.handoff_due_h)


def full_document(session: Session, account: Account) -> HandoffDocument:
    """The account's whole document, its sources too (agent/document_store.py)."""
    return document_store.full_document(session, account)


def document_view(doc: HandoffDocument) -> dict[str, Any]:
    """What the document templates (templates/_macros.html.j2) render: the same view as the CSM's mail."""
    return doc_view(doc)


def account_by_key(session: Session, key: str) -> Account | None:
    """By domain, else by exact name (an account without a domain is linked by its name)."""
    found = repo.account_by_domain(session, key.lower())
    return found if found is not None else repo.account_by_name(session, key)


def snapshots_of(session: Session, account_id: int) -> list[Snapshot]:
    return repo.snapshots_of(session, account_id)


def sources_of(session: Session, account_id: int) -> list[Source]:
    return repo.sources_of(session, account_id)


def feedback_of(session: Session, account_id: int) -> list[Feedback]:
    return repo.feedback_of(session, account_id)


def newest_event_id(session: Session) -> int | None:
    """The last event logged: what the metrics page's cached plots are keyed on."""
    return repo.newest_event_id(session)


def record_mail(
    app: App, session: Session, *, key: str, kind: str, to: str, subject: str, text: str, title: str
) -> int:
    """Record one automatic mail in the outbox table (the same path as every notice); returns its id."""
    row, _ = record_notice(app, session, key=key, kind=kind, to=to, subject=subject, text=text, title=title)
    return id_of(row)


async def send_mail(app: App, outbound_id: int) -> None:
    """Hand a recorded mail to the sender (relay, or the outbox folder on the embedded default)."""
    await send_outbound(app, outbound_id)
