"""The rep's reply to a draft: gap answers mapped to sections, the rep's read on people kept as their own.

What it is for: ``read_reply`` turns the rep's reply (quoted history and commands
already removed) into an ``Extraction``: text under a heading or lead-in
("Expansion -- ...", "Pain points: ...", "My read on the people ...") or a numbered
answer matching ``questions[n-1]`` lands in that section; loose paragraphs go through
the same sentence classifier as the sources; sentences about the customer's people
go to ``rep_perspective``, one item per sentence. Never quotes: the rep is not the
customer. Not for: the customer's sources (offline.py).
"""

from __future__ import annotations

import re

from agent.document import SECTION_KEYS, Extraction, HandoffDocument, Item, Sections, fold
from agent.extract import lexicon
from agent.extract.base import ExtractionContext, Question
from agent.extract.classify import competitor_in, competitor_names, dedupe, horizon_of, section_scores
from agent.extract.dates import resolve_due
from agent.extract.units import paragraphs, split_sentences
from mailflows.parsed import ThreadMessage

FACT_SECTIONS = frozenset({"expansion", "success_metrics", "commitments", "competitive_context", "implementation"})
PRONOUN_START = re.compile(r"^(?:she|he|they|his|her|their|him|them)\b", re.IGNORECASE)
NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+(.*)$")
PEOPLE_CUES = re.compile(
    r"\b(?:decision[- ]maker|decides|champion|politic|won over|sign-?off|final say|trust|blocker|slow-?walk|"
    r"informal leader|quiet|fan\b|loves?\b|kids?\b|twins?\b|toddler|hobby|marathon|fishing|sail|soccer|golf|"
    r"interview|leaving|credibility|scar tissue|pull the plug|kill|negotiat|listens|nitpick|in the loop|"
    r"real work|told you so|came around|family|married|ask (?:him|her) about|coach|daughter|son\b|bless)",
    re.IGNORECASE,
)


def read_reply(
    reply: ThreadMessage, ctx: ExtractionContext, document: HandoffDocument, questions: list[Question]
) -> Extraction:
    by_number = {q.n: q.section for q in questions}
    names = {fold(s.name).split(" ")[0] for s in document.sections.stakeholders if s.name}
    sections = Sections()
    current: str | None = None
    anchor = reply.date.date() if reply.date else None
    last_item: Item | None = None
    for para, hint, _listed in paragraphs(reply.body):
        numbered = NUMBERED.match(para)
        if numbered and int(numbered.group(1)) in by_number:
            current = by_number[int(numbered.group(1))]
            current = current if current in SECTION_KEYS else None  # "who is the CSM?" is a command's job
            para = numbered.group(2)
        elif hint:
            current = hint
        elif not _listed:
            current = None
        if re.match(r"(?i)^\s*(?:csm|approve)\b", para):
            continue
        for sentence in split_sentences(para):
            text = re.sub(r"^\s*(?:[-*•]\s+)", "", sentence).strip()
            if len(text) < 12 or lexicon.JUNK.search(text) or lexicon.GREETING.match(text):
                continue
            if lexicon.NOTHING_YET.search(text):
                continue
            key = _reply_section(text, current, names)
            if key is None:
                continue
            people = sections.rep_perspective
            if key == "rep_perspective" and people and people[-1] is last_item and PRONOUN_START.match(text):
                people[-1].text = f"{people[-1].text} {text}"  # "She ..." goes on about the person just named
                continue
            item = Item(text=text, source_ids=[reply.id])
            if key == "success_metrics":
                item.horizon = horizon_of(text)  # type: ignore[assignment]
            if key == "commitments":
                item.owner = "us"
                item.due = resolve_due(text, anchor, document.contract_signed) if anchor else None
                item.time_sensitive = item.due is not None
                item.informal = True
            if key == "competitive_context":
                item.competitor = competitor_in(text, competitor_names(tuple(ctx.competitors), frozenset()), set())
            sections.items(key).append(item)
            last_item = item
        last_item = None
    extraction = Extraction(sections=sections)
    dedupe(extraction)
    return extraction


def _reply_section(text: str, current: str | None, names: set[str]) -> str | None:
    words = {w.strip(".,;:'’s") for w in fold(text).split()}
    about_person = bool(names & words)
    if current == "rep_perspective" or (about_person and PEOPLE_CUES.search(text)):
        return "rep_perspective"
    if about_person and current not in FACT_SECTIONS:
        return "rep_perspective"
    if current == "stakeholders":
        return "rep_perspective"
    if current and current != "stakeholders":
        return current
    scores = section_scores(text)
    best = max(scores.values())
    if best < 1:
        return None
    return max(scores, key=lambda k: scores[k])
