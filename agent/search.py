"""The searchable repository: every handoff document and its sources, full-text.

What it is for: ``refresh_index`` keeps one ``search_entry`` row per document item,
stakeholder and source (rebuilt for an account only when its document or sources
changed); ``search`` queries it with SQLite FTS5 (``bm25`` ranking, ``snippet``) or
PostgreSQL full text (``plainto_tsquery`` over the GIN-indexed
``to_tsvector('english', text)``, ``ts_headline``), filtered by rep, CSM, status,
date and section; ``answer_by_mail`` answers a company sender's "search: ..." mail.
Not for: the document itself (agent/document.py) or snapshots (agent/snapshots.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import column, delete, func, literal_column, or_, table
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from agent.document import SECTION_KEYS, SECTION_TITLES, HandoffDocument
from db import repo
from db.models import Account, Event, SearchEntry, SearchState, Source, as_utc
from db.session import session_scope

if TYPE_CHECKING:
    from agent.app import App
    from mailflows.parsed import ParsedMail

log = logging.getLogger(__name__)

MAX_ENTRY_CHARS = 100_000
_ENGLISH: Any = literal_column("'english'::regconfig")


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


# -- the index ---------------------------------------------------------------------------


def _entries(account: Account, sources: list[Source]) -> list[SearchEntry]:
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
            add(key, "\n".join([item.text, *(f'"{q.text}" — {q.speaker}' for q in item.quotes)]))
    for src in sources:
        body = str(src.data.get("body") or "")
        head = " ".join(x for x in (src.subject, src.from_email) if x)
        add("source", f"{head}\n{body}", kind="source", ref=src.source_id, at=as_utc(src.date) or when)
    return out


def index_account(session: Session, account: Account, stamp: str = "") -> int:
    """Rebuild one account's entries; returns how many were written."""
    sources = repo.sources_of(session, account.id)  # type: ignore[arg-type]
    session.exec(delete(SearchEntry).where(col(SearchEntry.account_id) == account.id))  # type: ignore[call-overload]
    entries = _entries(account, sources)
    session.add_all(entries)
    state = session.get(SearchState, account.id)
    if state is None:
        state = SearchState(account_id=account.id)  # type: ignore[arg-type]
        session.add(state)
    state.digest, state.indexed_at = stamp, datetime.now(UTC)
    session.flush()
    return len(entries)


def refresh_index(session: Session) -> int:
    """Re-index every account with events newer than its index; returns how many were.

    Every change to a document or its sources logs an event, so the newest event id per
    account is a cheap version stamp: one GROUP BY instead of reading every document.
    """
    newest = session.exec(
        select(col(Event.account_id), func.max(Event.id))
        .where(col(Event.account_id).is_not(None))
        .group_by(col(Event.account_id))
    )
    known = {s.account_id: s.digest for s in session.exec(select(SearchState))}
    done = 0
    for account_id, last in list(newest):
        if account_id is None or known.get(account_id) == str(last):
            continue
        account = session.get(Account, account_id)
        if account is not None:
            index_account(session, account, str(last))
            done += 1
    return done


def refresh_quietly(session: Session) -> None:
    """Refresh in a savepoint: a concurrent refresh of the same account wins, and we search what it wrote."""
    try:
        with session.begin_nested():
            refresh_index(session)
    except IntegrityError:
        log.info("search index refreshed concurrently; using it as it is")


# -- the query ---------------------------------------------------------------------------


def _fts5_query(text: str) -> str:
    """Every word must match; quoted so FTS5 operators in user text stay plain words."""
    return " ".join(f'"{w}"' for w in re.findall(r"\w+", text))


def _day(value: date | datetime | None, end: bool = False) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime.combine(value, time.max if end else time.min))


def search(
    session: Session,
    query: str,
    *,
    rep: str | None = None,
    csm: str | None = None,
    status: str | None = None,
    section: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int = 20,
    refresh: bool = True,
    account_ids: Collection[int] | None = None,
) -> list[Hit]:
    """Full-text hits, best first, each with its account, section and a [marked] snippet.

    ``account_ids``: only these accounts (the web pages pass the ones the viewer may see).
    """
    if refresh:
        refresh_quietly(session)
    if not re.search(r"\w", query):
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        tsq = func.plainto_tsquery(_ENGLISH, query)
        vector = func.to_tsvector(_ENGLISH, SearchEntry.text)
        snippet = func.ts_headline(_ENGLISH, SearchEntry.text, tsq, "StartSel=[, StopSel=], MaxWords=25, MinWords=8")
        stmt = (
            select(SearchEntry, Account, snippet).where(vector.op("@@")(tsq)).order_by(func.ts_rank(vector, tsq).desc())
        )
    else:
        fts = table("search_fts", column("rowid"))
        match = literal_column("search_fts").op("MATCH")(_fts5_query(query))
        snippet = func.snippet(literal_column("search_fts"), 0, "[", "]", "…", 16)
        stmt = (
            select(SearchEntry, Account, snippet)
            .select_from(fts)
            .join(SearchEntry, SearchEntry.id == fts.c.rowid)  # type: ignore[arg-type]
            .where(match)
            .order_by(func.bm25(literal_column("search_fts")))
        )
    stmt = stmt.join(Account, Account.id == SearchEntry.account_id)  # type: ignore[arg-type]
    if rep:
        stmt = stmt.where(
            or_(func.lower(Account.rep_email).contains(rep.lower()), func.lower(Account.rep_name).contains(rep.lower()))
        )
    if csm:
        stmt = stmt.where(
            or_(func.lower(Account.csm_email).contains(csm.lower()), func.lower(Account.csm_name).contains(csm.lower()))
        )
    if status:
        stmt = stmt.where(Account.status == status)
    if account_ids is not None:
        stmt = stmt.where(col(Account.id).in_(list(account_ids)))
    if section:
        from agent.feedback import section_key

        stmt = stmt.where(SearchEntry.section == (section_key(section) or section))
    if since is not None:
        stmt = stmt.where(SearchEntry.at >= _day(since))  # type: ignore[operator]
    if until is not None:
        stmt = stmt.where(SearchEntry.at <= _day(until, end=True))  # type: ignore[operator]
    rows = session.exec(stmt.limit(limit))  # type: ignore[call-overload]
    return [
        Hit(
            account=account.name,
            domain=account.domain,
            status=account.status,
            section=entry.section,
            ref=entry.ref,
            snippet=" ".join(str(snip).split()),
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


async def answer_by_mail(app: App, parsed: ParsedMail) -> str:
    """Mail the results of a "search: ..." subject back to the (company) sender; returns the disposition."""
    from agent.conversation import dmarc_pass
    from agent.delivery import send_outbound
    from agent.render import render_notice
    from db.models import Outbound
    from mailflows.compose import compose_notice

    outer = parsed.outer
    sender = outer.sender.email.lower() if outer.sender else ""
    if not sender or not app.settings.is_company_address(sender):
        return "refused"
    if app.settings.trusted_authserv_id and not dmarc_pass(parsed, app.settings.trusted_authserv_id):
        log.warning("search %s from %s refused: no DMARC pass", parsed.message_id, sender)
        return "refused"
    query, filters = parse_mail_query(outer.subject)
    with session_scope(app.engine) as session:
        hits = search(session, query, **filters)
        plain, html = render_notice(format_hits(hits, query), title=f"Search: {query}")
        msg = compose_notice(
            from_addr=app.settings.inbox_address,
            to=sender,
            subject=f"Re: {outer.subject}",
            text=plain,
            html=html,
            in_reply_to=parsed.message_id,
            domain=app.settings.inbox_domain,
            kind="search",
        )
        row, _ = repo.add_outbound(
            session,
            Outbound(
                created_at=app.now(),
                key=f"search:{parsed.message_id}",
                kind="search",
                message_id=str(msg["Message-ID"]),
                recipients=[sender],
                raw=msg.as_bytes(),
            ),
        )
        repo.log_event(session, "search", None, at=app.now(), by=sender, query=query, hits=len(hits))
        outbound_id = row.id
    await send_outbound(app, outbound_id)  # type: ignore[arg-type]
    return "search"


def run_search(settings: Any, query: str, **filters: Any) -> list[Hit]:
    """For the CLI: open the database, refresh the index, search."""
    from db.session import make_engine, upgrade

    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            return search(session, query, **filters)
    finally:
        engine.dispose()
