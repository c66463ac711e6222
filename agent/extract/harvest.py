"""Labelled sentences from labelled deals: how the people who list a deal's facts file each kind of sentence.

What it is for: ``harvest(deal)`` reads one deal in the corpus format (``inbox/*.eml`` in
order, ``rep-reply.txt``, ``gold.json``) the way the offline reader does — parsed mail,
speakers, the reader's own sentences; the rep's reply by paragraph, as answers.py reads
it — and labels a sentence with the section of the gold facts whose keywords it holds (the
corpus scorer's test: one keyword of every group). A sentence that holds facts of two
sections says nothing clear and is left out; so is one that holds none (the labels list
what a careful reader keeps, not everything else as noise). ``python -m
agent.extract.harvest DIR... --score`` measures the sectioner on those sentences (how often
its best guess is the writers' section: the figure its own held-out sentences overstate),
``-o FILE --none`` writes them, with the sentences that hold no fact labelled none, as the sectioner's data file
of real mail (``data/sentences_deals.tsv``, rebuilt by ``make models``).
Not for: scoring documents (scoring.py) or reading deals in the service (speakers.py, answers.py).

``stance_rows(deal)`` keeps the sentences of the rep's reply that name one labelled person, labelled with that
person's leaning (warm, neutral, cold): ``--stance -o FILE`` writes them as the stance model's data file of real
mail (``data/stance_deals.tsv``).

``model_rows(deal)`` runs the whole loop on a deal (agent.evaluate's) and keeps, for the
model trained on people (feelings.py), feelings.person_features of each person read.
``python -m agent.extract.harvest DIR --rows feelings -o FILE`` writes those training rows
(numbers only, labelled from gold.json; the deals run one per core, the rows in the deals' order), so the
shipped rows are rebuilt whenever the features change (``make models``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.document import REP_READ, AccountInfo, HandoffDocument, Party, Stakeholder, fold
from agent.evaluate import deal_folders, evaluate_deal, read_gold
from agent.extract import feelings
from agent.extract.base import ExtractionContext
from agent.extract.scoring import gold_match, holds, normalize
from agent.extract.sectioner import LABELS, section_probabilities
from agent.extract.speakers import read_units
from agent.extract.units import split_sentences
from mailflows.inbound.parse import parse_path

OUR_DOMAIN = "lumendata.example"  # the corpus format's seller (corpus/FORMAT.md)
_PARAGRAPH = re.compile(r"\n\s*\n")
_LEAD = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+")  # "1." or a bullet before an answer
LEANS = {"enthusiastic": "warm", "positive": "warm", "neutral": "neutral", "skeptical": "cold", "negative": "cold"}
ROWS_HEADERS = {
    "feelings": ["# one labelled stakeholder per line: warm/neutral/cold, then feelings.person_features "
                 "(numbers only, no text)"],
}  # fmt: skip


def _label(text: str, facts: list[dict[str, Any]]) -> str | None:
    sections = {f["section"] for f in facts if f.get("section") in LABELS and holds(f, normalize(text))}
    return sections.pop() if len(sections) == 1 else None


def inbox_sentences(deal: Path, gold: dict[str, Any]) -> list[str]:
    """The inbox's sentences as the offline reader cuts them."""
    account = gold["account"]
    rep = gold["rep"]
    ctx = ExtractionContext(
        account=AccountInfo(name=account["name"], domain=account.get("domain")),
        rep=Party(name=rep.get("name"), email=rep["email"]),
        company_domains={OUR_DOMAIN, rep["email"].rsplit("@", 1)[-1].lower()},
    )
    sources = [m for path in sorted((deal / "inbox").glob("*.eml")) for m in parse_path(path).messages]
    return [unit.text for unit in read_units(sources, ctx, HandoffDocument(account=ctx.account))]


def reply_paragraphs(deal: Path) -> list[str]:
    """The rep's reply by paragraph, as the reply reader weighs it."""
    path = deal / "rep-reply.txt"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return [" ".join(_LEAD.sub("", p).split()) for p in _PARAGRAPH.split(text) if p.strip()]


def touches(fact: dict[str, Any], folded: str) -> bool:
    """Whether ``folded`` (a normalized text) holds any keyword of ``fact``: it may be part of it."""
    return any(normalize(k) in folded for group in fact["keywords"] for k in group)


def harvest(deal: Path, none: bool = False) -> list[tuple[str, str]]:
    """(label, sentence) for every sentence of ``deal`` that states facts of one section only; with ``none``,
    also every inbox sentence that holds no word of any fact (a greeting, a lead-in, a signature line, logistics),
    labelled "none": what the writers did not list is what a CSM is not sent. An inbox sentence holding one of the
    deal's ``must_not_appear`` strings is "private" either way: the reader learns to keep such sentences out."""
    gold = read_gold(deal)
    inbox_facts = gold.get("facts") or []
    traps = [normalize(t) for t in gold.get("must_not_appear") or [] if normalize(t)]
    rows: list[tuple[str, str]] = []
    for texts, facts in (
        (inbox_sentences(deal, gold), inbox_facts),
        (reply_paragraphs(deal), [*inbox_facts, *(gold.get("rep_reply_facts") or [])]),
    ):
        for text in dict.fromkeys(" ".join(t.split()) for t in texts):
            if facts is inbox_facts and any(trap in normalize(text) for trap in traps):
                rows.append(("private", text))  # what must never reach the document, whatever else it says
                continue
            label = _label(text, facts)
            if label is not None:
                rows.append((label, text))
            elif none and facts is inbox_facts and not any(touches(f, normalize(text)) for f in facts):
                rows.append(("none", text))
    return rows


def stance_rows(deal: Path) -> list[tuple[str, str]]:
    """(warm|neutral|cold, sentence) for each sentence of the rep's reply that names one labelled person: the rep's
    words about someone, labelled with how the writers say that person stands (the stance model's real mail; a
    customer's own factual sentences are left out, as they show nothing of a feeling)."""
    gold = read_gold(deal)
    people = [p for p in gold.get("stakeholders") or [] if p.get("sentiment") in LEANS and p.get("name")]
    firsts = Counter(fold(p["name"]).split()[0] for p in people)
    rows: list[tuple[str, str]] = []
    for paragraph in reply_paragraphs(deal):
        for sentence in split_sentences(paragraph):
            words = set(re.findall(r"[\w-]+", fold(sentence).replace("'s", "")))  # "Walter's trust" names Walter
            named = [
                p for p in people
                if fold(p["name"]) in fold(sentence) or (firsts[fold(p["name"]).split()[0]] == 1
                                                         and fold(p["name"]).split()[0] in words)
            ]  # fmt: skip
            if len(named) == 1 and len(sentence.split()) >= 4:
                rows.append((LEANS[named[0]["sentiment"]], sentence))
    return rows


def score_sectioner(rows: list[tuple[str, str]]) -> str:
    """How many of the labelled sentences the sectioner's best guess files where the writers did, per label."""
    guesses = [max(p, key=lambda k: p[k]) for p in section_probabilities([text for _, text in rows])]
    lines = [f"{len(rows)} labelled sentences"]
    for label in LABELS:
        mine = [guess for (wanted, _), guess in zip(rows, guesses, strict=True) if wanted == label]
        if mine:
            lines.append(f"  {label:22} {sum(g == label for g in mine):4d}/{len(mine):<4d}")
    right = sum(guess == wanted for (wanted, _), guess in zip(rows, guesses, strict=True))
    lines.append(f"best guess is the writers' section: {right}/{len(rows)} = {right / max(len(rows), 1):.3f}")
    return "\n".join(lines)


@dataclass
class Readings:
    """What one run of the whole loop on a deal gave the people models, and the document it ended with."""

    gold: dict[str, Any]
    final: list[Stakeholder]
    felt: list[tuple[Stakeholder, list[float]]]  # (person, feelings.person_features) per reading, in order


def model_rows(deal: Path) -> Readings:
    """Run ``deal`` through agent.evaluate's loop in a fresh folder and keep what every reading saw."""
    from agent.lookups import document_for  # the service's store: only this offline builder needs it
    from agent.settings import load_settings

    gold = read_gold(deal)
    felt: list[tuple[Stakeholder, list[float]]] = []
    felt_token = feelings.READINGS.set(felt)
    try:
        with tempfile.TemporaryDirectory(prefix=f"handoff-rows-{deal.name}-") as tmp:
            base = load_settings()
            asyncio.run(evaluate_deal(deal, base, Path(tmp)))
            settings = base.model_copy(
                update={"database_url": f"sqlite:///{Path(tmp) / 'handoff.db'}", "redis_url": None}
            )
            final = list(document_for(settings, gold["account"]["domain"]).sections.stakeholders)
    finally:
        feelings.READINGS.reset(felt_token)
    return Readings(gold, final, felt)


def feelings_rows(readings: Readings) -> list[str]:
    """label<TAB>features for each labelled person the model could read: their last reading's features; a person
    the rep read (the rep's read wins) or never read is left out."""
    rows = []
    for person in readings.gold.get("stakeholders") or []:
        got = gold_match(person, readings.final, lambda s: (s.email, s.name)) if person.get("sentiment") else None
        if got is None or any(e.phrase == REP_READ for e in got.sentiment_evidence):
            continue
        same = [f for p, f in readings.felt if _same_person(p, got)]
        if same:
            rows.append("\t".join([LEANS[person["sentiment"]], *(f"{v:.6g}" for v in same[-1])]))
    return rows


def deal_feelings_rows(deal: Path) -> list[str]:
    """``feelings_rows`` of one deal's whole loop (what a worker process of ``--rows feelings`` returns)."""
    return feelings_rows(model_rows(deal))


def _same_person(a: Stakeholder, b: Stakeholder) -> bool:
    return bool(b.email and normalize(a.email or "") == normalize(b.email)) or normalize(a.name) == normalize(b.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("roots", nargs="+", type=Path, help="deal folders, or folders of deal folders")
    parser.add_argument("-o", "--output", type=Path, help="the data file to write (default: stdout)")
    parser.add_argument("--score", action="store_true", help="print how the sectioner files the sentences")
    parser.add_argument("--none", action="store_true", help="also label the inbox sentences that hold no fact none")
    parser.add_argument("--rows", choices=sorted(ROWS_HEADERS), help="a people model's training rows instead")
    parser.add_argument("--stance", action="store_true", help="the rep's sentences about a person, by their leaning")
    args = parser.parse_args(argv)
    if args.stance:
        lines = ["# label<TAB>sentence: the rep's words about one labelled person of a deal written for this project,"
                 " labelled with that person's leaning (agent.extract.harvest --stance)."]  # fmt: skip
        lines += [f"{label}\t{text}" for root in args.roots for deal in deal_folders(root) for label, text in
                  stance_rows(deal)]  # fmt: skip
        _write("\n".join(lines) + "\n", args.output)
        print(f"{len(lines) - 1} sentences", file=sys.stderr)
        return 0
    if args.score:
        rows = [row for root in args.roots for deal in deal_folders(root) for row in harvest(deal)]
        print(score_sectioner(rows))
        return 0
    if args.rows:
        deals = [deal for root in args.roots for deal in deal_folders(root)]
        # each deal runs its own loop in its own folder: one process per core, rows kept in the deals' order
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            per_deal = list(pool.map(deal_feelings_rows, deals))
        lines = [*ROWS_HEADERS[args.rows], *(row for rows in per_deal for row in rows)]
        _write("\n".join(lines) + "\n", args.output)
        print(f"{len(lines) - len(ROWS_HEADERS[args.rows])} rows from {len(deals)} deals", file=sys.stderr)
        return 0
    lines = ["# label<TAB>sentence, harvested by agent.extract.harvest from deals written for this project."]
    counts: Counter[str] = Counter()
    for root in args.roots:
        for deal in deal_folders(root):
            for label, text in harvest(deal, none=args.none):
                lines.append(f"{label}\t{text}")
                counts[label] += 1
    _write("\n".join(lines) + "\n", args.output)
    print(", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)
    return 0


def _write(body: str, output: Path | None) -> None:
    if output:
        output.write_text(body, encoding="utf-8")
    else:
        sys.stdout.write(body)


if __name__ == "__main__":
    raise SystemExit(main())
