"""To other tools: the signed webhook, and the flat CRM-shaped record of a handoff.

What it is for: ``queue_webhook`` records one POST (document JSON plus the event) in
the ``webhook_delivery`` table under a unique key, inside the caller's transaction;
``flush_webhooks`` sends what is due with an HMAC-SHA256 signature
(``X-Handoff-Signature: sha256=<hex>`` over the exact body bytes) and retries
failures with doubling backoff, like the outbox does for mail. ``crm_record`` flattens
a document into the fields the Salesforce/HubSpot mapping names (used by
``handoff export --format csv``). Not for: deciding when an event happens
(snapshots.py, feedback.py) or sending mail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import datetime, timedelta
from typing import Any

try:  # anthropic's current client ships the httpx API as "httpx2"; older installs have httpx itself
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx  # type: ignore[no-redef]

from sqlmodel import Session
from tenacity import wait_exponential

from agent.context import App
from agent.document import SECTION_KEYS, HandoffDocument
from agent.document_store import full_document
from agent.retry import delay_after
from agent.settings import Settings
from db import repo
from db.models import WebhookDelivery, id_of
from db.session import reading, session_scope

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Handoff-Signature"
MAX_BACKOFF_S = 6 * 3600.0
_PERMANENT = {400, 401, 403, 404, 405, 410, 413, 422}


def body_of(payload: dict[str, Any]) -> bytes:
    """The exact bytes posted and signed: compact, key-sorted JSON."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), header or "")


def queue_webhook(
    session: Session, app: App, *, key: str, event: str, account_id: int | None, data: dict[str, Any]
) -> bool:
    """Record one POST if a webhook is configured; returns whether a new one was queued."""
    if not app.settings.webhook_url:
        return False
    payload = {"event": event, "id": key, "occurred_at": app.now().isoformat(), **data}
    _, created = repo.add_webhook(
        session,
        WebhookDelivery(
            key=key,
            account_id=account_id,
            event=event,
            payload=payload,
            created_at=app.now(),
            next_attempt_at=app.now(),
        ),
    )
    return created


def backoff_s(settings: Settings, attempts: int) -> float:
    """The wait after ``attempts`` failed tries: HANDOFF_WEBHOOK_BACKOFF_S, doubled each time, at most 6 hours.

    The tries are spread over ticks (the next one is stored in the row), so the policy is
    tenacity's exponential wait, asked for the delay after that many failures.
    """
    return delay_after(wait_exponential(multiplier=settings.webhook_backoff_s, max=MAX_BACKOFF_S), attempts)


async def flush_webhooks(app: App) -> int:
    """POST every due delivery once; returns how many were delivered now."""
    url = app.settings.webhook_url
    if not url:
        return 0
    with session_scope(app.engine) as session:
        due = [(id_of(row), row.event, body_of(row.payload), row.key) for row in repo.webhooks_due(session, app.now())]
    if not due:
        return 0
    delivered = 0
    async with httpx.AsyncClient(timeout=app.settings.webhook_timeout_s) as client:
        for row_id, event, body, key in due:
            headers = {"Content-Type": "application/json", "X-Handoff-Event": event, "X-Handoff-Delivery": key}
            if app.settings.webhook_secret:
                headers[SIGNATURE_HEADER] = sign(app.settings.webhook_secret, body)
            error, permanent = None, False
            try:
                response = await client.post(url, content=body, headers=headers)
                if response.status_code >= 300:
                    error = f"HTTP {response.status_code}: {response.text[:200]}"
                    permanent = response.status_code in _PERMANENT
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            delivered += _record_attempt(app, row_id, error, permanent)
    return delivered


def _record_attempt(app: App, row_id: int, error: str | None, permanent: bool) -> int:
    with session_scope(app.engine) as session:
        row = session.get(WebhookDelivery, row_id)
        if row is None:
            return 0
        row.attempts += 1
        if error is None:
            row.status, row.sent_at, row.last_error = "sent", app.now(), None
            return 1
        row.last_error = error[:1000]
        if permanent or row.attempts >= app.settings.webhook_max_attempts:
            row.status = "failed"
            repo.log_event(session, "webhook_failed", row.account_id, at=app.now(), key=row.key, error=error[:300])
            log.error("webhook %s gave up after %d attempt(s): %s", row.key, row.attempts, error)
        else:
            row.next_attempt_at = app.now() + timedelta(seconds=backoff_s(app.settings, row.attempts))
            log.warning("webhook %s failed (%s); next try at %s", row.key, error, row.next_attempt_at)
    return 0


# -- the CRM-shaped record -------------------------------------------------------------

CRM_FIELDS: tuple[str, ...] = (
    "account_name",
    "account_domain",
    "industry",
    "status",
    "rep_email",
    "csm_email",
    "contract_signed",
    "champion",
    "economic_buyer",
    "success_metrics_90d",
    "success_metrics_6m",
    "success_metrics_1y",
    "commitments",
    "next_commitment_due",
    "risks",
    "expansion",
    "competitors",
    "sections_filled",
    "missing_sections",
)


def crm_record(doc: HandoffDocument, *, delivered_at: datetime | None = None) -> dict[str, Any]:
    """One flat row per account: what the Salesforce and HubSpot mappings read."""
    s = doc.sections

    def joined(items: list[Any]) -> str:
        return " | ".join(i.text for i in items)

    def person(role: str) -> str:
        p = next((p for p in s.stakeholders if p.role == role), None)
        return f"{p.name} <{p.email}>" if p is not None and p.email else (p.name if p is not None else "")

    dues = sorted(i.due for i in s.commitments if i.due is not None and i.status != "kept")  # kept: not due
    return {
        "account_name": doc.account.name,
        "account_domain": doc.account.domain or "",
        "industry": doc.account.industry or "",
        "status": doc.status,
        "rep_email": doc.rep.email if doc.rep else "",
        "csm_email": doc.csm.email if doc.csm else "",
        "contract_signed": doc.contract_signed.isoformat() if doc.contract_signed else "",
        "champion": person("champion"),
        "economic_buyer": person("economic_buyer"),
        "success_metrics_90d": joined([i for i in s.success_metrics if i.horizon == "90d"]),
        "success_metrics_6m": joined([i for i in s.success_metrics if i.horizon == "6m"]),
        "success_metrics_1y": joined([i for i in s.success_metrics if i.horizon in ("1y", None)]),
        "commitments": " | ".join(f"(kept) {i.text}" if i.status == "kept" else i.text for i in s.commitments),
        "next_commitment_due": dues[0].isoformat() if dues else "",
        "risks": joined(s.risks),
        "expansion": joined(s.expansion),
        "competitors": ", ".join(sorted({i.competitor for i in s.competitive_context if i.competitor})),
        "sections_filled": f"{len(s.filled())}/{len(SECTION_KEYS)}",
        "missing_sections": ", ".join(doc.missing or [k for k in SECTION_KEYS if not getattr(s, k)]),
    }


def all_documents(settings: Settings) -> list[HandoffDocument]:
    """Every account's document, by name (``handoff export --all``)."""
    with reading(settings.database_url) as engine, session_scope(engine) as session:
        return [full_document(session, a) for a in repo.list_accounts(session)]


def export_text(docs: list[HandoffDocument], fmt: str) -> str:
    """``jsonl``: one handoff-document/v1 object per line; ``csv``: one CRM record per account."""
    if fmt == "jsonl":
        return "\n".join(json.dumps(d.export(), ensure_ascii=False, sort_keys=False) for d in docs)
    import csv
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(CRM_FIELDS), lineterminator="\n")
    writer.writeheader()
    for d in docs:
        writer.writerow(crm_record(d))
    return buf.getvalue()
