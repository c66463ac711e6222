"""The words Claude reads: the cached system prompt and the fenced data of each call.

What it is for: ``system_prompt`` (who "we" are, the configured competitors, the roles,
horizons, commitments and language rules; the same for every call, so it is cached),
``extract_prompt`` / ``answers_prompt`` (one user turn: all variable data — the account,
our side, what the document holds, the sources — in one JSON object inside ``<data>``,
with ``<``, ``>`` and ``&`` escaped so no mail can close the fence), ``held_summary`` (every
item the document holds as an id and a short text, cut to fit a token budget) and
``source_payload`` (one source as the model sees it).
Not for: batching (batching.py) or the request's other fields (request.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

import templates
from agent.document import SECTION_KEYS, HandoffDocument
from agent.extract.base import ExtractionContext, Question
from agent.settings import Settings
from mailflows.inbound.mail import ThreadMessage

CHARS_PER_TOKEN = 3.5  # a conservative estimate for mixed prose and JSON; count_tokens has the final word
SECTION_CODES = {
    "company_overview": "co", "pain_points": "pp", "success_metrics": "sm", "purchase_drivers": "pd",
    "implementation": "im", "competitive_context": "cc", "commitments": "cm", "expansion": "ex", "risks": "rk",
    "rep_perspective": "rp",
}  # fmt: skip


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


def environment() -> Environment:
    # Prompts are plain text sent to an API, never rendered as HTML: no autoescaping.
    folder = Path(templates.__file__).resolve().parent / "prompts"
    return Environment(
        loader=FileSystemLoader(str(folder)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def fenced_json(data: Any) -> str:
    """JSON in which no string can end the ``<data>`` fence: ``<``, ``>`` and ``&`` are escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# the deployment's document language (HANDOFF_DOCUMENT_LANGUAGE) as the prompt names it; "auto" names none
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish"}


def system_prompt(settings: Settings, env: Environment | None = None) -> str:
    env = env or environment()
    domains = sorted(settings.own_domains)
    return (
        env.get_template("extract_system.j2")
        .render(
            company=settings.company_name or f"the company at {domains[0]}",
            product=settings.product_name or "",
            domains=domains,
            competitors=list(settings.competitors),
            language=LANGUAGE_NAMES.get(settings.document_language, ""),
        )
        .strip()
    )


def item_id(section: str, n: int) -> str:
    return f"{SECTION_CODES[section]}{n + 1}"


def held_summary(document: HandoffDocument, budget_tokens: int) -> dict[str, Any]:
    """Every item the document holds as [id, short text], and every stakeholder, within ``budget_tokens``.

    The texts are cut shorter until the whole fits, so the per-call cost stays bounded however
    large the account grows; no item is left out, so the model can tell new facts from held ones.
    """
    people = [
        [p.name, p.title or "", p.role, p.email or ""] for p in document.sections.stakeholders
    ]  # names are short and the model must not invent these people again
    for width in (160, 100, 60, 36, 20, 0):
        held: dict[str, Any] = {"stakeholders": people} if people else {}
        for key in SECTION_KEYS:
            if key == "stakeholders":
                continue
            items = document.sections.items(key)
            if items:
                held[key] = [[item_id(key, n), item.text[:width]] for n, item in enumerate(items)]
        if estimate_tokens(fenced_json(held)) <= budget_tokens or width == 0:
            return held
    return {}


def held_texts(document: HandoffDocument) -> dict[str, tuple[str, str]]:
    """Item id -> (section, full text), to resolve an answer's ``same_as``."""
    out: dict[str, tuple[str, str]] = {}
    for key in SECTION_KEYS:
        if key != "stakeholders":
            for n, item in enumerate(document.sections.items(key)):
                out[item_id(key, n)] = (key, item.text)
    return out


def source_payload(message: ThreadMessage, ctx: ExtractionContext, part: str = "") -> dict[str, Any]:
    """One source as the model sees it: no quoted history, turns instead of a flattened body."""
    sender, when = message.sender, message.date
    data: dict[str, Any] = {
        "id": message.id,
        "part": part or None,
        "kind": message.kind,
        "date": f"{when.isoformat()} ({when.strftime('%A')})" if when else None,
        "from": str(sender) if sender else None,
        "from_our_side": ctx.is_ours(sender.email) if sender else None,
        "to": [str(a) for a in [*message.to, *message.cc]],
        "subject": message.subject,
        "filename": message.filename,
        # Turns as "Speaker [at]: text" lines: the same words with a fraction of the JSON framing.
        "turns": "\n".join(f"{t.speaker}{f' [{t.at}]' if t.at else ''}: {t.text}" for t in message.turns),
        "body": None if message.turns else message.body,
        "signature": message.signature,
    }
    return {k: v for k, v in data.items() if v is not None and v != "" and v != []}


def _our_side(ctx: ExtractionContext, sources: list[ThreadMessage]) -> dict[str, Any]:
    colleagues: dict[str, str] = {}
    for message in sources:
        for address in [message.sender, *message.to, *message.cc]:
            if address is not None and ctx.is_ours(address.email) and address.email.lower() != ctx.rep.email.lower():
                colleagues.setdefault(address.email.lower(), str(address))
    rep = f"{ctx.rep.name} <{ctx.rep.email}>" if ctx.rep.name else ctx.rep.email
    return {"rep": rep, "colleagues": sorted(colleagues.values())}


def extract_prompt(
    env: Environment,
    pieces: list[tuple[ThreadMessage, str]],
    ctx: ExtractionContext,
    held: HandoffDocument,
    summary_tokens: int,
) -> str:
    data = {
        "account": {"name": ctx.account.name, "domain": ctx.account.domain},
        "our_side": _our_side(ctx, [m for m, _ in pieces]),
        "contract_signed": held.contract_signed.isoformat() if held.contract_signed else None,
        "document_so_far": held_summary(held, summary_tokens),
        "new_sources": [source_payload(m, ctx, part) for m, part in pieces],
    }
    return env.get_template("extract_user.j2").render(source_count=len(pieces), data_json=fenced_json(data)).strip()


def answers_prompt(
    env: Environment,
    reply: ThreadMessage,
    ctx: ExtractionContext,
    held: HandoffDocument,
    questions: list[Question],
    summary_tokens: int,
) -> str:
    data = {
        "account": {"name": ctx.account.name, "domain": ctx.account.domain},
        "our_side": _our_side(ctx, [reply]),
        "document_so_far": held_summary(held, summary_tokens),
        "questions": [{"n": q.n, "section": q.section, "question": q.text} for q in questions],
        "reply": source_payload(reply, ctx),
    }
    return env.get_template("answers_user.j2").render(reply_id=reply.id, data_json=fenced_json(data)).strip()
