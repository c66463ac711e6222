"""The CSM's answer to a delivered handoff: rating, reason codes, and a reopen on request.

What it is for: ``parse_feedback`` reads a CSM's reply (``rating: 4/5`` or a bare digit
1-5 on its own line, ``missing: success_metrics``, ``wrong: stakeholders — Maria left``,
``needs: timeline``; everything else is the comment); ``handle_csm_feedback`` stores it
once per Message-ID, logs a ``csm_feedback`` event the report reads, posts the
``handoff.feedback`` webhook, and mails the rep a digest — or, when the CSM asks for
sections (``needs:``), reopens the handoff as a new revision and sends the rep a draft
whose first questions are the CSM's asks. Only the CSM's own text counts: quoted lines
(the final mail their client quoted) are never read. Feedback mails only the rep;
nobody else.
Not for: who may send feedback (agent/conversation.py checks the sender is the CSM).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from agent.after_handoff.webhook import flush_webhooks, queue_webhook
from agent.commands import is_quoted, lines_of
from agent.context import App
from agent.delivery import send_draft
from agent.document import SECTION_KEYS, SECTION_TITLES, fold
from agent.document_store import full_document
from agent.outbox import record_notice, send_outbound
from agent.revisions import reopen
from db import repo
from db.models import Account, Feedback, as_utc, id_of
from db.session import session_scope
from mailflows.inbound.mail import ParsedMail

log = logging.getLogger(__name__)

# Words a CSM may use for a section, beyond its key and title.
SECTION_ALIASES: dict[str, str] = {
    "overview": "company_overview",
    "company": "company_overview",
    "people": "stakeholders",
    "contacts": "stakeholders",
    "stakeholder": "stakeholders",
    "stakeholder map": "stakeholders",
    "pains": "pain_points",
    "pain": "pain_points",
    "problems": "pain_points",
    "metrics": "success_metrics",
    "success": "success_metrics",
    "kpis": "success_metrics",
    "goals": "success_metrics",
    "drivers": "purchase_drivers",
    "why they bought": "purchase_drivers",
    "timeline": "implementation",
    "integrations": "implementation",
    "rollout": "implementation",
    "competition": "competitive_context",
    "competitors": "competitive_context",
    "promises": "commitments",
    "commitment": "commitments",
    "upsell": "expansion",
    "growth": "expansion",
    "risk": "risks",
    "rep": "rep_perspective",
    "rep read": "rep_perspective",
}

_CODE = re.compile(r"^(missing|wrong|needs?)\s*[:\-]\s*(.+)$", re.IGNORECASE)
_RATING = re.compile(r"^(?:rating|score)\s*[:=\-]?\s*([1-5])(?:\s*/\s*5)?\b", re.IGNORECASE)
_BARE = re.compile(r"^([1-5])(?:\s*/\s*5)?[.!]?$")
_SPLIT = re.compile(r"\s+(?:—|–|--|-)\s+|\s*:\s+|\s*\(\s*")
_LEAD = re.compile(r"^[\s*\-•#]*")


@dataclass
class FeedbackNote:
    rating: int | None = None
    missing: list[str] = field(default_factory=list)
    wrong: list[dict[str, str]] = field(default_factory=list)  # {"section": key, "note": why}
    needs: list[dict[str, str]] = field(default_factory=list)
    comment: str = ""
    unknown: list[str] = field(default_factory=list)  # codes naming no section we know

    @property
    def reopen(self) -> bool:
        return bool(self.needs)


def section_key(word: str) -> str | None:
    """A section key from its key, title or a common word for it ("timeline" -> implementation)."""
    w = fold(word).replace("_", " ").strip(" .,;")
    for key in SECTION_KEYS:
        if w in (key.replace("_", " "), fold(SECTION_TITLES[key])):
            return key
    if w in SECTION_ALIASES:
        return SECTION_ALIASES[w]
    starts = {
        k
        for k in SECTION_KEYS
        if len(w) >= 4 and (k.replace("_", " ").startswith(w) or fold(SECTION_TITLES[k]).startswith(w))
    }
    return starts.pop() if len(starts) == 1 else None


def _sections_with_notes(rest: str) -> list[tuple[str | None, str, str]]:
    """``stakeholders — Maria left`` or ``timeline, risks`` -> [(key, word, note)]."""
    head, note = rest, ""
    parts = _SPLIT.split(rest, maxsplit=1)
    if len(parts) == 2:
        head, note = parts[0], parts[1].rstrip(")").strip()
    return [(section_key(w), w.strip(), note) for w in re.split(r"\s*[,;/&]\s*|\s+and\s+", head) if w.strip()]


def parse_feedback(text: str) -> FeedbackNote:
    """Read the visible text of a CSM's reply into rating, reason codes and a comment."""
    note = FeedbackNote()
    comment: list[str] = []
    for raw in lines_of(text):
        if is_quoted(raw):
            continue  # the final mail the CSM's client quoted, never the CSM's own words
        line = _LEAD.sub("", raw).strip()
        rating = _RATING.match(line) or _BARE.match(line)
        if rating and note.rating is None:
            note.rating = int(rating.group(1))
            continue
        code = _CODE.match(line)
        if not code:
            comment.append(raw.rstrip())
            continue
        verb = code.group(1).lower()
        for key, word, why in _sections_with_notes(code.group(2)):
            if key is None:
                note.unknown.append(f"{verb}: {word}")
                continue
            if verb == "missing" and key not in note.missing:
                note.missing.append(key)
            elif verb == "wrong":
                note.wrong.append({"section": key, "note": why})
            elif verb.startswith("need"):
                note.needs.append({"section": key, "note": why or word})
    note.comment = "\n".join(comment).strip()
    return note


def digest_text(account_name: str, csm: str, note: FeedbackNote) -> str:
    """The short digest the rep gets."""
    lines = [f"{csm} answered the handoff for {account_name}."]
    if note.rating is not None:
        lines.append(f"Rating: {note.rating}/5")
    if note.missing:
        lines.append("Missing: " + ", ".join(SECTION_TITLES[k] for k in note.missing))
    for w in note.wrong:
        lines.append(f"Wrong: {SECTION_TITLES[w['section']]}" + (f" — {w['note']}" if w["note"] else ""))
    for n in note.needs:
        lines.append(f"Needs more: {SECTION_TITLES[n['section']]} ({n['note']})")
    if note.unknown:
        lines.append("Not understood: " + "; ".join(note.unknown))
    if note.comment:
        lines += ["", "Their words:", *("> " + line for line in note.comment.splitlines()[:30])]
    return "\n".join(lines)


async def handle_csm_feedback(app: App, account_id: int, parsed: ParsedMail) -> str:
    """Store the CSM's reply, tell the rep, reopen on ``needs:``; returns the disposition."""
    outer = parsed.outer
    note = parse_feedback(outer.body if outer.own_text else "")
    with session_scope(app.engine) as session:
        account = repo.lock_account(session, account_id)
        row, created = repo.add_feedback(
            session,
            Feedback(
                account_id=account_id,
                revision=account.revision,
                message_id=parsed.message_id,
                from_email=(outer.sender.email if outer.sender else "").lower(),
                received_at=app.now(),
                rating=note.rating,
                missing=note.missing,
                wrong=note.wrong,
                needs=[n["section"] for n in note.needs],
                text=outer.body[:20000],
            ),
        )
        if not created:
            return "csm_feedback"
        repo.log_event(
            session,
            "csm_feedback",
            account_id,
            at=app.now(),
            message_id=parsed.message_id,
            rating=note.rating,
            missing=note.missing,
            wrong=[w["section"] for w in note.wrong],
            needs=[n["section"] for n in note.needs],
            text=outer.body[:2000],
        )
        queue_webhook(
            session,
            app,
            key=f"feedback:{row.id}",
            event="handoff.feedback",
            account_id=account_id,
            data={"feedback": _feedback_json(row), "document": _delivered_document(session, account)},
        )
        csm = account.csm_name or account.csm_email or "The CSM"
        digest = digest_text(account.name, csm, note)
    if note.reopen:
        await reopen_for_rep(app, account_id, note, digest)
    else:
        await _mail_digest(app, account_id, parsed.message_id, digest)
    await flush_webhooks(app)
    return "csm_feedback"


def _delivered_document(session: Session, account: Account) -> dict[str, Any]:
    """The version the CSM answered: the newest they received (an update in progress is not theirs yet)."""
    last = repo.last_snapshot(session, id_of(account))
    return last.document if last is not None else full_document(session, account).export()


def _feedback_json(row: Feedback) -> dict[str, Any]:
    return {
        "rating": row.rating,
        "missing": row.missing,
        "wrong": row.wrong,
        "needs": row.needs,
        "text": row.text,
        "from": row.from_email,
        "revision": row.revision,
        "received_at": row.received_at.isoformat(),
    }


async def _mail_digest(app: App, account_id: int, message_id: str, text: str) -> None:
    with session_scope(app.engine) as session:
        account = repo.lock_account(session, account_id)
        row, _ = record_notice(
            app,
            session,
            key=f"feedback:{message_id}",
            kind="feedback",
            to=account.rep_email,
            to_name=account.rep_name,
            subject=f"CSM feedback: {account.name}",
            text=text,
            title=f"CSM feedback: {account.name}",
            account=account,
            in_thread=True,
        )
        outbound_id = id_of(row)
    await send_outbound(app, outbound_id)


async def reopen_for_rep(app: App, account_id: int, note: FeedbackNote, digest: str) -> None:
    """A new revision, and a draft to the rep that asks the CSM's questions first."""
    async with app.locks.hold(f"account:{account_id}"):
        with session_scope(app.engine) as session:
            account = repo.lock_account(session, account_id)
            reopen(session, account, app.now(), why="csm_needs", status="draft_sent")
            account.status = "draft_sent"
            fresh = app.now() + timedelta(days=app.settings.token_ttl_days)
            account.token_expires_at = max(as_utc(account.token_expires_at) or fresh, fresh)
            csm = account.csm_name or account.csm_email or "The CSM"
            asks = [
                (n["section"], f"{csm} asks for more on {SECTION_TITLES[n['section']]}: {n['note']}")
                for n in note.needs
            ]
            repo.log_event(
                session, "reopened", account_id, at=app.now(), by="csm", sections=[section for section, _ in asks]
            )
    await send_draft(
        app,
        account_id,
        force=True,
        asks_first=asks,
        notes=[digest, "The handoff is reopened: answer below, then reply 'approve' to send the CSM the update."],
    )
