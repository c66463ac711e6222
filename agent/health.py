"""``handoff health``: what an operator or a monitor wants to know in one look.

What it is for: ``health`` checks what ``handoff serve`` checks before it starts — the
database answers and has the current schema, the relay URL, the IMAP settings, the
CSM roster, the extractor, Redis when it is configured — and counts the messages
waiting or stuck; ``ok`` is False when anything needs a look. It opens the database
for reading only: a missing database is reported, never created. Not for: fixing
anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.errors import HandoffError
from agent.extract import make_extractor
from agent.roster import load_roster
from agent.settings import Settings
from db import repo
from db.session import reading, session_scope
from mailflows.inbound.imap_login import checked_target
from mailflows.outbound.send import make_sender


def health(settings: Settings) -> dict[str, Any]:
    report: dict[str, Any] = {"ok": True}
    try:
        with reading(settings.database_url) as engine, session_scope(engine) as session:
            report["database"] = "ok"
            report.update(repo.inbound_counts(session))
            report.update(repo.outbound_counts(session))
    except HandoffError as exc:
        report.update(ok=False, database=str(exc))
    for name, check in _start_up_checks(settings):
        try:
            report[name] = check()
        except HandoffError as exc:
            report.update({"ok": False, name: str(exc)})
    if settings.redis_url:
        report["redis"] = _redis(settings.redis_url)
        report["ok"] = report["ok"] and report["redis"] == "ok"
    else:
        report["redis"] = "not configured (inline jobs)"
    if report.get("inbound_quarantined") or report.get("outbound_failed"):
        report["ok"] = False
    return report


def _start_up_checks(settings: Settings) -> list[tuple[str, Callable[[], str]]]:
    def relay() -> str:
        make_sender(settings)
        return "ok" if settings.relay_url else f"not configured (mail written to {settings.outbox_dir})"

    def imap() -> str:
        return f"ok ({checked_target(settings)})" if settings.imap_url else "not configured"

    def roster() -> str:
        if settings.csm_roster is None:
            return "not configured"
        load_roster(settings.csm_roster)
        return "ok"

    def extractor() -> str:
        return make_extractor(settings).name

    return [("relay", relay), ("imap", imap), ("roster", roster), ("extractor", extractor)]


def _redis(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # the point is to report it, whatever it is
        return f"down: {exc}"
    return "ok"
