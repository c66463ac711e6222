"""The JSON schema Claude's answer follows (structured outputs), derived from the document's sections.

What it is for: ``output_schema()`` — one fixed schema for every call (so the cached
prompt prefix stays the same), within what structured outputs accept: every object
closed (``additionalProperties: false``), every property required (the API takes at
most 24 optional properties and 16 union-typed ones in all), no numeric or length
bounds, ``minItems`` only 0 or 1. "Unknown" is an empty string or an ``unknown``/``none``
enum value, which the reader turns back into null.
Not for: validating the answer (answer.py does, item by item).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any, get_args

from agent.document import SECTION_KEYS, Horizon, Influence, Precision, Role, Sentiment, UrgencyLevel

_TEXT = {
    "text": "The fact in one plain sentence in the rep's language, numbers kept.",
    "quotes": "Verbatim customer words supporting the item, copied exactly from the cited source; [] if none.",
    "source_ids": "Ids of the sources this comes from, exactly as given.",
    "time_sensitive": "True when a date or deadline makes it urgent.",
    "due": 'YYYY-MM-DD, relative phrases resolved against the message date; "" when none.',
    "horizon": "90d, 6m or 1y counted from the contract signature (or go-live) to the target; none when unsaid.",
    "competitor": "The alternative's name (a vendor, building it themselves, staying as they are).",
    "owner": "us: our company promised it (also a customer's 'you promised ...'); customer: they promised us.",
    "same_as": 'The id of the item in document_so_far this restates or adds to; "" when the fact is new.',
    "informal": "True when promised in passing (a call, a casual mail), not in a contract or order form.",
    "due_precision": 'How exact the source was: month for "by March" (due is the last day of March), quarter for '
    '"in Q3" (the last day of the quarter), day otherwise; "" when there is no due.',
}


def _string(description: str | None = None) -> dict[str, Any]:
    return {"type": "string", **({"description": description} if description else {})}


def _enum(values: list[str], description: str | None = None) -> dict[str, Any]:
    return {"type": "string", "enum": values, **({"description": description} if description else {})}


def _array(items: dict[str, Any], description: str | None = None, *, min_items: int = 0) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": items}
    if min_items:
        schema["minItems"] = min_items
    if description:
        schema["description"] = description
    return schema


def _object(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _quote() -> dict[str, Any]:
    return _object(
        {
            "text": _string("Copied character for character from the cited source; a shorter span is fine."),
            "speaker": _string("Who said it: name or email, as in the source."),
            "source_id": _string("The id of the one source the quote is copied from."),
        }
    )


def _evidence() -> dict[str, Any]:
    return _object(
        {
            "text": _string("A passage copied character for character from the cited source."),
            "source_id": _string("The id of that source."),
            "phrase": _string("The words inside the passage that show it."),
            "leaning": _enum(list(get_args(Sentiment)), "What this passage alone shows."),
        }
    )


def _item(section: str) -> dict[str, Any]:
    props: dict[str, Any] = {
        "text": _string(_TEXT["text"]),
        "quotes": _array(_quote(), _TEXT["quotes"]),
        "source_ids": _array(_string(), _TEXT["source_ids"], min_items=1),
        "time_sensitive": {"type": "boolean", "description": _TEXT["time_sensitive"]},
        "due": _string(_TEXT["due"]),
        "same_as": _string(_TEXT["same_as"]),
    }
    if section == "success_metrics":
        props["horizon"] = _enum([*get_args(Horizon), "none"], _TEXT["horizon"])
    if section == "competitive_context":
        props["competitor"] = _string(_TEXT["competitor"])
    if section == "commitments":
        props["owner"] = _enum(["us", "customer"], _TEXT["owner"])
        props["informal"] = {"type": "boolean", "description": _TEXT["informal"]}
        props["due_precision"] = _enum([*get_args(Precision), ""], _TEXT["due_precision"])
    return _object(props)


def _stakeholder() -> dict[str, Any]:
    return _object(
        {
            "name": _string("As written in the sources."),
            "email": _string('As written in the sources; "" when no source shows it.'),
            "title": _string('Job title from a signature or introduction; "" when unknown.'),
            "role": _enum(list(get_args(Role)), "See the role definitions."),
            "influence": _enum([*get_args(Influence), "unknown"]),
            "concerns": _array(_string(), "What worries this person, a few words each."),
            "quotes": _array(_quote()),
            "source_ids": _array(_string(), min_items=1),
            "sentiment": _enum(list(get_args(Sentiment)), "How this person feels about buying from us."),
            "sentiment_evidence": _array(_evidence(), "The verbatim passages that show the sentiment."),
        }
    )


@cache
def _schema() -> dict[str, Any]:
    sections = {key: _array(_stakeholder() if key == "stakeholders" else _item(key)) for key in SECTION_KEYS}
    return _object(
        {
            "account": _object(
                {
                    "industry": _string('"" when unknown.'),
                    "size": _string('Employees, revenue or locations as stated; "" when unknown.'),
                    "business_model": _string('"" when unknown.'),
                }
            ),
            "contract_signed": _string('YYYY-MM-DD when a source says the contract was signed; "" otherwise.'),
            "sections": _object(sections),
            "urgency": _object(
                {
                    "level": _enum(list(get_args(UrgencyLevel))),
                    "reasons": _array(_string(), "What drives it, one plain line each."),
                    "dates": _array(_string(), "The dates that drive it, YYYY-MM-DD."),
                    "evidence": _array(_evidence(), "Verbatim customer passages that state the deadline."),
                },
                "How urgent the account is, and why.",
            ),
            "relationship": _array(
                _item("relationship"),
                "What built trust: a visit, a fast fix, a reference call. Never personal details.",
            ),
        }
    )


def output_schema() -> dict[str, Any]:
    """The answer's JSON schema (a fresh copy: callers may not change the cached one)."""
    return copy.deepcopy(_schema())
