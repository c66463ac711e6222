"""Reading Claude's answer: the JSON text past any thinking blocks, validated piece by piece.

What it is for: ``answer_data(message)`` (the structured-output text of a Messages API
answer; thinking and redacted-thinking blocks are read past; a ``max_tokens`` stop raises
``AnswerCutOff`` so the caller asks again with less), ``extraction_from_answer`` (the
answer as an ``Extraction``: a bad item, quote or evidence passage is dropped and logged,
never shipped; every field that came from mail is screened for planted instructions; a
promise the customer made is moved out of our commitments; a stakeholder address no
source shows is cleared), ``settle_feelings`` and ``combine``.
Not for: checking quotes against the sources (agent/extract/base.py ``verify_quotes``).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from pydantic import ValidationError

from agent.document import SECTION_KEYS, AccountInfo, Evidence, Extraction, Item, Quote, Stakeholder, Urgency
from agent.errors import ExtractorAnswerInvalid
from agent.extract.base import ExtractionContext
from agent.extract.injection import looks_like_instruction
from agent.extract.sentiment import history_of
from agent.merge import merge_items, merge_provenance, merge_stakeholders, merge_urgency
from mailflows.inbound.mail import ThreadMessage

# Fields of Item that mean something only in one section; elsewhere they are cleared.
_SECTION_ONLY = {"horizon": "success_metrics", "competitor": "competitive_context", "owner": "commitments"}
_NONE = {"", "none", "unknown", "null", "n/a"}
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


class AnswerCutOff(ExtractorAnswerInvalid):
    """The answer stopped at max_tokens: ask again with fewer sources, never keep the half."""


def answer_data(message: Any) -> Any:
    """The JSON object of a structured-output answer (thinking blocks come first and are skipped)."""
    if message.stop_reason == "max_tokens":
        raise AnswerCutOff(f"the answer stopped at max_tokens ({message.usage.output_tokens} output tokens)")
    if message.stop_reason == "refusal":
        raise ExtractorAnswerInvalid("the model declined to answer (stop_reason refusal)")
    text = "".join(getattr(b, "text", "") for b in message.content if getattr(b, "type", None) == "text").strip()
    if not text:
        kinds = [getattr(b, "type", "?") for b in message.content]
        raise ExtractorAnswerInvalid(f"no text in the answer (blocks {kinds}, stop: {message.stop_reason})")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ExtractorAnswerInvalid(f"the answer is not JSON: {text[:80]!r}") from exc


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


def _blank_to_none(raw: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        value = raw.get(name)
        if isinstance(value, str) and value.strip().lower() in _NONE:
            raw[name] = None
    return raw


class Reader:
    """Reads one answer: what the call's sources ground (ids, addresses) and what the document holds."""

    def __init__(
        self,
        ctx: ExtractionContext,
        source_ids: list[str],
        *,
        sources: list[ThreadMessage] | None = None,
        held: dict[str, tuple[str, str]] | None = None,
        held_addresses: set[str] | None = None,
    ) -> None:
        self.ctx = ctx
        self.known = source_ids
        self.held = held or {}
        self.addresses = {a.lower() for a in (held_addresses or set())}
        self.check_addresses = sources is not None
        for message in sources or []:
            for address in [message.sender, *message.to, *message.cc]:
                if address is not None:
                    self.addresses.add(address.email.lower())
            text = "\n".join([message.body, message.signature or "", *(t.text for t in message.turns)])
            self.addresses.update(a.lower() for a in _ADDRESS.findall(text))
        self.problems: list[str] = []

    def _clean(self, texts: list[str]) -> list[str]:
        return [t for t in texts if not looks_like_instruction(t)]

    def _quotes(self, raw: Any, where: str) -> list[Quote]:
        quotes: list[Quote] = []
        for n, value in enumerate(raw if isinstance(raw, list) else []):
            if isinstance(value, dict) and not value.get("source_id") and len(self.known) == 1:
                value = {**value, "source_id": self.known[0]}  # only one source can be meant
            try:
                quote = Quote.model_validate(value)
            except ValidationError as exc:
                self.problems.append(f"{where}.quotes[{n}] dropped: {_short(exc)}")
                continue
            if looks_like_instruction(quote.text) or looks_like_instruction(quote.speaker):
                self.problems.append(f"{where}.quotes[{n}] dropped: it repeats an instruction found in a source")
                continue
            quotes.append(quote)
        return quotes

    def evidence(self, raw: Any, where: str) -> list[Evidence]:
        pieces: list[Evidence] = []
        for n, value in enumerate(raw if isinstance(raw, list) else []):
            if isinstance(value, dict) and not value.get("source_id") and len(self.known) == 1:
                value = {**value, "source_id": self.known[0]}
            try:
                piece = Evidence.model_validate({**value, "date": None} if isinstance(value, dict) else value)
            except ValidationError as exc:
                self.problems.append(f"{where}.evidence[{n}] dropped: {_short(exc)}")
                continue
            if piece.source_id not in self.known or looks_like_instruction(f"{piece.text}\n{piece.phrase}"):
                self.problems.append(
                    f"{where}.evidence[{n}] dropped: cites no source of this call or repeats an instruction"
                )
                continue
            pieces.append(piece)
        return pieces

    def _ids(self, ids: list[str], quotes: list[Quote]) -> list[str]:
        """The item's known source ids; when it cited none at all, those of its quotes or the only source."""
        if ids:
            return [i for i in ids if i in self.known]
        kept = list(dict.fromkeys(q.source_id for q in quotes if q.source_id in self.known))
        return kept or (list(self.known) if len(self.known) == 1 else [])

    def entry(self, key: str, raw: Any, where: str) -> Item | Stakeholder | None:
        if not isinstance(raw, dict):
            self.problems.append(f"{where} dropped: not an object")
            return None
        raw = _blank_to_none(
            dict(raw), "due", "due_precision", "horizon", "competitor", "owner", "email", "title", "influence"
        )
        quotes = self._quotes(_loads_if_text(raw.pop("quotes", [])), where)
        evidence = self.evidence(_loads_if_text(raw.pop("sentiment_evidence", [])), where)
        raw.pop("sentiment_history", None)
        same_as = str(raw.pop("same_as", "") or "")
        model: type[Item] | type[Stakeholder] = Stakeholder if key == "stakeholders" else Item
        try:
            entry = model.model_validate(raw)
        except ValidationError as exc:
            self.problems.append(f"{where} dropped: {_short(exc)}")
            return None
        entry.quotes = quotes
        entry.source_ids = self._ids(entry.source_ids, entry.quotes)
        label = entry.name if isinstance(entry, Stakeholder) else entry.text
        for name in ("title", "email", "competitor"):
            if looks_like_instruction(getattr(entry, name, None)):
                self.problems.append(f"{where}.{name} cleared: it repeats an instruction found in a source")
                setattr(entry, name, None)
        if not label.strip():
            self.problems.append(f"{where} dropped: empty")
        elif looks_like_instruction(label):
            self.problems.append(f"{where} dropped: it repeats an instruction found in a source: {label[:60]!r}")
        elif not entry.source_ids:
            self.problems.append(f"{where} dropped: cites no source of this call: {label[:60]!r}")
        elif isinstance(entry, Stakeholder) and self.ctx.is_ours(entry.email):
            self.problems.append(f"{where} dropped: {entry.email} is our own side, not a stakeholder")
        elif isinstance(entry, Stakeholder):
            entry.concerns = self._clean(entry.concerns)
            entry.sentiment_evidence = evidence
            if entry.email and self.check_addresses and entry.email.lower() not in self.addresses:
                self.problems.append(f"{where}: address {entry.email!r} is in no source; cleared")
                entry.email = None
            return entry
        else:
            for name, home in _SECTION_ONLY.items():
                if key != home:
                    setattr(entry, name, None)
            if key != "commitments":
                entry.informal = False
            if entry.due is None:
                entry.due_precision = None
            held_key, held_text = self.held.get(same_as, (None, None))
            if held_key == key and held_text:
                entry.text = held_text  # the same fact: the document's merge folds it into the held item
            return entry
        return None


def extraction_from_answer(
    data: Any, ctx: ExtractionContext, source_ids: list[str], reader: Reader | None = None
) -> tuple[Extraction, list[str]]:
    """Validate the answer piece by piece: returns what held up and a line per dropped part.

    Raises ``ExtractorAnswerInvalid`` only when nothing usable is there at all (no sections object).
    """
    reader = reader or Reader(ctx, source_ids)
    data = _loads_if_text(data)
    if not isinstance(data, dict):
        raise ExtractorAnswerInvalid(f"the answer is not a JSON object: {str(data)[:80]!r}")
    sections = _loads_if_text(data.get("sections"))
    if not isinstance(sections, dict):
        raise ExtractorAnswerInvalid("the answer has no 'sections' object")
    out = Extraction()
    for key, raw_items in sections.items():
        raw_items = _loads_if_text(raw_items)
        if key not in SECTION_KEYS:
            reader.problems.append(f"unknown section {key!r} dropped")
            continue
        if not isinstance(raw_items, list):
            reader.problems.append(f"{key} dropped: not a list")
            continue
        for n, raw in enumerate(raw_items):
            entry = reader.entry(key, raw, f"{key}[{n}]")
            if isinstance(entry, Item) and key == "commitments" and entry.owner == "customer":
                # A promise the customer made is not one of ours: it is part of their plan.
                entry.owner, entry.informal = None, False
                out.sections.implementation.append(entry)
            elif entry is not None:
                getattr(out.sections, key).append(entry)
    _read_extras(data, out, reader)
    return out, reader.problems


def _read_extras(data: dict[str, Any], out: Extraction, reader: Reader) -> None:
    """The account facts, the signature date, the urgency and the relationship moments."""
    account = _loads_if_text(data.get("account"))
    if isinstance(account, dict):
        account = _blank_to_none(dict(account), "industry", "size", "business_model")
        for name, value in account.items():
            if isinstance(value, str) and looks_like_instruction(value):
                reader.problems.append(f"account.{name} cleared: it repeats an instruction found in a source")
                account[name] = None
        try:  # the name and domain are ours to set, never the model's
            out.account = AccountInfo.model_validate({**account, "name": reader.ctx.account.name, "domain": None})
        except ValidationError as exc:
            reader.problems.append(f"account dropped: {_short(exc)}")
    signed = str(data.get("contract_signed") or "").strip()
    if signed:
        try:
            out.contract_signed = date.fromisoformat(signed)
        except ValueError:
            reader.problems.append(f"contract_signed dropped: {signed!r} is not YYYY-MM-DD")
    urgency = _loads_if_text(data.get("urgency"))
    if isinstance(urgency, dict):
        urgency = dict(urgency)
        evidence = reader.evidence(_loads_if_text(urgency.pop("evidence", [])), "urgency")
        dates = [d for d in urgency.get("dates", []) if isinstance(d, str) and d.strip()]
        try:
            out.urgency = Urgency.model_validate({**urgency, "dates": dates})
        except ValidationError as exc:
            reader.problems.append(f"urgency dropped: {_short(exc)}")
        else:
            out.urgency.reasons = reader._clean(out.urgency.reasons)
            out.urgency.evidence = evidence
    moments = _loads_if_text(data.get("relationship"))
    for n, raw in enumerate(moments if isinstance(moments, list) else []):
        entry = reader.entry("relationship", raw, f"relationship[{n}]")
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
    if part.provenance is not None:
        into.provenance = merge_provenance(into.provenance, part.provenance) if into.provenance else part.provenance
    return into
