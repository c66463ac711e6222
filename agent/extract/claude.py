"""The Claude extractor: the handoff document read out of the sources by Claude, via the anthropic SDK.

What it is for: ``ClaudeExtractor`` sends only the NEW sources of an account (plus a
compact summary of what the document already holds) with a cached system prompt and
one cached tool, ``record_handoff``, whose input schema is the document model; it
validates the tool input item by item (a bad item or quote is dropped and logged,
never shipped), checks quotes with ``verify_quotes``, records token usage per call
and per account, retries 429/529/5xx/timeouts itself with backoff (the SDK's own
retries are off so the two never stack), and falls back to the offline extractor
with a note in the draft when Claude stays unavailable or answers unusably twice.
Not for: choosing the extractor (agent/extract/__init__.py) or merging into the
stored document (agent/extract/runner.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import Awaitable
from datetime import date
from pathlib import Path
from typing import Any, get_args

import anthropic
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel, ValidationError

import templates
from agent.document import (
    SECTION_KEYS,
    AccountInfo,
    Evidence,
    Extraction,
    HandoffDocument,
    Item,
    Quote,
    Role,
    Stakeholder,
    Urgency,
    merge_extraction,
    merge_items,
    merge_stakeholders,
    merge_urgency,
)
from agent.errors import ConfigError, ExtractorAnswerInvalid, ExtractorUnavailable, HandoffError
from agent.extract.base import ExtractionContext, Extractor, Question, verify_quotes
from agent.extract.sentiment import history_of
from agent.settings import Settings
from mailflows.inbound.mail import ThreadMessage

log = logging.getLogger(__name__)

TOOL_NAME = "record_handoff"
CACHE = {"type": "ephemeral"}
ANSWER_TRIES = 2  # an unusable answer is asked for once more, then we fall back
MAX_BACKOFF_S = 60.0

# Fields of Item that mean something only in one section; elsewhere they are cleared.
_SECTION_ONLY = {"horizon": "success_metrics", "competitor": "competitive_context", "owner": "commitments"}
_DESCRIPTIONS = {
    "text": "The fact in one plain sentence, numbers kept.",
    "quotes": "Verbatim customer words supporting the item, copied exactly from the cited source.",
    "source_ids": "Ids of the sources this comes from, exactly as given.",
    "source_id": "The id of the one source the quote is copied from.",
    "speaker": "Who said it: name or email, as in the source.",
    "time_sensitive": "True when a date or deadline makes it urgent.",
    "due": "YYYY-MM-DD, relative phrases resolved against the message date.",
    "horizon": "When the metric is to be met.",
    "competitor": "The alternative's name.",
    "owner": "Who promised: us (our company) or the customer.",
    "informal": "True when promised in passing, not in a formal document.",
    "title": "Job title from the signature or introduction.",
    "concerns": "What worries this person, a few words each.",
    "sentiment": "How this person feels about buying from us, from their own words; unknown when the sources say little.",
    "sentiment_evidence": "The verbatim passages that show the sentiment, each with the phrase in it that shows it.",
    "level": "high: a near date with a consequence; medium: a dated plan or budget cycle; low: no rush said; else unknown.",
    "reasons": "What drives the urgency, one plain line each (a go-live date, a board, a renewal elsewhere, a budget cycle).",
    "dates": "The dates that drive it, YYYY-MM-DD.",
    "evidence": "Verbatim customer passages that state the deadline.",
}
_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|your)\b"
    r"[^.\n]{0,30}\b(instructions?|prompts?|rules|directions)\b|\byou are now\b|\bsystem prompt\b",
    re.IGNORECASE,
)


# -- the tool schema --------------------------------------------------------------------


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with ``$ref``s replaced by their definitions and pydantic's titles dropped."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k not in ("title", "$defs")}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _model_schema(model: type[BaseModel], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    raw = model.model_json_schema()
    schema: dict[str, Any] = _inline(raw, raw.get("$defs", {}))
    for name in drop:
        schema["properties"].pop(name, None)
    for name, prop in schema["properties"].items():
        if name in _DESCRIPTIONS:
            prop["description"] = _DESCRIPTIONS[name]
    return schema


def _item_schema(section: str) -> dict[str, Any]:
    drop = tuple(f for f, home in _SECTION_ONLY.items() if home != section)
    if section != "commitments":
        drop += ("informal",)
    schema = _model_schema(Item, drop)
    schema["properties"]["source_ids"]["minItems"] = 1
    schema["required"] = ["text", "source_ids"]
    return schema


def _evidence_schema() -> dict[str, Any]:
    schema = _model_schema(Evidence, drop=("date", "speaker"))
    props = schema["properties"]
    props["text"]["description"] = "A passage copied character for character from the cited source."
    props["phrase"]["description"] = "The words inside the passage that show it."
    props["leaning"]["description"] = "What this passage alone shows about the person's feeling."
    schema["required"] = ["text", "source_id", "phrase", "leaning"]
    return schema


def tool_schema() -> dict[str, Any]:
    """The ``record_handoff`` input schema, derived from the document model (one section per key)."""
    sections: dict[str, Any] = {}
    for key in SECTION_KEYS:
        # the history is computed from the dated evidence, not asked for
        items = _model_schema(Stakeholder, drop=("sentiment_history",)) if key == "stakeholders" else _item_schema(key)
        if key == "stakeholders":
            items["properties"]["sentiment_evidence"]["items"] = _evidence_schema()
        if key == "stakeholders":
            items["properties"]["source_ids"]["minItems"] = 1
            items["required"] = ["name", "source_ids"]
        sections[key] = {"type": "array", "items": items}
    account = _model_schema(AccountInfo, drop=("name", "domain"))
    account.pop("required", None)
    urgency = _model_schema(Urgency)
    urgency["properties"]["evidence"]["items"] = _evidence_schema()
    return {
        "type": "object",
        "properties": {
            "account": account,
            "contract_signed": {
                "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
                "description": "Date the contract was signed, YYYY-MM-DD, when a source says so.",
            },
            "sections": {"type": "object", "properties": sections},
            "urgency": {**urgency, "description": "How urgent the account is, and why."},
            "relationship": {
                "type": "array",
                "items": _item_schema("relationship"),
                "description": "What built trust: an on-site visit, a fast fix, a reference call. Never personal details.",
            },
        },
        "required": ["sections"],
    }


# -- prompts ----------------------------------------------------------------------------


def _prompts() -> Environment:
    # Prompts are plain text sent to an API, never rendered as HTML: no autoescaping.
    folder = Path(templates.__file__).resolve().parent / "prompts"
    return Environment(
        loader=FileSystemLoader(str(folder)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def system_prompt(env: Environment | None = None) -> str:
    env = env or _prompts()
    return env.get_template("extract_system.j2").render(tool_name=TOOL_NAME, roles=list(get_args(Role))).strip()


def document_summary(document: HandoffDocument, max_chars: int = 100, per_section: int = 6) -> str:
    """What the document holds, as short item texts (never the sources), one compact JSON object.

    Bounded (the newest ``per_section`` items of each section, each cut to ``max_chars``), so
    the per-call cost stays fixed however large the account grows: input tokens then grow
    with new mail only. Everyone in the stakeholder map is listed, since the model must not
    invent them again.
    """
    held: dict[str, list[str]] = {}
    for person in document.sections.stakeholders:
        details = ", ".join(x for x in (person.email, person.title, person.role) if x)
        held.setdefault("stakeholders", []).append(f"{person.name} ({details})")
    for key in SECTION_KEYS:
        if key != "stakeholders":
            items = document.sections.items(key)
            texts = [item.text[:max_chars] for item in items[-per_section:]]
            if texts:
                held[key] = texts + ([f"(+{len(items) - per_section} more)"] if len(items) > per_section else [])
    return json.dumps(held, ensure_ascii=False, separators=(",", ":")) if held else "(nothing yet)"


def source_payload(message: ThreadMessage, ctx: ExtractionContext) -> dict[str, Any]:
    """One source as the model sees it: no quoted history, turns instead of a flattened body."""
    sender, when = message.sender, message.date
    data: dict[str, Any] = {
        "id": message.id,
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


def batches(sources: list[ThreadMessage], ctx: ExtractionContext, max_chars: int) -> list[list[ThreadMessage]]:
    """Sources split so that no call carries much more than ``max_chars`` of source JSON."""
    out: list[list[ThreadMessage]] = [[]]
    size = 0
    for message in sources:
        length = len(json.dumps(source_payload(message, ctx), ensure_ascii=False))
        if out[-1] and size + length > max_chars:
            out.append([])
            size = 0
        out[-1].append(message)
        size += length
    return out


# -- reading the answer -----------------------------------------------------------------


def _loads_if_text(value: Any) -> Any:
    # Models sometimes send a nested array or object as a JSON string; take it if it parses.
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _short(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()[:3])


def _valid_quotes(raw: Any, where: str, known: list[str], problems: list[str]) -> list[Quote]:
    quotes: list[Quote] = []
    for n, value in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(value, dict) and not value.get("source_id") and len(known) == 1:
            value = {**value, "source_id": known[0]}  # only one source can be meant
        try:
            quotes.append(Quote.model_validate(value))
        except ValidationError as exc:
            problems.append(f"{where}.quotes[{n}] dropped: {_short(exc)}")
    return quotes


def _valid_evidence(raw: Any, where: str, known: list[str], problems: list[str]) -> list[Evidence]:
    pieces: list[Evidence] = []
    for n, value in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(value, dict) and not value.get("source_id") and len(known) == 1:
            value = {**value, "source_id": known[0]}
        try:
            piece = Evidence.model_validate({**value, "date": None} if isinstance(value, dict) else value)
        except ValidationError as exc:
            problems.append(f"{where}.evidence[{n}] dropped: {_short(exc)}")
            continue
        if piece.source_id not in known or _INJECTION.search(piece.text):
            problems.append(f"{where}.evidence[{n}] dropped: cites no source of this call or repeats an instruction")
            continue
        pieces.append(piece)
    return pieces


def _grounded_ids(ids: list[str], quotes: list[Quote], known: list[str]) -> list[str]:
    """The item's known source ids; when it cited none at all, those of its quotes or the only source."""
    if ids:
        return [i for i in ids if i in known]
    kept = list(dict.fromkeys(q.source_id for q in quotes if q.source_id in known))
    return kept or (list(known) if len(known) == 1 else [])


def _read_entry(
    key: str, raw: Any, where: str, ctx: ExtractionContext, known: list[str], problems: list[str]
) -> Item | Stakeholder | None:
    if not isinstance(raw, dict):
        problems.append(f"{where} dropped: not an object")
        return None
    raw = dict(raw)
    quotes = _valid_quotes(_loads_if_text(raw.pop("quotes", [])), where, known, problems)
    evidence = _valid_evidence(_loads_if_text(raw.pop("sentiment_evidence", [])), where, known, problems)
    raw.pop("sentiment_history", None)
    model: type[Item] | type[Stakeholder] = Stakeholder if key == "stakeholders" else Item
    try:
        entry = model.model_validate(raw)
    except ValidationError as exc:
        problems.append(f"{where} dropped: {_short(exc)}")
        return None
    entry.quotes = [q for q in quotes if not _INJECTION.search(q.text)]
    if isinstance(entry, Stakeholder):
        entry.concerns = [c for c in entry.concerns if not _INJECTION.search(c)]
        entry.sentiment_evidence = evidence
    entry.source_ids = _grounded_ids(entry.source_ids, entry.quotes, known)
    label = entry.name if isinstance(entry, Stakeholder) else entry.text
    if not label.strip():
        problems.append(f"{where} dropped: empty")
    elif _INJECTION.search(label):
        problems.append(f"{where} dropped: it repeats an instruction found in a source: {label[:60]!r}")
    elif not entry.source_ids:
        problems.append(f"{where} dropped: cites no source of this call: {label[:60]!r}")
    elif isinstance(entry, Stakeholder) and ctx.is_ours(entry.email):
        problems.append(f"{where} dropped: {entry.email} is our own side, not a stakeholder")
    else:
        if isinstance(entry, Item):
            for name, home in _SECTION_ONLY.items():
                if key != home:
                    setattr(entry, name, None)
            if key != "commitments":
                entry.informal = False
        return entry
    return None


def extraction_from_tool_input(
    data: Any, ctx: ExtractionContext, source_ids: list[str]
) -> tuple[Extraction, list[str]]:
    """Validate the tool input piece by piece: returns what held up and a line per dropped part.

    Raises ``ExtractorAnswerInvalid`` only when nothing usable is there at all (no sections object).
    """
    data = _loads_if_text(data)
    if not isinstance(data, dict):
        raise ExtractorAnswerInvalid(f"the tool input is not a JSON object: {str(data)[:80]!r}")
    sections = _loads_if_text(data.get("sections"))
    if not isinstance(sections, dict):
        raise ExtractorAnswerInvalid("the tool input has no 'sections' object")
    problems: list[str] = []
    out = Extraction()
    for key, raw_items in sections.items():
        raw_items = _loads_if_text(raw_items)
        if key not in SECTION_KEYS:
            problems.append(f"unknown section {key!r} dropped")
            continue
        if not isinstance(raw_items, list):
            problems.append(f"{key} dropped: not a list")
            continue
        for n, raw in enumerate(raw_items):
            entry = _read_entry(key, raw, f"{key}[{n}]", ctx, source_ids, problems)
            if entry is not None:
                getattr(out.sections, key).append(entry)
    _read_feeling_extras(data, out, ctx, source_ids, problems)
    account = _loads_if_text(data.get("account"))
    if isinstance(account, dict):
        try:  # the name and domain are ours to set, never the model's
            out.account = AccountInfo.model_validate({**account, "name": ctx.account.name, "domain": None})
        except ValidationError as exc:
            problems.append(f"account dropped: {_short(exc)}")
    if data.get("contract_signed"):
        try:
            out.contract_signed = date.fromisoformat(str(data["contract_signed"]))
        except ValueError:
            problems.append(f"contract_signed dropped: {data['contract_signed']!r} is not YYYY-MM-DD")
    return out, problems


def _read_feeling_extras(
    data: dict[str, Any], out: Extraction, ctx: ExtractionContext, known: list[str], problems: list[str]
) -> None:
    """The urgency and the relationship moments, each part kept only if it validates."""
    urgency = _loads_if_text(data.get("urgency"))
    if isinstance(urgency, dict):
        urgency = dict(urgency)
        evidence = _valid_evidence(_loads_if_text(urgency.pop("evidence", [])), "urgency", known, problems)
        try:
            out.urgency = Urgency.model_validate(urgency)
        except ValidationError as exc:
            problems.append(f"urgency dropped: {_short(exc)}")
        else:
            out.urgency.reasons = [r for r in out.urgency.reasons if not _INJECTION.search(r)]
            out.urgency.evidence = evidence
    moments = _loads_if_text(data.get("relationship"))
    for n, raw in enumerate(moments if isinstance(moments, list) else []):
        entry = _read_entry("relationship", raw, f"relationship[{n}]", ctx, known, problems)
        if isinstance(entry, Item):
            out.relationship.append(entry)


def settle_feelings(extraction: Extraction, sources: list[ThreadMessage]) -> None:
    """After quote checks: evidence dated by its source, history from it, and no read without evidence."""
    dates = {m.id: m.date.date() if m.date else None for m in sources}
    for person in extraction.sections.stakeholders:
        for piece in person.sentiment_evidence:
            piece.date = piece.date or dates.get(piece.source_id)
        if not person.sentiment_evidence:
            person.sentiment = "unknown"  # a read the sources cannot show is not given
        if person.sentiment != "unknown":
            person.sentiment_history = history_of(person.sentiment_evidence)
    if extraction.urgency is not None:
        for piece in extraction.urgency.evidence:
            piece.date = piece.date or dates.get(piece.source_id)
        if not extraction.urgency.reasons:
            extraction.urgency.level = "unknown"


def combine(into: Extraction, part: Extraction) -> Extraction:
    """Two extractions of one account as one, with the document's merge rules."""
    for key in SECTION_KEYS:
        if key == "stakeholders":
            into.sections.stakeholders = merge_stakeholders(into.sections.stakeholders, part.sections.stakeholders)
        else:
            setattr(into.sections, key, merge_items(into.sections.items(key), part.sections.items(key)))
    into.account = into.account or part.account
    into.contract_signed = into.contract_signed or part.contract_signed
    if part.urgency is not None:
        into.urgency = merge_urgency(into.urgency or Urgency(), part.urgency)
    into.relationship = merge_items(into.relationship, part.relationship)
    into.notes.extend(n for n in part.notes if n not in into.notes)
    return into


# -- errors -----------------------------------------------------------------------------


def _retry_after_s(exc: anthropic.APIStatusError) -> float | None:
    try:
        return float(exc.response.headers.get("retry-after", ""))
    except ValueError:
        return None


def map_anthropic_error(exc: BaseException, timeout_s: float) -> HandoffError:
    """The SDK's errors as ours: retryable ones become ``ExtractorUnavailable``."""
    if isinstance(exc, (anthropic.APITimeoutError, TimeoutError)):
        return ExtractorUnavailable(f"timed out after {timeout_s:g}s")
    if isinstance(exc, anthropic.APIConnectionError):
        return ExtractorUnavailable(f"could not connect ({exc})")
    if isinstance(exc, anthropic.APIStatusError):
        status, detail = exc.status_code, exc.api_message or exc.message
        if status in (401, 403):
            return ConfigError(
                f"ANTHROPIC_API_KEY was refused ({status}: {detail}); set a valid key or HANDOFF_EXTRACTOR=offline"
            )
        if status == 429:
            return ExtractorUnavailable("rate limited (429)", retry_after_s=_retry_after_s(exc))
        if status == 529:
            return ExtractorUnavailable("overloaded (529)", retry_after_s=_retry_after_s(exc))
        if status in (408, 409) or status >= 500:
            return ExtractorUnavailable(f"server error ({status})", retry_after_s=_retry_after_s(exc))
        return ExtractorAnswerInvalid(f"request refused ({status}: {detail})")
    if isinstance(exc, anthropic.APIError):
        return ExtractorAnswerInvalid(f"unreadable answer ({exc})")
    return ExtractorUnavailable(f"unexpected failure ({type(exc).__name__}: {exc})")


# -- the extractor ----------------------------------------------------------------------


class ClaudeExtractor:
    """The Extractor protocol on Claude; ``fallback`` (the offline extractor) when Claude fails."""

    name = "claude"

    def __init__(
        self,
        settings: Settings,
        fallback: Extractor,
        *,
        backoff_base_s: float = 1.0,
        max_source_chars_per_call: int = 150_000,
    ) -> None:
        self.settings = settings
        self.fallback = fallback
        self.backoff_base_s = backoff_base_s
        self.max_source_chars_per_call = max_source_chars_per_call
        self.usage: list[dict[str, Any]] = []
        self._env = _prompts()
        self._system = [{"type": "text", "text": system_prompt(self._env), "cache_control": CACHE}]
        self._tools = [
            {
                "name": TOOL_NAME,
                "description": "Record what the given sources add to the customer's handoff document.",
                "input_schema": tool_schema(),
                "cache_control": CACHE,
            }
        ]
        self._client: anthropic.AsyncAnthropic | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    # -- the protocol -------------------------------------------------------------------

    async def extract(
        self, sources: list[ThreadMessage], ctx: ExtractionContext, document: HandoffDocument
    ) -> Extraction:
        if not sources:
            return Extraction()
        try:
            result = Extraction()
            held = document
            for batch in batches(sources, ctx, self.max_source_chars_per_call):
                part = await self._ask(self._extract_prompt(batch, ctx, held), batch, ctx, "extract")
                part.sections.rep_perspective = []  # only the rep's reply supplies it
                held = merge_extraction(held, part)
                result = combine(result, part)
            return result
        except (ExtractorUnavailable, ExtractorAnswerInvalid, ConfigError) as exc:
            return await self._fall_back(exc, self.fallback.extract(sources, ctx, document))

    async def read_answers(
        self,
        reply: ThreadMessage,
        ctx: ExtractionContext,
        document: HandoffDocument,
        questions: list[Question],
    ) -> Extraction:
        prompt = self._render(
            "answers_user.j2",
            ctx,
            reply_id=reply.id,
            document_summary=document_summary(document),
            questions_json=json.dumps(
                [{"n": q.n, "section": q.section, "question": q.text} for q in questions], ensure_ascii=False
            ),
            reply_json=json.dumps(source_payload(reply, ctx), ensure_ascii=False, indent=1),
        )
        try:
            return await self._ask(prompt, [reply], ctx, "answers")
        except (ExtractorUnavailable, ExtractorAnswerInvalid, ConfigError) as exc:
            return await self._fall_back(exc, self.fallback.read_answers(reply, ctx, document, questions))

    # -- usage ----------------------------------------------------------------------------

    def usage_totals(self, account: str | None = None) -> dict[str, int]:
        """Summed token counts (all accounts, or one) and the number of calls."""
        keys = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
        totals = dict.fromkeys(("calls", *keys), 0)
        for record in self.usage:
            if account is None or record["account"] == account:
                totals["calls"] += 1
                for key in keys:
                    totals[key] += record[key]
        return totals

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    # -- internals ------------------------------------------------------------------------

    def _render(self, template: str, ctx: ExtractionContext, **values: Any) -> str:
        return self._env.get_template(template).render(
            tool_name=TOOL_NAME,
            account_name=ctx.account.name,
            account_domain=ctx.account.domain,
            rep=f"{ctx.rep.name or ''} <{ctx.rep.email}>".strip(),
            **values,
        )

    def _extract_prompt(self, batch: list[ThreadMessage], ctx: ExtractionContext, held: HandoffDocument) -> str:
        return self._render(
            "extract_user.j2",
            ctx,
            company_domains=sorted(ctx.company_domains),
            document_summary=document_summary(held),
            source_count=len(batch),
            sources_json=json.dumps([source_payload(m, ctx) for m in batch], ensure_ascii=False, separators=(",", ":")),
        )

    async def _ask(self, prompt: str, sources: list[ThreadMessage], ctx: ExtractionContext, purpose: str) -> Extraction:
        """One question to Claude; an unusable answer is asked again once, then raised."""
        ids = [m.id for m in sources]
        last: ExtractorAnswerInvalid | None = None
        for attempt in range(1, ANSWER_TRIES + 1):
            message = await self._call(prompt, ctx, purpose)
            try:
                extraction, problems = extraction_from_tool_input(self._tool_input(message), ctx, ids)
            except ExtractorAnswerInvalid as exc:
                log.warning("claude answer %d/%d unusable: %s", attempt, ANSWER_TRIES, exc)
                last = exc
                continue
            for line in problems:
                log.warning("claude answer: %s", line)
            verify_quotes(extraction, sources, ctx)
            settle_feelings(extraction, sources)
            return extraction
        raise ExtractorAnswerInvalid(f"answered unusably twice: {last}")

    def _tool_input(self, message: Any) -> Any:
        calls = [b for b in message.content if getattr(b, "type", None) == "tool_use" and b.name == TOOL_NAME]
        if not calls:
            text = " ".join(getattr(b, "text", "") for b in message.content)[:80]
            raise ExtractorAnswerInvalid(f"no {TOOL_NAME} call in the answer (stop: {message.stop_reason}): {text!r}")
        if message.stop_reason == "max_tokens":
            log.warning("claude answer hit max_tokens (%d); keeping what validates", self.settings.llm_max_tokens)
        return calls[0].input

    def _client_for_loop(self) -> anthropic.AsyncAnthropic:
        # A client's connection pool belongs to the event loop it was first used on.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            if not self.settings.anthropic_api_key:
                raise ConfigError("the Claude extractor needs ANTHROPIC_API_KEY; set it or HANDOFF_EXTRACTOR=offline")
            self._client = anthropic.AsyncAnthropic(
                api_key=self.settings.anthropic_api_key, timeout=self.settings.llm_timeout_s, max_retries=0
            )
            self._client_loop = loop
        return self._client

    async def _call(self, prompt: str, ctx: ExtractionContext, purpose: str) -> Any:
        """messages.create with our retries: 429/529/5xx/timeouts, backoff, up to llm_max_attempts."""
        client = self._client_for_loop()
        attempts = self.settings.llm_max_attempts
        request: dict[str, Any] = {
            "model": self.settings.anthropic_model,
            "max_tokens": self.settings.llm_max_tokens,
            "system": self._system,
            "tools": self._tools,
            "tool_choice": {"type": "tool", "name": TOOL_NAME},
            "messages": [{"role": "user", "content": prompt}],
        }
        for attempt in range(1, attempts + 1):
            try:
                async with asyncio.timeout(self.settings.llm_timeout_s * 2):
                    message = await client.messages.create(**request)
            except (anthropic.APIError, TimeoutError) as exc:
                error = map_anthropic_error(exc, self.settings.llm_timeout_s)
                if not isinstance(error, ExtractorUnavailable) or attempt == attempts:
                    if isinstance(error, ExtractorUnavailable):
                        error = ExtractorUnavailable(f"{error} after {attempts} attempts")
                    raise error from exc
                delay_s = self._backoff_s(attempt, error.retry_after_s)
                log.warning("claude %s, attempt %d/%d; retrying in %.1fs", error, attempt, attempts, delay_s)
                await asyncio.sleep(delay_s)
                continue
            self._record_usage(message, ctx, purpose)
            return message
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff_s(self, attempt: int, retry_after_s: float | None) -> float:
        delay = self.backoff_base_s * 2 ** (attempt - 1) * (0.5 + random.random() / 2)
        return min(MAX_BACKOFF_S, max(delay, retry_after_s or 0.0))

    def _record_usage(self, message: Any, ctx: ExtractionContext, purpose: str) -> None:
        usage = message.usage
        record = {
            "account": ctx.account.domain or ctx.account.name,
            "purpose": purpose,
            "model": message.model,
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "cache_creation_input_tokens": usage.cache_creation_input_tokens or 0,
            "cache_read_input_tokens": usage.cache_read_input_tokens or 0,
        }
        self.usage.append(record)
        log.info("claude usage %s", record)

    async def _fall_back(self, exc: HandoffError, offline: Awaitable[Extraction]) -> Extraction:
        reason = str(exc).split("\n")[0][:200]
        log.error("claude extractor failed (%s: %s); using the offline extractor", type(exc).__name__, reason)
        extraction = await offline
        note = f"Claude was unavailable ({reason}); this draft used the offline extractor."
        if note not in extraction.notes:
            extraction.notes.append(note)
        return extraction
