"""Read-side helpers for the CLI: documents, account lists, quarantine.

What it is for: short functions that open the database, read, and return plain
values, so the CLI stays thin. Not for: anything that changes an account.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from agent.document import HandoffDocument
from agent.document_store import load_document
from agent.errors import AccountNotFound
from agent.schedule import handoff_due
from agent.settings import Settings
from db import repo
from db.models import Account, Inbound, Snapshot
from db.session import make_engine, session_scope, upgrade


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return engine


def document_for(settings: Settings, key: str) -> HandoffDocument:
    engine = _engine(settings)
    with session_scope(engine) as session:
        return load_document(_account(session, key))


def _account(session: Any, key: str) -> Account:
    account = repo.find_account(session, key)
    if account is None:
        known = ", ".join(a.domain or a.name for a in repo.list_accounts(session)[:10]) or "none yet"
        raise AccountNotFound(f"no account matches {key!r}; known accounts: {known}")
    return account


def snapshots_for(settings: Settings, key: str, version: int | None = None) -> list[Snapshot]:
    """What the CSM received, per delivered revision (``version``: only that one, or AccountNotFound)."""
    engine = _engine(settings)
    with session_scope(engine) as session:
        account = _account(session, key)
        snaps = repo.snapshots_of(session, account.id)  # type: ignore[arg-type]
        if version is None:
            return snaps
        found = [s for s in snaps if s.version == version]
        if not found:
            have = ", ".join(str(s.version) for s in snaps) or "none: it was never delivered"
            raise AccountNotFound(f"{account.name} has no snapshot version {version}; versions: {have}")
        return found


def account_rows(settings: Settings) -> list[dict[str, Any]]:
    engine = _engine(settings)
    rows = []
    with session_scope(engine) as session:
        for account in repo.list_accounts(session):
            due = None
            if account.contract_signed:
                when = handoff_due(account.contract_signed, settings.tz, settings.handoff_due_h)
                late = account.status != "delivered" and when < datetime.now(UTC)
                due = f"{when:%Y-%m-%d %H:%M} UTC" + (" OVERDUE" if late else "")
            rows.append(
                {
                    "name": account.name,
                    "domain": account.domain,
                    "status": account.status,
                    "rep": account.rep_email,
                    "csm": account.csm_email,
                    "sources": len(repo.source_index(session, account.id)),  # type: ignore[arg-type]
                    "drafts": account.drafts_sent,
                    "due": due,
                }
            )
    return rows


def quarantined_rows(settings: Settings) -> list[dict[str, Any]]:
    engine = _engine(settings)
    with session_scope(engine) as session:
        return [{"id": r.id, "message_id": r.message_id, "error": r.error} for r in repo.quarantined(session)]


async def replay(settings: Settings, ids: list[int]) -> int:
    from agent import jobs
    from agent.app import open_app

    app = await open_app(settings, inline=True)
    done = 0
    try:
        for inbound_id in ids:
            with session_scope(app.engine) as session:
                row = session.get(Inbound, inbound_id)
                if row is None or row.status != "quarantined":
                    continue
                row.status, row.attempts, row.error = "pending", 0, None
            await jobs.process_inbound({"app": app, "job_try": 1}, inbound_id)
            done += 1
        await app.queue.drain()  # type: ignore[union-attr]
    finally:
        await app.close()
    return done


def health(settings: Settings) -> dict[str, Any]:
    """What an operator or a monitor wants to know in one look."""
    from sqlalchemy import func, select, text

    from db.models import Outbound

    report: dict[str, Any] = {"ok": True}
    try:
        engine = make_engine(settings.database_url)
        with session_scope(engine) as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]

            def count(model, *where):  # type: ignore[no-untyped-def]
                return session.exec(select(func.count()).select_from(model).where(*where)).one()[0]  # type: ignore[call-overload]

            report["database"] = "ok"
            report["inbound_pending"] = count(Inbound, Inbound.status == "pending")
            report["inbound_quarantined"] = count(Inbound, Inbound.status == "quarantined")
            report["outbound_pending"] = count(Outbound, Outbound.status == "pending")
            report["outbound_failed"] = count(Outbound, Outbound.status == "failed")
        engine.dispose()
    except Exception as exc:  # the point is to report it, whatever it is
        missing = "no such table" in str(exc) or "does not exist" in str(exc)
        report.update(ok=False, database="no schema: run `handoff db upgrade`" if missing else f"down: {exc}")
    if settings.redis_url:
        import redis

        try:
            client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=3)
            client.ping()
            report["redis"] = "ok"
            client.close()
        except Exception as exc:
            report.update(ok=False, redis=f"down: {exc}")
    else:
        report["redis"] = "not configured (inline jobs)"
    if report.get("inbound_quarantined") or report.get("outbound_failed"):
        report["ok"] = False
    return report
