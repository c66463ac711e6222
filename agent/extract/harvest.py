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
``-o FILE`` writes them as a sectioner data file (``label<TAB>sentence``) for experiments.
Not for: scoring documents (scoring.py) or reading deals in the service (speakers.py, answers.py).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from agent.document import AccountInfo, HandoffDocument, Party
from agent.evaluate import EvalError, deal_folders
from agent.extract.base import ExtractionContext
from agent.extract.scoring import normalize
from agent.extract.sectioner import LABELS, section_probabilities
from agent.extract.speakers import read_units
from mailflows.inbound.parse import parse_path

OUR_DOMAIN = "lumendata.example"  # the corpus format's seller (corpus/FORMAT.md)
_PARAGRAPH = re.compile(r"\n\s*\n")
_LEAD = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+")  # "1." or a bullet before an answer


def _gold(deal: Path) -> dict[str, Any]:
    try:
        gold: dict[str, Any] = json.loads((deal / "gold.json").read_text(encoding="utf-8"))
        gold["account"]["name"], gold["rep"]["email"]  # noqa: B018 - the keys every deal has
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EvalError(f"{deal / 'gold.json'}: cannot read the labels ({exc})") from exc
    return gold


def _holds(fact: dict[str, Any], text: str) -> bool:
    folded = normalize(text)
    return all(any(normalize(k) in folded for k in group) for group in fact.get("keywords") or [])


def _label(text: str, facts: list[dict[str, Any]]) -> str | None:
    sections = {f["section"] for f in facts if f.get("section") in LABELS and _holds(f, text)}
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


def harvest(deal: Path) -> list[tuple[str, str]]:
    """(label, sentence) for every sentence of ``deal`` that states facts of one section only."""
    gold = _gold(deal)
    rows: list[tuple[str, str]] = []
    for texts, facts in (
        (inbox_sentences(deal, gold), gold.get("facts") or []),
        (reply_paragraphs(deal), [*(gold.get("facts") or []), *(gold.get("rep_reply_facts") or [])]),
    ):
        for text in dict.fromkeys(" ".join(t.split()) for t in texts):
            label = _label(text, facts)
            if label is not None:
                rows.append((label, text))
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("roots", nargs="+", type=Path, help="deal folders, or folders of deal folders")
    parser.add_argument("-o", "--output", type=Path, help="the data file to write (default: stdout)")
    parser.add_argument("--score", action="store_true", help="print how the sectioner files the sentences")
    args = parser.parse_args(argv)
    if args.score:
        rows = [row for root in args.roots for deal in deal_folders(root) for row in harvest(deal)]
        print(score_sectioner(rows))
        return 0
    lines = ["# label<TAB>sentence, harvested by agent.extract.harvest from deals written for this project."]
    counts: Counter[str] = Counter()
    for root in args.roots:
        for deal in deal_folders(root):
            for label, text in harvest(deal):
                lines.append(f"{label}\t{text}")
                counts[label] += 1
    body = "\n".join(lines) + "\n"
    if args.output:
        args.output.write_text(body, encoding="utf-8")
    else:
        sys.stdout.write(body)
    print(", ".join(f"{k} {v}" for k, v in sorted(counts.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
