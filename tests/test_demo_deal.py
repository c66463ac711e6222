"""The shipped demo deal is well-formed mail, and its expected.json describes what the inbox really says."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
import unicodedata
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import pytest

from agent.demo_deal import demo_expected, demo_files, demo_rep_reply

REQUIRED_HEADERS = ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version")
VTT_TIMING = re.compile(r"\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}")


def _parse(path: Path) -> EmailMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def _leaves(msg: EmailMessage) -> list[EmailMessage]:
    out: list[EmailMessage] = []
    for part in msg.walk():
        if part.get_content_type() == "message/rfc822":
            continue
        if not part.is_multipart():
            out.append(part)
    for part in msg.walk():
        if part.get_content_type() == "message/rfc822":
            out.extend(_leaves(part.get_content()))
    return out


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2013", "-")
    text = re.sub(r"(?m)^[ \t]*(>[ \t]?)+", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def _inbox_text() -> str:
    chunks: list[str] = []
    for path in demo_files():
        for part in _leaves(_parse(path)):
            content = part.get_content()
            if part.get_content_type() == "text/html":
                parser = _Text()
                parser.feed(content)
                content = " ".join(parser.chunks)
            chunks.append(content)
    return _normalize("\n".join(chunks))


def _supported(fact: dict, text: str) -> bool:
    return all(any(_normalize(k) in text for k in group) for group in fact["keywords"])


def test_demo_files_are_eight_messages_in_the_order_they_were_sent() -> None:
    files = demo_files()
    assert [f.name[:3] for f in files] == [f"{i:02d}-" for i in range(1, 9)]
    dates = [_parse(f)["Date"].datetime for f in files]
    assert dates == sorted(dates)
    assert all(d.year == 2026 for d in dates)


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: p.name)
def test_each_demo_message_parses_without_defects_and_every_part_decodes(path: Path) -> None:
    raw = path.read_bytes()
    assert b"\r" not in raw, "fixtures are stored with LF line ends"
    msg = _parse(path)
    for name in REQUIRED_HEADERS:
        assert msg[name], f"{path.name} lacks {name}"
    assert msg["From"].addresses[0].addr_spec == "sam.okafor@northwind.example"
    assert msg["To"].addresses[0].addr_spec == "handoff@northwind.example"
    parts = [p for p in msg.walk()]
    parts += [q for p in msg.walk() if p.get_content_type() == "message/rfc822" for q in p.get_content().walk()]
    for part in parts:
        assert not part.defects, f"{path.name}: {part.get_content_type()} {part.defects}"
    for leaf in _leaves(msg):
        content = leaf.get_content()
        assert isinstance(content, str) and content.strip(), f"{path.name}: empty {leaf.get_content_type()}"
        assert "\ufffd" not in content


def test_transcript_attachment_is_well_formed_webvtt_with_a_speaker_on_every_cue() -> None:
    vtts = [p for f in demo_files() for p in _leaves(_parse(f)) if p.get_content_type() == "text/vtt"]
    assert len(vtts) == 1
    assert (vtts[0].get_filename() or "").endswith(".vtt")
    text = vtts[0].get_content()
    header, *cues = text.strip().split("\n\n")
    assert header == "WEBVTT"
    assert len(cues) >= 20
    for number, cue in enumerate(cues, 1):
        ident, timing, line = cue.split("\n")
        assert ident == str(number)
        assert VTT_TIMING.fullmatch(timing)
        assert re.match(r"^[A-Z][a-z]+ [A-Z][a-z]+: \S", line)


def test_crm_attachment_is_a_rectangular_csv_with_a_header_row() -> None:
    csvs = [p for f in demo_files() for p in _leaves(_parse(f)) if p.get_content_type() == "text/csv"]
    assert len(csvs) == 1
    rows = list(csv.reader(io.StringIO(csvs[0].get_content())))
    assert rows[0][0] == "Activity date"
    assert len(rows) > 5
    assert {len(r) for r in rows} == {len(rows[0])}


def test_every_expected_fact_is_supported_by_the_inbox_text() -> None:
    text = _inbox_text()
    unsupported = [f["id"] for f in demo_expected()["facts"] if not _supported(f, text)]
    assert unsupported == []


def test_rep_reply_facts_come_from_the_reply_and_expansion_is_absent_from_the_inbox() -> None:
    expected = demo_expected()
    reply = _normalize(demo_rep_reply())
    assert [f["id"] for f in expected["rep_reply_facts"] if not _supported(f, reply)] == []
    inbox = _inbox_text()
    assert "expansion" in expected["absent_sections"]
    assert "ridgeback" not in inbox and "forecasting add-on" not in inbox


def test_the_csm_is_named_only_in_the_rep_reply() -> None:
    expected = demo_expected()
    assert expected["csm"] is None
    csm = expected["csm_after_reply"]
    assert f"CSM: {csm['name']} <{csm['email']}>" in demo_rep_reply()
    assert csm["email"] not in _inbox_text()


def test_the_traps_really_are_in_the_inbox() -> None:
    text = _inbox_text()
    for trap in demo_expected()["must_not_appear"]:
        assert _normalize(trap) in text, trap


def test_stakeholders_are_customer_people_whose_names_and_titles_appear_in_the_inbox() -> None:
    text = _inbox_text()
    expected = demo_expected()
    domain = expected["account"]["domain"]
    for person in expected["stakeholders"]:
        assert person["email"].endswith("@" + domain)
        assert _normalize(person["name"]) in text and _normalize(person["title"]) in text
    assert {p["role"] for p in expected["stakeholders"]} >= {
        "champion",
        "economic_buyer",
        "technical_evaluator",
    }
