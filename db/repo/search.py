"""The search index: one row per document item, stakeholder and source, queried full-text.

What it is for: rebuilding an account's entries when its events say it changed
(``refresh_search_index``; the entries themselves are made by the caller, from the
document), and ``search_entries`` with SQLite FTS5 (``bm25`` ranking, ``snippet``) or
PostgreSQL full text (``plainto_tsquery`` over the GIN-indexed
``to_tsvector('english', text)``, ``ts_headline``), filtered by rep, CSM, status, date
and section. Not for: what an entry says (agent/after_handoff/search.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import column, delete, func, literal_column, or_, table
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from db.models import Account, Event, SearchEntry, SearchState, Source, as_utc, id_of
from db.repo.sources import sources_of

log = logging.getLogger(__name__)

_ENGLISH: Any = literal_column("'english'::regconfig")

EntriesFor = Callable[[Account, list[Source]], list[SearchEntry]]
"""Makes an account's entries from its document and sources."""


def index_account(session: Session, account: Account, entries_for: EntriesFor, stamp: str = "") -> int:
    """Rebuild one account's entries; returns how many were written."""
    account_id = id_of(account)
    sources = sources_of(session, account_id)
    session.execute(delete(SearchEntry).where(col(SearchEntry.account_id) == account_id))
    entries = entries_for(account, sources)
    session.add_all(entries)
    state = session.get(SearchState, account_id)
    if state is None:
        state = SearchState(account_id=account_id)
        session.add(state)
    state.digest, state.indexed_at = stamp, datetime.now(UTC)
    session.flush()
    return len(entries)


def refresh_search_index(session: Session, entries_for: EntriesFor, version: str = "") -> int:
    """Re-index every account with events newer than its index; returns how many were.

    Every change to a document or its sources logs an event, so the newest event id per
    account is a cheap version stamp: one GROUP BY instead of reading every document.
    ``version`` names the shape of the entries: when it changes, every account is indexed again.
    """
    newest = session.exec(
        select(col(Event.account_id), func.max(Event.id))
        .where(col(Event.account_id).is_not(None))
        .group_by(col(Event.account_id))
    )
    known = {s.account_id: s.digest for s in session.exec(select(SearchState))}
    done = 0
    for account_id, last in list(newest):
        stamp = f"{version}{last}"
        if account_id is None or known.get(account_id) == stamp:
            continue
        account = session.get(Account, account_id)
        if account is not None:
            index_account(session, account, entries_for, stamp)
            done += 1
    return done


def refresh_search_index_quietly(session: Session, entries_for: EntriesFor, version: str = "") -> None:
    """Refresh in a savepoint: a concurrent refresh of the same account wins, and we search what it wrote."""
    try:
        with session.begin_nested():
            refresh_search_index(session, entries_for, version)
    except IntegrityError:
        log.info("search index refreshed concurrently; using it as it is")


def _fts5_query(text: str) -> str:
    """Every word must match; quoted so FTS5 operators in user text stay plain words."""
    return " ".join(f'"{w}"' for w in re.findall(r"\w+", text))


def _day(value: date | datetime | None, end: bool = False) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime.combine(value, time.max if end else time.min))


def search_entries(
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
    account_ids: Collection[int] | None = None,
) -> list[tuple[SearchEntry, Account, str]]:
    """Matching entries, best first, each with its account and a [marked] snippet (``section``: a key).

    ``account_ids``: only these accounts (the web pages pass the ones the viewer may see).
    """
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
            .join(SearchEntry, col(SearchEntry.id) == fts.c.rowid)
            .where(match)
            .order_by(func.bm25(literal_column("search_fts")))
        )
    stmt = stmt.join(Account, col(Account.id) == col(SearchEntry.account_id))
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
        stmt = stmt.where(SearchEntry.section == section)
    if since is not None:
        stmt = stmt.where(col(SearchEntry.at) >= _day(since))
    if until is not None:
        stmt = stmt.where(col(SearchEntry.at) <= _day(until, end=True))
    rows = session.exec(stmt.limit(limit))
    return [(entry, account, str(snip)) for entry, account, snip in rows]
