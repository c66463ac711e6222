"""What real mail clients send: mutt, neomutt, s-nail, alpine and aerc forwarding customer mail and answering a draft.

The fixtures in tests/fixtures/clients/<client>-<version>/ were made by the clients themselves
(scripts/client_fixtures.py drives them through tmux; tests/fixtures/clients/manifest.json says
what the rep typed in each). The customer's own messages are in tests/fixtures/clients/source.
Every forward must keep the note, every forwarded author and date, and name the account
after the customer; every reply must read as the rep typed it; the same customer message
forwarded by several clients is one source; and the loop runs on them to the CSM's invite.
"""

from __future__ import annotations

import json
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from agent.accounts import fingerprint, resolve_account
from agent.conversation import parse_commands
from agent.document import fold
from agent.lookups import document_for
from mailflows.inbound.mail import ParsedMail
from mailflows.inbound.parse import parse_message
from tests.conftest import Harness, make_settings, start_harness, stop_harness

FIXTURES = Path(__file__).parent / "fixtures" / "clients"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
FORWARDS = [e for e in MANIFEST["fixtures"] if e["kind"] == "forward"]
REPLIES = [e for e in MANIFEST["fixtures"] if e["kind"] == "reply"]
CLIENTS = sorted({e["client"] for e in MANIFEST["fixtures"]})
REP = MANIFEST["rep"]["email"]
INBOX = MANIFEST["inbox"]
OWN = {INBOX.split("@")[1]}
CUSTOMER, CUSTOMER_DOMAIN = "Skerry Line Ferries", "skerryline.example"
CSM = ("Zoë Ångström", "zoe.angstrom@tidewater.example")
CUSTOMER_PEOPLE = {"José Núñez", "Ingrid Solberg", "Marcus Whitfield", "Lena Berg"}
MARKERS = re.compile(r"forwarded message|original message|end forwarded|weitergeleitete|message transf", re.I)
RAW_FIELDS = re.compile(r"^(?:Message-ID|In-Reply-To|References|MIME-Version|Content-Type|Status|X-[\w-]+):", re.M)


def parsed(entry: dict[str, Any]) -> ParsedMail:
    return parse_message((FIXTURES / entry["file"]).read_bytes())


def source(path: str) -> EmailMessage:
    return message_from_bytes((FIXTURES / path).read_bytes(), policy=policy.default)  # type: ignore[return-value]


def words(text: str) -> str:
    return " ".join(fold(text).split())


def name_of(entry: dict[str, Any]) -> str:
    return f"{entry['client']}-{entry['version']}/{Path(entry['file']).stem}"


def test_every_client_has_inline_and_attached_forwards_and_top_and_bottom_replies() -> None:
    assert {"mutt", "neomutt", "s-nail"} <= set(CLIENTS)
    for client in CLIENTS:
        mine = [e for e in MANIFEST["fixtures"] if e["client"] == client]
        assert any(e["kind"] == "forward" and not e["attached"] for e in mine), client
        assert any(e["kind"] == "forward" and e["attached"] for e in mine), client
        assert {e["where"] for e in mine if e["kind"] == "reply"} == {"above", "below"}, client
    on_disk = {str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*-*/*.eml")}
    assert on_disk == {e["file"] for e in MANIFEST["fixtures"]}


@pytest.mark.parametrize("entry", FORWARDS, ids=name_of)
def test_a_forward_keeps_the_reps_note_and_nothing_of_the_forward_in_it(entry: dict[str, Any]) -> None:
    mail = parsed(entry)
    note = mail.outer.body
    assert words(entry["typed"].removesuffix("\n\nNoor")) in words(note)
    assert not MARKERS.search(note), note
    assert not RAW_FIELDS.search(note), note
    for message in mail.messages[1:]:
        assert words(entry["typed"].split("\n")[0]) not in words(f"{message.body} {message.signature}")


@pytest.mark.parametrize("entry", FORWARDS, ids=name_of)
def test_a_forward_keeps_every_author_and_date_and_no_empty_message(entry: dict[str, Any]) -> None:
    mail = parsed(entry)
    for message in mail.messages[1:]:
        assert message.sender is not None and message.sender.name, message
        assert message.date is not None, message
        assert not RAW_FIELDS.search(message.body), message.body[:300]
        if not message.body.strip():
            # only neomutt's inline forward of an HTML-only mail, which carries the headers alone; the rep is told
            assert entry["client"] == "neomutt" and any("without its text" in d for d in mail.defects), message
    for path in entry["sources"]:
        original = source(path)
        (name, address), when = getaddresses([str(original["From"])])[0], parsedate_to_datetime(original["Date"])
        found = [m for m in mail.messages[1:] if m.sender and m.sender.name == name]
        assert found, f"{name} is not among the authors of {entry['file']}"
        message = found[0]
        # aerc prints only the name; every other client keeps the address
        assert message.sender.email in (address, "") and (message.sender.email or entry["client"] == "aerc")  # type: ignore[union-attr]
        assert message.date is not None and abs((message.date - when).total_seconds()) < 60  # aerc drops the seconds
        body = parse_message((FIXTURES / path).read_bytes()).outer.body  # the message as its author sent it
        if message.body or entry["client"] != "neomutt":
            assert words(body.split("\n\n")[1]) in words(message.body)


@pytest.mark.parametrize("entry", FORWARDS, ids=name_of)
def test_a_forward_is_never_named_after_the_clients_subject(entry: dict[str, Any]) -> None:
    key = resolve_account(parsed(entry), OWN)
    if entry["client"] == "aerc" and not entry["attached"]:
        assert key is None  # aerc's inline forward carries no customer address: the rep's open account takes it
        return
    assert key is not None and key.domain == CUSTOMER_DOMAIN
    # a forward that lost the customer's signature (neomutt and an HTML-only mail) can only go by the domain
    assert key.name == CUSTOMER or (entry["client"], Path(entry["file"]).stem) == ("neomutt", "forward-html-only")


def test_the_same_customer_message_forwarded_by_every_client_is_one_source() -> None:
    prints: dict[str, set[str]] = {}
    for entry in FORWARDS:
        for message in parsed(entry).messages[1:]:
            if message.sender and message.sender.name in CUSTOMER_PEOPLE and message.body:  # a husk is no source
                prints.setdefault(message.sender.name, set()).add(fingerprint(message))
    assert prints.keys() == CUSTOMER_PEOPLE
    assert all(len(found) == 1 for found in prints.values()), prints


@pytest.mark.parametrize("entry", REPLIES, ids=name_of)
def test_a_reply_reads_exactly_what_the_rep_typed_whatever_the_quoting(entry: dict[str, Any]) -> None:
    body = parsed(entry).outer.body
    assert words(body) == words(entry["typed"])
    commands, answers = parse_commands(body)
    if "approve" in entry["typed"]:
        assert commands.approve and commands.csm is None
    else:
        assert commands.csm is not None and (commands.csm.name, commands.csm.email) == CSM
        assert "Expansion: the two freight vessels in 2027" in answers


def old_token() -> str:
    draft = source("source/04-handoff-draft.eml")
    match = re.search(r"\+([0-9a-f]{16,64})@", str(draft["Reply-To"]))
    assert match is not None
    return match.group(1)


def as_reply_to(raw: bytes, token: str) -> bytes:
    """The fixture as if it answered this run's draft: the same bytes, this handoff's token."""
    return raw.replace(old_token().encode(), token.encode())


@pytest.fixture
async def tidewater(tmp_path: Path) -> Any:
    harness = await start_harness(
        make_settings(tmp_path, inbox_address=INBOX, company_domains=OWN.copy().pop(), timezone="Europe/Oslo"),
        "sqlite",
    )
    try:
        yield harness
    finally:
        await stop_harness(harness)


async def forward_everything(harness: Harness) -> None:
    for entry in FORWARDS:
        assert await harness.send((FIXTURES / entry["file"]).read_bytes(), mail_from=REP, rcpt_to=INBOX) == {}
    await harness.drain()


def plain_parts(mail: EmailMessage) -> list[str]:
    return [p.get_content() for p in mail.walk() if p.get_content_type() == "text/plain" and not p.is_attachment()]


@pytest.mark.parametrize("client", CLIENTS)
async def test_the_loop_runs_on_each_clients_mail_to_the_csms_invite(tidewater: Harness, client: str) -> None:
    await forward_everything(tidewater)
    doc = document_for(tidewater.settings, CUSTOMER_DOMAIN)
    assert doc.account.name == CUSTOMER
    customer_sources = [s for s in doc.sources if s.from_ and CUSTOMER_DOMAIN in s.from_]
    assert len(customer_sources) == 4  # every forward from five clients: four customer messages
    draft = tidewater.outbox_to(REP)[-1]
    assert draft["Subject"] == f"Handoff draft: {CUSTOMER}"
    token = re.search(r"\+([0-9a-f]+)@", str(draft["Reply-To"])).group(1)  # type: ignore[union-attr]

    for scenario in ("reply-top-csm", "reply-bottom-approve"):
        raw = (FIXTURES / f"{client}-{MANIFEST_VERSIONS[client]}/{scenario}.eml").read_bytes()
        await tidewater.send(as_reply_to(raw, token), mail_from=REP, rcpt_to=f"handoff+{token}@{INBOX.split('@')[1]}")
        await tidewater.drain()

    finals = tidewater.outbox_to(CSM[1])
    assert len(finals) == 1, [m["Subject"] for m in tidewater.outbox()]
    final = finals[0]
    (display, address), *_ = getaddresses([str(final["To"])])
    assert (display, address) == CSM
    assert "=?utf-8?" in final.as_string().split("\n\n", 1)[0].lower()  # the name is encoded, not dropped
    text = plain_parts(final)[0]
    assert text.startswith("Hi Zoë,")
    ics = next(p for p in final.walk() if p.get_content_type() == "text/calendar").get_content()
    event = next(iter(Calendar.from_ical(ics).walk("VEVENT")))
    names = {str(a).lower(): a.params.get("CN") for a in event["ATTENDEE"]}
    assert names[f"mailto:{CSM[1]}"] == CSM[0]
    assert f'CN="{CSM[0]}"' in re.sub(r"\r?\n[ \t]", "", ics)
    assert str(event["SUMMARY"]).startswith(f"Handoff call: {CUSTOMER}")
    answers = " ".join(i.text for i in document_for(tidewater.settings, CUSTOMER_DOMAIN).sections.expansion)
    assert "freight vessels" in answers


async def test_no_text_plain_part_we_send_has_markdown_or_a_zone_twice(tidewater: Harness) -> None:
    await forward_everything(tidewater)
    draft = tidewater.outbox_to(REP)[-1]
    token = re.search(r"\+([0-9a-f]+)@", str(draft["Reply-To"])).group(1)  # type: ignore[union-attr]
    for scenario in ("reply-top-csm", "reply-bottom-approve"):
        raw = (FIXTURES / f"mutt-{MANIFEST_VERSIONS['mutt']}/{scenario}.eml").read_bytes()
        await tidewater.send(as_reply_to(raw, token), mail_from=REP, rcpt_to=f"handoff+{token}@{INBOX.split('@')[1]}")
        await tidewater.drain()
    sent = tidewater.outbox()
    assert {str(m["X-Handoff-Kind"]) for m in sent} >= {"draft", "final"}
    for mail in sent:
        for text in plain_parts(mail):
            assert "**" not in text and "__" not in text, mail["Subject"]
            assert not re.search(r"^#{1,6} ", text, re.M), mail["Subject"]
            assert not re.search(r"\[[^\]]+\]\([^)]+\)", text), mail["Subject"]
            assert not re.search(r"\b(\w+) \(\1\)", text), mail["Subject"]  # "UTC (UTC)"


MANIFEST_VERSIONS = {e["client"]: e["version"] for e in MANIFEST["fixtures"]}
