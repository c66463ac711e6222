"""The searchable repository: every handoff document and its sources, full-text.

What it is for: ``entries_for`` says what the index holds for an account (one entry
per document item, stakeholder and source); ``search`` brings the index up to date
(only accounts whose events changed) and returns ``Hit``s filtered by rep, CSM,
status, date and section (a key, title or common word); ``format_hits`` prints them
once each; ``answer_by_mail`` answers a company sender's "search: ..." mail. The SQL —
FTS5 on SQLite, ``tsvector`` on PostgreSQL — is in db/repo/search.py. Not for: the
document itself (agent/document.py) or snapshots (snapshots.py).
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from agent.after_handoff.feedback import section_key
from agent.context import App
from agent.document import SECTION_KEYS, SECTION_TITLES, HandoffDocument, Item, fold
from agent.outbox import record_notice, send_outbound
from agent.settings import Settings
from db import repo
from db.models import Account, SearchEntry, Source, as_utc, id_of
from db.session import reading, session_scope
from mailflows.inbound.mail import ParsedMail

log = logging.getLogger(__name__)

MAX_ENTRY_CHARS = 100_000
ENTRIES_VERSION = "v2:"  # the shape of ``entries_for``: a new one re-indexes every account


@dataclass
class Hit:
    account: str
    domain: str | None
    status: str
    section: str  # a section key, "account" or "source"
    ref: str
    snippet: str
    rep: str
    csm: str | None

    @property
    def section_title(self) -> str:
        return SECTION_TITLES.get(self.section, self.section.capitalize())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def entries_for(account: Account, sources: list[Source]) -> list[SearchEntry]:
    """What the index holds for one account: its name, each item and stakeholder, each source."""
    doc = HandoffDocument.model_validate(account.document)
    when = as_utc(account.delivered_at or account.approved_at or account.created_at)
    out: list[SearchEntry] = []
    account_id = int(account.id or 0)

    def add(section: str, text: str, *, kind: str = "section", ref: str = "", at: datetime | None = when) -> None:
        if text.strip():
            out.append(
                SearchEntry(
                    account_id=account_id, kind=kind, section=section, ref=ref, at=at, text=text[:MAX_ENTRY_CHARS]
                )
            )

    info = doc.account
    add("account", " ".join(x for x in (info.name, info.domain, info.industry, info.size, info.business_model) if x))
    for key in SECTION_KEYS:
        if key == "stakeholders":
            for p in doc.sections.stakeholders:
                parts = [p.name, p.title or "", p.role or "", *p.concerns, *(q.text for q in p.quotes)]
                add(key, " — ".join(x for x in parts if x))
            continue
        for item in doc.sections.items(key):
            add(key, _item_text(item))
    for src in sources:
        body = str(src.data.get("body") or "")
        head = " ".join(x for x in (src.subject, src.from_email) if x)
        add("source", f"{head}\n{body}", kind="source", ref=src.source_id, at=as_utc(src.date) or when)
    return out


def _item_text(item: Item) -> str:
    """An item and its quotes, each said once: a quote already in the item's words only names its speaker."""
    said = fold(item.text)
    inside = [q for q in item.quotes if fold(q.text) in said]
    speakers = [q.speaker for q in inside if q.speaker and fold(q.speaker) not in said]
    first = f"{item.text} — {', '.join(dict.fromkeys(speakers))}" if speakers else item.text
    others = [f'"{q.text}" — {q.speaker}' for q in item.quotes if q not in inside]
    return "\n".join([first, *others])


def search(
    session: Session, query: str, *, section: str | None = None, refresh: bool = True, **filters: Any
) -> list[Hit]:
    """Full-text hits, best first, each with its account, section and a [marked] snippet.

    ``section`` is a key, a title or a common word for one; the other filters (``rep``,
    ``csm``, ``status``, ``since``, ``until``, ``limit``) are ``repo.search_entries``'s.
    """
    if refresh:
        repo.refresh_search_index_quietly(session, entries_for, ENTRIES_VERSION)
    key = (section_key(section) or section) if section else None
    rows = repo.search_entries(session, query, section=key, **filters)
    return [
        Hit(
            account=account.name,
            domain=account.domain,
            status=account.status,
            section=entry.section,
            ref=entry.ref,
            snippet=" ".join(snip.split()),
            rep=account.rep_email,
            csm=account.csm_email,
        )
        for entry, account, snip in rows
    ]


def format_hits(hits: list[Hit], query: str) -> str:
    if not hits:
        return f"No handoff mentions '{query}'."
    lines = [f"{len(hits)} result(s) for '{query}':", ""]
    for i, hit in enumerate(hits, 1):
        where = f"{hit.account} ({hit.domain})" if hit.domain else hit.account
        lines.append(f"{i}. {where} — {hit.section_title} [{hit.status}; rep {hit.rep}; CSM {hit.csm or '-'}]")
        lines.append(f"   {hit.snippet}")
    return "\n".join(lines)


_FILTER = re.compile(r"\b(rep|csm|status|section|since|until):(\S+)", re.IGNORECASE)


def parse_mail_query(subject: str) -> tuple[str, dict[str, Any]]:
    """``search: Maria churn section:risks since:2026-01-01`` -> ("Maria churn", filters)."""
    text = re.sub(r"(?i)^\s*(re|fwd?|aw|wg)\s*:\s*", "", subject.strip())
    text = re.sub(r"(?i)^search\s*:\s*", "", text)
    filters: dict[str, Any] = {}
    for key, value in _FILTER.findall(text):
        key = key.lower()
        if key in ("since", "until"):
            try:
                filters[key] = date.fromisoformat(value)
            except ValueError:
                continue
        else:
            filters[key] = value
    return _FILTER.sub("", text).strip(), filters


async def answer_by_mail(app: App, parsed: ParsedMail, author: str) -> str:
    """Mail the results of a "search: ..." subject back to its authenticated company author; the disposition.

    ``author`` is the sender as authenticated at receipt (agent/trust.py ``author_of``):
    results only ever go to the person who really asked.
    """
    outer = parsed.outer
    sender = author.lower()
    if not sender or not app.settings.is_company_address(sender):
        return "refused"
    query, filters = parse_mail_query(outer.subject)
    with session_scope(app.engine) as session:
        hits = search(session, query, **filters)
        row, _ = record_notice(
            app,
            session,
            key=f"search:{parsed.message_id}",
            kind="search",
            to=sender,
            subject=f"Re: {outer.subject}",
            text=format_hits(hits, query),
            title=f"Search: {query}",
            in_reply_to=parsed.message_id,
            auto_submitted="auto-replied",
        )
        repo.log_event(session, "search", None, at=app.now(), by=sender, query=query, hits=len(hits))
        outbound_id = id_of(row)
    await send_outbound(app, outbound_id)
    return "search"


def run_search(settings: Settings, query: str, **filters: Any) -> list[Hit]:
    """For the CLI: refresh the index of an existing database, and search."""
    with reading(settings.database_url) as engine, session_scope(engine) as session:
        return search(session, query, **filters)
