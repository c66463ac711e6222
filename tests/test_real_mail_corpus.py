"""The parser against the shared real-mail corpus and the deal corpus (skipped when ../shared is absent).

Measures what issue "mail understanding" asks for: every fixture parses without an
exception, the visible reply matches each ``expected.json`` (whitespace normalised;
talon's HTML cases with all whitespace removed, as upstream compares them), forward
headers match ``expected_forward.json``, auto-replies and bounces are recognised, and
every forwarded message of every deal has an author and a date. Misses are printed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mailflows.inbound.mail import ParsedMail
from mailflows.inbound.parse import parse_body, parse_message

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL_MAIL = SHARED / "corpus" / "real-mail"
DEALS = SHARED / "corpus" / "deals"
VISIBLE_REPLY_FLOOR = 0.95  # measured 95.6 %; the misses printed below are mostly conflicting upstream semantics
FORWARD_FLOOR = 0.90

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not REAL_MAIL.is_dir(), reason="../shared/corpus is not present in this checkout"),
]


def load(path: Path) -> ParsedMail:
    raw = path.read_bytes()
    if path.suffix == ".eml":
        return parse_message(raw)
    return parse_body(raw.decode("utf-8", errors="replace"))


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def test_every_real_mail_fixture_parses_without_an_exception():
    files = [p for p in REAL_MAIL.rglob("*") if p.is_file() and not p.name.startswith("expected") and p.suffix != ".md"]
    assert len(files) > 300
    failures = []
    for path in files:
        try:
            parsed = load(path)
            assert parsed.messages
        except Exception as exc:  # collect them all, then fail once
            failures.append(f"{path.relative_to(REAL_MAIL)}: {exc!r}")
    assert failures == []


def test_visible_reply_accuracy_against_every_expected_json():
    total, misses = 0, []
    for expected_file in sorted(REAL_MAIL.glob("*/expected.json")):
        folder = expected_file.parent
        for name, expected in json.loads(expected_file.read_text()).items():
            total += 1
            got = load(folder / name).outer.body
            if folder.name == "mailgun-talon" and name.endswith(".html"):
                same = re.sub(r"\s", "", got) == re.sub(r"\s", "", expected or "")
            else:
                same = norm(got) == norm(expected)
            if not same:
                misses.append(
                    f"{folder.name}/{name}\n  expected: {norm(expected)[:120]!r}\n  got:      {norm(got)[:120]!r}"
                )
    accuracy = 1 - len(misses) / total
    print(f"\nvisible-reply accuracy: {total - len(misses)}/{total} = {accuracy:.1%}")
    print("\n".join(misses))
    assert accuracy >= VISIBLE_REPLY_FLOOR


def _address_matches(address, expected: dict) -> bool:
    if address is None:
        return False
    if expected.get("address") and address.email != expected["address"].lower():
        return False
    return not expected.get("name") or address.name == expected["name"]


def test_forward_headers_against_expected_forward_json():
    folder = REAL_MAIL / "crisp-oss-email-forward-parser"
    cases = json.loads((folder / "expected_forward.json").read_text())["cases"]
    good, misses = 0, []
    for name, case in cases.items():
        expected = case["expected"]
        parsed = load(folder / name)
        forwarded = parsed.messages[1] if len(parsed.messages) > 1 else None
        problems = []
        if not expected.get("forwarded", True):
            # a reply, not a forward: we split replies too, but the reply itself must stay on top
            problems += [] if parsed.outer.body else ["reply text lost"]
        elif forwarded is None:
            problems.append("no forwarded message")
        else:
            if "from" in expected and not _address_matches(forwarded.sender, expected["from"]):
                problems.append(f"from {forwarded.sender}")
            # Outlook's "On ... wrote:" forwards carry no subject: upstream takes it from the outer mail
            if "subject" in expected and not case.get("subject_files") and forwarded.subject != expected["subject"]:
                problems.append(f"subject {forwarded.subject!r}")
            seen = norm(forwarded.body + " " + forwarded.signature + " " + forwarded.quoted)
            if "body" in expected and norm(expected["body"]) not in seen:
                problems.append("body")
            for key, field in (("to_prefix", "to"), ("cc_prefix", "cc")):
                got = getattr(forwarded, field)
                for i, want in enumerate(expected.get(key, [])):
                    if i >= len(got) or not _address_matches(got[i], want):
                        problems.append(f"{field}[{i}]")
                        break
            if expected.get("date") and forwarded.date is None:
                problems.append("date")
        if problems:
            misses.append(f"{name}: {', '.join(problems)}")
        else:
            good += 1
    accuracy = good / len(cases)
    print(f"\nforward headers: {good}/{len(cases)} = {accuracy:.1%}\n" + "\n".join(misses))
    assert accuracy >= FORWARD_FLOOR


def test_auto_replies_and_bounces_are_recognised():
    files = sorted((REAL_MAIL / "sisimai-set-of-emails").glob("*.eml"))
    files += [
        REAL_MAIL / "mailgun-flanker" / name
        for name in json.loads((REAL_MAIL / "mailgun-flanker" / "expected_bounce.json").read_text())
    ]
    files += sorted((REAL_MAIL / "mikel-mail").rglob("multipart_report_emails/*.eml"))
    missed = [str(p.relative_to(REAL_MAIL)) for p in files if not load(p).auto_generated]
    assert len(files) >= 8
    assert missed == []


def test_ordinary_replies_in_the_corpus_are_not_flagged_as_auto_generated():
    files = sorted((REAL_MAIL / "mailgun-talon" / "standard_replies").glob("*.eml"))
    assert files
    assert [p.name for p in files if load(p).auto_generated] == []


@pytest.mark.skipif(not DEALS.is_dir(), reason="../shared/corpus/deals is not present")
def test_every_forwarded_message_of_every_deal_has_an_author_and_a_date():
    problems, split = [], 0
    for path in sorted(DEALS.glob("*/inbox/*.eml")):
        parsed = parse_message(path.read_bytes())
        assert parsed.outer.sender is not None and parsed.outer.body or len(parsed.messages) > 1, path.name
        for message in parsed.messages[1:]:
            if message.kind not in ("forwarded", "attached"):
                continue
            split += 1
            if message.sender is None or not message.sender.email or message.date is None or not message.body:
                problems.append(f"{path.parent.parent.name}/{path.name} {message.id}: {message.sender} {message.date}")
    print(f"\nforwarded/attached messages split out of the deals: {split}")
    assert split >= 80
    assert problems == []


@pytest.mark.skipif(not DEALS.is_dir(), reason="../shared/corpus/deals is not present")
def test_deal_stakeholders_are_authors_of_split_messages_and_traps_are_dropped():
    for deal in sorted(DEALS.iterdir()):
        gold = json.loads((deal / "gold.json").read_text())
        authors, bodies = set(), []
        for path in sorted((deal / "inbox").glob("*.eml")):
            parsed = parse_message(path.read_bytes())
            authors |= {m.sender.email for m in parsed.messages if m.sender}
            bodies += [m.body for m in parsed.messages]
        writers = [s for s in gold["stakeholders"] if s["email"].lower() in authors]
        assert len(writers) >= len(gold["stakeholders"]) // 2, deal.name
        text = "\n".join(bodies).lower()
        hidden_traps = [t for t in gold.get("must_not_appear", []) if "instruction" in t.lower()]
        assert [t for t in hidden_traps if t.lower() in text] == [], deal.name
