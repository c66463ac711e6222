"""The pages a signed-in person reads: the list, search, one handoff, the metrics.

What it is for: each handler asks access.py for what the viewer may see, reads it
through backend.py (the same search engine, report figures and snapshots as the CLI),
and renders a template under templates/web/. Database work runs in the thread pool,
never on the event loop the SMTP intake shares in ``handoff serve``. Not for: signing
in (signin.py) or drawing (plots.py).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from agent.web import backend, history
from agent.web.access import Viewer, count_visible, visible_account, visible_accounts, visible_ids
from agent.web.context import WebState, page, require_viewer, state
from db.models import Account, as_utc
from db.session import session_scope

STATUS_LABELS = {
    "collecting": "collecting",
    "draft_sent": "draft sent",
    "approved": "approved",
    "delivered": "delivered",
}
PAGE_SIZE = 100
SEARCH_LIMIT = 50
_MARK = re.compile(r"\[([^\[\]]{1,200})\]")


def handoff_url(account: Account) -> str:
    return "/handoffs/" + quote(account.domain or account.name, safe="")


def account_row(web: WebState, account: Account, now: datetime) -> dict[str, Any]:
    settings = web.app.settings
    sections = (account.document or {}).get("sections") or {}
    filled = sum(1 for key in backend.SECTION_KEYS if sections.get(key))
    due, overdue = "", False
    if account.contract_signed:
        when = backend.deadline(settings, account.contract_signed)
        overdue = account.delivered_at is None and when < now  # an update after delivery is not late
        due = f"{when.astimezone(settings.tz):%a %d %b %Y %H:%M} {settings.timezone}"
    return {
        "name": account.name,
        "domain": account.domain or "",
        "url": handoff_url(account),
        "status": STATUS_LABELS.get(account.status, account.status),
        "rep": account.rep_name or account.rep_email,
        "rep_email": account.rep_email,
        "csm": account.csm_name or account.csm_email or "",
        "csm_email": account.csm_email or "",
        "due": due,
        "overdue": overdue,
        "filled": filled,
        "total": len(backend.SECTION_KEYS),
        "created": as_utc(account.created_at),
    }


# -- the list ---------------------------------------------------------------------------


def _index(web: WebState, viewer: Viewer, page_no: int) -> dict[str, Any]:
    now = web.app.now()
    with session_scope(web.app.engine) as session:
        total = count_visible(session, viewer)
        accounts = visible_accounts(session, viewer, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE)
        rows = [account_row(web, a, now) for a in accounts]
    return {"rows": rows, "total": total, "page_no": page_no, "pages": max(1, -(-total // PAGE_SIZE))}


async def index(request: Request) -> Response:
    viewer = await require_viewer(request)
    page_no = _int(request.query_params.get("page"), 1)
    data = await run_in_threadpool(_index, state(request), viewer, page_no)
    return page(request, "index.html.j2", section="handoffs", **data)


def _int(text: str | None, default: int) -> int:
    try:
        return max(1, min(int(text or default), 100_000))
    except ValueError:
        return default


# -- search -----------------------------------------------------------------------------


def marked(snippet: str) -> Markup:
    """The engine marks matches with [brackets]; the page shows them as <mark>, everything else escaped."""
    return Markup(_MARK.sub(lambda m: f"<mark>{m.group(1)}</mark>", str(escape(snippet))))


def _search(web: WebState, viewer: Viewer, query: str, filters: dict[str, Any]) -> list[dict[str, Any]]:
    with session_scope(web.app.engine) as session:
        ids = visible_ids(session, viewer)
        hits = backend.search_hits(session, query, account_ids=ids, limit=SEARCH_LIMIT, **filters)
    out = []
    for hit in hits:
        target = "/handoffs/" + quote(hit.domain or hit.account, safe="")
        anchor = "sources" if hit.section == "source" else hit.section
        out.append(
            {
                "account": hit.account,
                "url": f"{target}#{anchor}",
                "section": "Source mail" if hit.section == "source" else hit.section_title,
                "status": STATUS_LABELS.get(hit.status, hit.status),
                "rep": hit.rep,
                "csm": hit.csm or "",
                "snippet": marked(hit.snippet),
            }
        )
    return out


def _date(text: str, field: str, errors: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(f"{field} “{text[:20]}” is not a date such as 2026-01-31; it was left out.")
        return None


async def search_page(request: Request) -> Response:
    viewer = await require_viewer(request)
    params = request.query_params
    form = {
        name: (params.get(name) or "").strip()[:200]
        for name in ("q", "rep", "csm", "status", "section", "since", "until")
    }
    errors: list[str] = []
    if form["status"] not in ("", *STATUS_LABELS):
        errors.append(f"status “{form['status'][:30]}” is not one of {', '.join(STATUS_LABELS)}; it was left out.")
        form["status"] = ""
    if form["section"] not in ("", "source", "account", *backend.SECTION_KEYS):
        errors.append(f"section “{form['section'][:30]}” is not a section of the handoff; it was left out.")
        form["section"] = ""
    filters: dict[str, Any] = {k: form[k] or None for k in ("rep", "csm", "status", "section")}
    filters["since"] = _date(form["since"], "since", errors)
    filters["until"] = _date(form["until"], "until", errors)
    hits = await run_in_threadpool(_search, state(request), viewer, form["q"], filters) if form["q"] else []
    sections = [
        ("source", "Source mail"),
        ("account", "Account"),
        *((k, backend.SECTION_TITLES[k]) for k in backend.SECTION_KEYS),
    ]
    return page(
        request,
        "search.html.j2",
        section="search",
        form=form,
        hits=hits,
        errors=errors,
        statuses=list(STATUS_LABELS.items()),
        sections=sections,
        limit=SEARCH_LIMIT,
    )


# -- one handoff ------------------------------------------------------------------------


def _feedback_view(row: Any, versions_by_revision: dict[int, str]) -> dict[str, Any]:
    titles = backend.SECTION_TITLES
    return {
        "when": as_utc(row.received_at),
        "who": row.from_email,
        "version": versions_by_revision.get(row.revision, ""),
        "rating": row.rating,
        "missing": [titles.get(k, k) for k in row.missing],
        "wrong": [(titles.get(w.get("section", ""), w.get("section", "")), w.get("note", "")) for w in row.wrong],
        "needs": [titles.get(k, k) for k in row.needs],
        "text": row.text.strip()[:4000],
    }


def _handoff(web: WebState, viewer: Viewer, key: str, version_key: str | None) -> dict[str, Any] | None:
    with session_scope(web.app.engine) as session:
        account = visible_account(session, viewer, key)
        if account is None or account.id is None:
            return None
        account_id = account.id
        snaps = backend.snapshots_of(session, account_id)
        found = history.versions(account, snaps, web.app.settings.tz, backend.full_document(session, account))
        shown = history.pick(found, version_key)
        if shown is None:
            return None
        sources = []
        for src in backend.sources_of(session, account_id):
            view = backend.source_view(src)
            view["excerpt"] = str(src.data.get("body") or "").strip()[:3000]
            sources.append(view)
        by_revision = {s.revision: f"v{s.version}" for s in snaps}
        feedback = [_feedback_view(f, by_revision) for f in backend.feedback_of(session, account_id)]
        row = account_row(web, account, web.app.now())
    return {
        "account": row,
        "versions": found,
        "shown": shown,
        "doc": backend.document_view(shown.document),
        "sources": sources,
        "feedback": feedback,
    }


async def handoff_page(request: Request) -> Response:
    viewer = await require_viewer(request)
    key = request.path_params["key"]
    data = await run_in_threadpool(_handoff, state(request), viewer, key, request.query_params.get("version"))
    if data is None:
        raise HTTPException(404, "There is no handoff here that you can see.")
    return page(request, "handoff.html.j2", section="handoffs", **data)


# -- metrics ----------------------------------------------------------------------------


def _metrics(web: WebState, viewer: Viewer, since: date | None, only: str | None = None) -> dict[str, Any] | None:
    from agent.web import plots  # matplotlib is loaded on the first metrics request, not at start-up

    if only is not None and only not in plots.PLOT_NAMES:
        return None
    settings, now = web.app.settings, web.app.now()
    start = datetime.combine(since, time.min, tzinfo=UTC) if since else None
    with session_scope(web.app.engine) as session:
        accounts = visible_accounts(session, viewer, documents=False)
        handoffs = backend.handoff_history(session, settings, accounts, start)
        newest_event = backend.newest_event_id(session)
    ids = "all" if viewer.admin else tuple(sorted(a.id or 0 for a in accounts))
    stamp = (ids, newest_event, start, now.strftime("%Y%m%d%H"), settings.timezone)
    drawn = plots.plots_for(handoffs, tz=settings.tz, now=now, stamp=stamp, only=only)
    reps: dict[str, list[backend.Handoff]] = {}
    for h in handoffs:
        reps.setdefault(h.rep, []).append(h)
    rows = [backend.team_summary(rep, reps[rep]) for rep in sorted(reps)] if len(reps) > 1 else []
    overall = backend.team_summary("Everyone" if viewer.admin else "Your handoffs", handoffs)
    return {"plots": drawn, "rows": rows, "overall": overall, "count": len(handoffs)}


async def metrics_page(request: Request) -> Response:
    viewer = await require_viewer(request)
    errors: list[str] = []
    since_text = (request.query_params.get("since") or "").strip()[:20]
    since = _date(since_text, "since", errors)
    data = await run_in_threadpool(_metrics, state(request), viewer, since) or {}
    return page(request, "metrics.html.j2", section="metrics", since=since_text if since else "", errors=errors, **data)


async def plot_svg(request: Request) -> Response:
    viewer = await require_viewer(request)
    data = await run_in_threadpool(_metrics, state(request), viewer, None, request.path_params["name"])
    if data is None:
        raise HTTPException(404, "There is no such plot: try prep, completeness, rating or overdue.")
    return Response(
        data["plots"][0].svg,
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )
