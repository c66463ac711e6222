"""Hostile input for the sender verdict and the parser: nothing crashes, nothing authenticates a decoy.

Messages are built from a real mailbox and decoys hidden where a lenient reader might
take them for the author: display names, comments, encoded-words, groups, a second
From, look-alike ``From :`` lines, CR/LF injection, Unicode look-alikes, forged
Authentication-Results. Each example knows which addresses a strict reading may give
(``allowed``); the verdict may give one of those or none, in every mode, and never
for the null sender.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailflows.inbound.auth_results import peer_is_trusted
from mailflows.inbound.authorship import _PLAIN_FROM, _read_with_two_parsers, ascii_lower, envelope_address, strict_from
from mailflows.inbound.parse import parse_message
from mailflows.inbound.sender_auth import Arrival, SenderAuthenticator, Verdict
from tests.conftest import make_settings
from tests.fakes.dns_server import dns_server

OURS = "mx.lumendata.example"
REP = "rep@lumendata.example"
ADDRESSES = [
    REP,
    "Rep@LumenData.example",
    "mallory@evil.example",
    "mallory@lumendata.example",
    "rep@lumendata.ex\u0430mple",  # Cyrillic a
    "\uff52\uff45\uff50@lumendata.example",  # fullwidth "rep"
    "\u212aate@lumendata.example",  # Kelvin sign: lowercases to ASCII k
    "rep@lumendata.example\u200b",
    '"rep"@lumendata.example',
    "rep@[127.0.0.1]",
    "rep+tag@lumendata.example",
]
addresses = st.sampled_from(ADDRESSES)
junk = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


def mailbox_of(address: str) -> str:
    """The RFC 5322 addr-spec, quoting normalized (``"rep"@x`` is ``rep@x``), A-Z lowercased."""
    try:
        return ascii_lower(Address(addr_spec=address).addr_spec)
    except Exception:
        return ascii_lower(address)


def encoded(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


@st.composite
def from_values(draw: st.DrawFn) -> tuple[str, set[str] | None]:
    """A From header value and the addresses a strict reading may give (None: no oracle)."""
    mailbox, decoy = draw(addresses), draw(addresses)
    one = {mailbox_of(mailbox)}
    form = draw(st.integers(0, 11))
    if form == 0:
        return mailbox, one
    if form == 1:
        name = draw(st.sampled_from([f'"{decoy}"', f'"{decoy}" "x"', decoy, f"{decoy},", f'"a\\" <{decoy}>"']))
        return f"{name} <{mailbox}>", one
    if form == 2:
        return f"{mailbox} ({draw(st.sampled_from([decoy, f'<{decoy}>', f'(({decoy})', 'a)b']))})", one
    if form == 3:
        return f"group: {mailbox};", set()
    if form == 4:
        return f"{mailbox}, {decoy}", set()
    if form == 5:
        return f"{encoded(decoy)} <{mailbox}>", one
    if form == 6:
        return draw(st.sampled_from([encoded(decoy), f"{encoded(decoy.split('@')[0])}@{decoy.split('@')[-1]}"])), set()
    if form == 7:
        return f"{mailbox}\r\nBcc: {decoy}", one
    if form == 8:
        return f"{mailbox}\r\nFrom: {decoy}", set()
    if form == 9:
        return f"{mailbox}\r{decoy}", set()  # a bare CR: readers disagree where the line ends
    if form == 10:
        return f"{decoy} <{mailbox}>\r\n {draw(junk)}", None
    return draw(junk), None


AR_IDS = [OURS, OURS.upper(), f"(border) {OURS}", f"{OURS} 1", "filter.lumendata.example", encoded(OURS), OURS + "x"]
AR_RESULTS = [
    "dmarc=pass header.from=lumendata.example",
    "dmarc=fail header.from=lumendata.example",
    "dmarc=pass header.from=evil.example",
    "dkim=pass header.d=lumendata.example",
    "dkim=pass header.d=evil.example",
    "none",
    "dmarc=pass header.from=lumendata.example header.from=evil.example",
]
GENUINE = {OURS, OURS.upper(), f"(border) {OURS}", f"{OURS} 1"}
OTHERS = {"filter.lumendata.example", OURS + "x"}  # readable, and not ours


@dataclass
class Example:
    raw: bytes
    allowed: set[str] | None
    results: list[str]  # Authentication-Results values, top first
    mail_from: str


@st.composite
def examples(draw: st.DrawFn) -> Example:
    value, allowed = draw(from_values())
    results = [
        f"{draw(st.sampled_from(AR_IDS))}; {draw(st.sampled_from(AR_RESULTS))}" if draw(st.booleans()) else draw(junk)
        for _ in range(draw(st.integers(0, 3)))
    ]
    decoy = draw(addresses)
    extra = draw(
        st.lists(
            st.sampled_from(
                [
                    f"From: {decoy}",
                    f"FROM: {decoy}",
                    f"From : {decoy}",
                    f"Sender: {decoy}",
                    f"Reply-To: {decoy}",
                    f"Return-Path: <{decoy}>",
                    f" From: {decoy}",  # a continuation of the header above it
                ]
            ),
            max_size=2,
        )
    )
    if allowed is not None and any(line.split(":")[0].strip().lower() == "from" and line[0] != " " for line in extra):
        allowed = set()
    lines = [*(f"Authentication-Results: {r}" for r in results), "Subject: Re: handoff", *extra, f"From: {value}"]
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    raw = (newline.join(lines) + newline + newline + "approve" + newline).encode("utf-8", "surrogatepass")
    mail_from = draw(st.sampled_from([REP, decoy, "", "<>", "<Rep@LumenData.example>", value[:60]]))
    return Example(raw, allowed, results, mail_from)


def check_invariants(verdict: Verdict, example: Example, arrival: Arrival) -> None:
    if verdict.address is None:
        return
    assert verdict.address == strict_from(example.raw)
    assert verdict.address.isascii() and verdict.address.count("@") == 1
    assert not arrival.null_sender or arrival.channel == "ingest"
    if example.allowed is not None:
        assert verdict.address in example.allowed, (verdict, example)


@pytest.fixture(scope="module")
def authenticators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, SenderAuthenticator]]:
    path: Path = tmp_path_factory.mktemp("hostile")
    with dns_server() as dns:
        yield {
            "envelope": SenderAuthenticator(make_settings(path)),
            "relay": SenderAuthenticator(
                make_settings(path, trusted_authserv_id=OURS, trusted_relays="127.0.0.2, 10.0.0.0/8")
            ),
            "verify": SenderAuthenticator(
                make_settings(
                    path, sender_auth="verify", dns_nameservers="127.0.0.1", dns_port=dns.port, dns_timeout_s=0.5
                )
            ),
        }


HOSTILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@HOSTILE
@given(example=examples(), channel=st.sampled_from(["smtp", "imap", "ingest"]))
def test_envelope_mode_authenticates_only_the_envelope_sender_read_strictly(
    authenticators: dict[str, SenderAuthenticator], example: Example, channel: str
) -> None:
    arrival = Arrival(channel, mail_from=envelope_address(example.mail_from), peer_ip="127.0.0.1")  # type: ignore[arg-type]
    verdict = authenticators["envelope"].check(example.raw, arrival)
    check_invariants(verdict, example, arrival)
    if verdict.address is not None and channel != "ingest":
        assert verdict.method == "envelope" and verdict.address == arrival.mail_from


@HOSTILE
@given(example=examples(), peer=st.sampled_from(["127.0.0.2", "127.0.0.3", "10.1.2.3", "::ffff:10.0.0.1", None]))
def test_relay_mode_believes_only_the_topmost_header_of_a_trusted_relay(
    authenticators: dict[str, SenderAuthenticator], example: Example, peer: str | None
) -> None:
    auth = authenticators["relay"]
    arrival = Arrival("smtp", mail_from=envelope_address(example.mail_from), peer_ip=peer)
    verdict = auth.check(example.raw, arrival)
    check_invariants(verdict, example, arrival)
    if verdict.address is None:
        return
    assert peer_is_trusted(peer, auth.relays)
    # Who wrote it, not whether they may steer (that is the rep check's): our border's pass for the
    # From's own domain vouches for that address, outsiders' included; nothing else does.
    domain = verdict.address.rsplit("@", 1)[1]
    for header in example.results:
        ident, _, result = header.partition("; ")
        if ident in GENUINE:  # the topmost header of our border: it alone may vouch
            assert result in (f"dmarc=pass header.from={domain}", f"dkim=pass header.d={domain}")
            break
        assert OURS not in ascii_lower(header) or ident in OTHERS, f"{header!r} might be ours, yet a lower one counted"
    else:
        raise AssertionError("authenticated without a header from our border")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(example=examples())
def test_verify_mode_never_authenticates_unsigned_hostile_mail(
    authenticators: dict[str, SenderAuthenticator], example: Example
) -> None:
    arrival = Arrival("smtp", mail_from=envelope_address(example.mail_from), peer_ip="127.0.0.1", helo="x")
    verdict = authenticators["verify"].check(example.raw, arrival)
    assert verdict.address is None  # the loopback DNS publishes no key and no SPF for any of these domains


@HOSTILE
@given(example=examples())
def test_the_parser_reads_every_hostile_message_and_agrees_with_the_strict_reading(example: Example) -> None:
    parsed = parse_message(example.raw)
    strict = strict_from(example.raw)
    if strict is not None:
        assert parsed.outer.sender is not None
        assert mailbox_of(parsed.outer.sender.email) == strict


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=600), mail_from=st.sampled_from(["", REP, "x"]))
def test_random_bytes_never_crash_any_mode(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes, mail_from: str
) -> None:
    path = tmp_path_factory.getbasetemp()
    for auth in (
        SenderAuthenticator(make_settings(path)),
        SenderAuthenticator(make_settings(path, trusted_authserv_id=OURS, trusted_relays="127.0.0.0/8")),
    ):
        for channel in ("smtp", "imap", "ingest"):
            verdict = auth.check(b"From: " + raw, Arrival(channel, mail_from=mail_from, peer_ip="127.0.0.1"))  # type: ignore[arg-type]
            assert verdict.address is None or verdict.address == strict_from(b"From: " + raw)
        parse_message(raw)


@settings(max_examples=500, deadline=None)
@given(value=st.from_regex(_PLAIN_FROM, fullmatch=True))
def test_a_plain_from_read_quickly_is_what_the_two_parsers_read(value: str) -> None:
    quick = strict_from(f"From: {value}\r\nTo: x@y.example\r\n\r\nhi\r\n".encode())
    assert quick is not None and quick == _read_with_two_parsers(value)
