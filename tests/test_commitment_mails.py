"""Our promises read from whole mails: 40 mails written for this project (the rep's reply, our engineer in a call
transcript, an order form pasted or quoted, the rep's own note, passives, a customer holding us to our word, two
promises in one sentence, dates said every way, in English, German, French and Spanish), twelve of them holding
only what is not our promise (the customer's to-dos, a promise kept, a wish, a question, another vendor's word).
``expected.json`` says what each mail promises and what it does not. The figures are the reader's on the day these
mails were added (28 of 44 promises, 23 with the right date, 3 of 56 non-promises listed; the release before read
24, 19 and 8): the test fails when the reader does worse, and is raised when it does better."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.read_mail import document_of

CASES = Path(__file__).parent / "fixtures" / "mail" / "commitments"
EXPECTED = json.loads((CASES / "expected.json").read_text(encoding="utf-8"))
FOUND, DATED, LISTED_WRONGLY = 30, 25, 3


def _words(text: str) -> list[str]:
    return re.findall(r"\w{4,}", re.sub(r"\s+", " ", text.replace("\u2019", "'")).lower())


def _our_promises(path: Path) -> list[tuple[set[str], str | None]]:
    return [
        (set(_words(" ".join([i.text, *(q.text for q in i.quotes)]))), i.due.isoformat() if i.due else None)
        for i in document_of(path).sections.commitments
        if i.owner != "customer"
    ]


def _holds(words: list[str], item: set[str]) -> bool:
    return bool(words) and sum(w in item for w in words) >= 0.7 * len(words)


def test_our_promises_are_listed_with_their_dates_and_nothing_else_is() -> None:
    found = dated = wrong = 0
    for name, want in sorted(EXPECTED.items()):
        ours = _our_promises(CASES / name)
        for promise in want["promises"]:
            got = [due for item, due in ours if _holds(_words(promise["says"]), item)]
            found += bool(got)
            due = promise["due"]
            dated += bool(got) and (got[0] == due if due is None or len(due) == 10 else (got[0] or "")[:7] == due)
        wrong += sum(any(_holds(_words(n), item) for item, _ in ours) for n in want["not_promises"])
    assert found >= FOUND and dated >= DATED and wrong <= LISTED_WRONGLY, (found, dated, wrong)
