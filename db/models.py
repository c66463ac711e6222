"""The tables: raw mail, accounts, parsed sources, the outbox, and an event log.

What it is for: the sqlmodel tables, the same on SQLite and PostgreSQL, with the
indexes the hot queries need. Raw mail is kept verbatim (``Inbound.raw``) so that
nothing accepted is ever lost and every later step can be replayed.
Not for: queries (db/repo/) or the document model (agent/document.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol, overload

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint, event, text
from sqlmodel import Field, SQLModel


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
@overload
def as_utc(value: datetime | None) -> datetime | None: ...


def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC; a naive value is taken to be UTC already."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Stored) -> int:
    """A stored row's primary key (SQLModel types it ``int | None``: None only before the row is flushed)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: add and flush it first")
    return row.id


def utcnow() -> datetime:
    return datetime.now(UTC)


class Inbound(SQLModel, table=True):
    """One raw message as it arrived (SMTP, IMAP or ``handoff ingest``)."""

    __tablename__ = "inbound"
    __table_args__ = (
        Index("ix_inbound_status", "status"),
        # a rep's mail that named no customer we knew, looked up each time an account takes material
        # (agent/jobs.py adopts it when it names that account): only those few rows are in this index
        Index(
            "ix_inbound_unresolved",
            "received_at",
            sqlite_where=text("disposition = 'unresolved'"),
            postgresql_where=text("disposition = 'unresolved'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Not unique: a reused Message-ID with other bytes is another message (stored, logged as suspicious).
    message_id: str = Field(index=True, max_length=998)
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # The same bytes again (an MTA's retry, an IMAP re-fetch) are stored once: db/repo/inbound.py content_digest.
    content_sha256: str | None = Field(default=None, unique=True, index=True, max_length=64)
    mail_from: str = ""
    rcpt_to: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    channel: str = "smtp"  # smtp | imap | ingest
    received_at: datetime = Field(default_factory=utcnow)
    status: str = "pending"  # pending | done | ignored | quarantined
    disposition: str | None = None  # material | reply | auto | calendar_reply | unknown_token | refused
    attempts: int = 0
    error: str | None = None
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    processed_at: datetime | None = None
    # The connection it came in on and who wrote it (mailflows/inbound/sender_auth.py), decided at
    # receipt, where the connection is known. auth_method None: not decided (stored before
    # sender authentication existed); the reader then treats the author as unauthenticated.
    peer_ip: str | None = None
    helo: str | None = None
    auth_method: str | None = None  # relay | verify | envelope | operator | none
    auth_address: str | None = None  # the authenticated author (strict From), or None
    auth_reason: str | None = None
    auth_suspicious: bool = False  # not authenticated, and it looks like someone tried


class Account(SQLModel, table=True):
    """One customer account and the handoff being built for it."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    domain: str | None = Field(default=None, unique=True, index=True)
    name: str = Field(index=True)
    status: str = Field(default="collecting", index=True)  # collecting | draft_sent | approved | delivered
    rep_email: str = Field(index=True)
    rep_name: str | None = None
    csm_email: str | None = None
    csm_name: str | None = None
    token: str = Field(unique=True, index=True)
    token_expires_at: datetime
    contract_signed: date | None = None
    document: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    revision: int = 0
    drafts_sent: int = 0
    draft_due_at: datetime | None = Field(default=None, index=True)  # debounce: send a draft at this time
    thread_root: str | None = None  # Message-ID the rep's thread hangs from
    last_rep_message_id: str | None = None
    references: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    last_draft_message_id: str | None = None
    call_pinned_at: datetime | None = None
    call_start: datetime | None = None
    invite_uid: str | None = None
    invite_sequence: int = 0
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    unread: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    extractor_usage: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    approved_at: datetime | None = None
    delivered_at: datetime | None = None
    # ``cancel`` after delivery: the CSM was sent the CANCEL and the delivered version no longer
    # stands (no check-backs); the next delivery clears it and sends a new invite.
    withdrawn_at: datetime | None = None


class Source(SQLModel, table=True):
    """One message, note, transcript or attachment read into an account."""

    __tablename__ = "source"
    __table_args__ = (UniqueConstraint("account_id", "source_id", name="uq_source_account_source"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    inbound_id: int | None = Field(default=None, foreign_key="inbound.id")
    source_id: str = Field(max_length=998)
    kind: str = "email"
    date: datetime | None = None
    from_email: str | None = None
    from_name: str | None = None
    subject: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    fingerprint: str = Field(default="", index=True)  # same message forwarded twice -> stored once
    extracted: bool = Field(default=False, index=True)
    from_rep: bool = False  # the rep's own words (a reply or a note), for rep_perspective


class Outbound(SQLModel, table=True):
    """One message we send; ``key`` makes a retried send a no-op (exactly-once effect)."""

    __tablename__ = "outbound"
    __table_args__ = (
        Index("ix_outbound_status", "status"),
        Index("ix_outbound_to_address_created_at", "to_address", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=300)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    kind: str  # draft | final | notice | reminder
    message_id: str
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    to_address: str | None = None  # the first recipient, lowercased: the daily cap counts by it (set by add_outbound)
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    status: str = "pending"  # pending | sending | sent | failed
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None  # when a sender took it (status "sending")
    sent_at: datetime | None = None


class Event(SQLModel, table=True):
    """What happened, when: the log that reports and metrics are derived from."""

    __tablename__ = "event"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    kind: str = Field(index=True)
    at: datetime = Field(default_factory=utcnow)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# -- after the handoff: feedback, snapshots, webhook deliveries, search -----------------


class Feedback(SQLModel, table=True):
    """One reply from the CSM to a delivered handoff: rating, reason codes and free text."""

    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    revision: int = 0
    message_id: str = Field(unique=True, max_length=998)
    from_email: str = ""
    received_at: datetime = Field(default_factory=utcnow)
    rating: int | None = None
    missing: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    wrong: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    needs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    text: str = ""


class Snapshot(SQLModel, table=True):
    """What exactly the CSM received for one revision; written once, never updated."""

    __tablename__ = "snapshot"
    __table_args__ = (
        UniqueConstraint("account_id", "version", name="uq_snapshot_account_version"),
        UniqueConstraint("account_id", "revision", name="uq_snapshot_account_revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    version: int
    revision: int
    delivered_at: datetime = Field(default_factory=utcnow)
    csm_email: str | None = None
    outbound_id: int | None = Field(default=None, foreign_key="outbound.id")
    call_start: datetime | None = None  # the handoff call this version carried (None: no invite in it)
    filled: int = 0
    document: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    markdown: str = ""


class WebhookDelivery(SQLModel, table=True):
    """One signed POST to HANDOFF_WEBHOOK_URL; ``key`` makes it once-only, retried with backoff."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=300)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    event: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = "pending"  # pending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class SearchEntry(SQLModel, table=True):
    """One searchable text: a document item or a source; FTS5 (SQLite) or a GIN index (PostgreSQL) over ``text``."""

    __tablename__ = "search_entry"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = "section"  # section | source
    section: str = Field(default="", index=True)  # a section key, or "source"
    ref: str = ""  # the source id, for a source
    at: datetime | None = None
    text: str = ""


class SearchState(SQLModel, table=True):
    """Which version of an account the search index holds (a digest of its document and sources)."""

    __tablename__ = "search_state"

    account_id: int = Field(foreign_key="account.id", primary_key=True)
    digest: str = ""
    indexed_at: datetime = Field(default_factory=utcnow)


class CheckbackSetting(SQLModel, table=True):
    """An account whose check-backs were switched off (``handoff checkbacks off ACCOUNT``)."""

    __tablename__ = "checkback_setting"

    account_id: int = Field(foreign_key="account.id", primary_key=True)
    enabled: bool = True
    changed_at: datetime = Field(default_factory=utcnow)


# -- the web pages: sign-in links and sessions (agent/web) ------------------------------


class WebLogin(SQLModel, table=True):
    """One request for a sign-in link; the rate limits count these. A sent link is kept only as its hash."""

    __tablename__ = "web_login"
    __table_args__ = (
        Index("ix_web_login_email_requested_at", "email", "requested_at"),
        Index("ix_web_login_client_requested_at", "client", "requested_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320)  # as typed, lowercased; also addresses that got no link
    client: str = Field(default="", max_length=100)  # the client's IP address
    requested_at: datetime = Field(default_factory=utcnow)
    token_hash: str | None = Field(default=None, unique=True, max_length=64)  # sha256 hex; None: no link sent
    expires_at: datetime | None = None
    used_at: datetime | None = None
    next_path: str = Field(default="/", max_length=500)  # where the link leads after signing in


class WebSession(SQLModel, table=True):
    """One signed-in browser: the cookie holds the token, the table only its hash; fixed lifetime."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    email: str = Field(index=True, max_length=320)
    client: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    ended_at: datetime | None = None  # signed out


@event.listens_for(Snapshot, "before_update")
def _snapshots_are_immutable(_mapper: Any, _conn: Any, target: Snapshot) -> None:
    raise ValueError(f"snapshot {target.id} is immutable: a later revision is a new snapshot")
