"""Envelope mode, the mode setting, and the strict reading of From every mode relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import ConfigError
from agent.settings import load_settings
from mailflows.inbound.authorship import aligned, envelope_address, org_domain, strict_from
from mailflows.inbound.sender_auth import Arrival, SenderAuthenticator, Verdict
from tests.conftest import make_settings
from tests.sender_auth_support import REP, message, send, verdict_intake


def envelope_intake(tmp_path: Path):  # type: ignore[no-untyped-def]
    return verdict_intake(SenderAuthenticator(make_settings(tmp_path)))


def test_the_default_mode_is_envelope(tmp_path: Path) -> None:
    auth = SenderAuthenticator(make_settings(tmp_path))
    assert auth.mode == "envelope" and "MAIL FROM must equal From" in auth.describe()


def test_envelope_equal_to_from_authenticates_the_author(tmp_path: Path) -> None:
    with envelope_intake(tmp_path) as (port, seen):
        send(port, message("Rep Name <Rep@LumenData.example>"), "rep@lumendata.example")
    verdict = seen.verdicts[0]
    assert verdict.address == REP and verdict.method == "envelope" and not verdict.suspicious


def test_envelope_and_from_disagreeing_is_refused_and_flagged(tmp_path: Path) -> None:
    with envelope_intake(tmp_path) as (port, seen):
        send(port, message(REP), "mallory@lumendata.example")
    verdict = seen.verdicts[0]
    assert verdict.address is None and verdict.suspicious and verdict.header_from == REP
    assert "envelope sender mallory@lumendata.example differs from From rep@lumendata.example" in verdict.reason


def test_the_null_sender_is_never_authenticated(tmp_path: Path) -> None:
    with envelope_intake(tmp_path) as (port, seen):
        send(port, message(REP), "")
    verdict = seen.verdicts[0]
    assert verdict.address is None and verdict.method == "none" and not verdict.suspicious


def test_an_ambiguous_from_is_refused_and_flagged(tmp_path: Path) -> None:
    with envelope_intake(tmp_path) as (port, seen):
        send(port, message(f"{REP}, mallory@evil.example"), REP)
        send(port, message(REP, extra=("From: mallory@evil.example",)), REP)
        send(port, message(REP, extra=("From : mallory@evil.example",)), REP)
    assert [v.address for v in seen.verdicts] == [None, None, None]
    assert all(v.suspicious and "ambiguous" in v.reason for v in seen.verdicts)


def test_a_message_without_from_is_refused_but_not_flagged(tmp_path: Path) -> None:
    auth = SenderAuthenticator(make_settings(tmp_path))
    verdict = auth.check(b"To: x@y.example\r\n\r\napprove\r\n", Arrival("smtp", mail_from=REP))
    assert verdict.address is None and not verdict.suspicious and "no From header" in verdict.reason


def test_handoff_ingest_files_are_the_operators_own(tmp_path: Path) -> None:
    auth = SenderAuthenticator(make_settings(tmp_path))
    verdict = auth.check(message(REP), Arrival("ingest"))
    assert verdict.address == REP and verdict.method == "operator"
    assert auth.check(message(f"{REP}, x@evil.example"), Arrival("ingest")).address is None


async def test_authenticate_is_the_same_answer_for_async_callers(tmp_path: Path) -> None:
    auth = SenderAuthenticator(make_settings(tmp_path))
    verdict = await auth.authenticate(message(REP), Arrival("smtp", mail_from=REP, peer_ip="127.0.0.1"))
    assert verdict == auth.check(message(REP), Arrival("smtp", mail_from=REP, peer_ip="127.0.0.1"))


def test_a_verdict_survives_a_round_trip_through_a_record() -> None:
    verdict = Verdict(None, "relay", "why", suspicious=True, header_from=REP, mail_from="m@x.example")
    assert Verdict.from_record(verdict.as_record()) == verdict


@pytest.mark.parametrize(
    ("mail_from", "expected"),
    [("<Rep@LumenData.example>", REP), ("<>", ""), ("", ""), (" rep@lumendata.example ", REP)],
)
def test_envelope_addresses_compare_without_brackets_or_case(mail_from: str, expected: str) -> None:
    assert envelope_address(mail_from) == expected


@pytest.mark.parametrize(
    "value",
    [
        "=?utf-8?q?rep=40lumendata.example?=",  # the whole address as an encoded-word
        "=?utf-8?q?rep?=@lumendata.example",
        "Rep <=?utf-8?q?rep?=@lumendata.example>",
        "undisclosed: rep@lumendata.example;",  # a group: From is a mailbox list
        "<@relay.example:rep@lumendata.example>",  # a source route
        "rep@lumendata.example <mallory@evil.example>",
        '"Rep" <rep@lumendata.example@evil.example>',
        "\u212aate@lumendata.example",  # the Kelvin sign lowercases to an ASCII k
        "rep@lumendata.ex\u0430mple",  # Cyrillic a
        "rep@lumendata.example.",  # a trailing dot: obsolete syntax
    ],
)
def test_a_strict_reading_refuses_every_ambiguous_from(value: str) -> None:
    assert strict_from(message(value)) is None


def test_a_bare_carriage_return_in_the_header_block_is_ambiguous() -> None:
    assert strict_from(b"From: rep@lumendata.example\rBcc: x@evil.example\r\n\r\nhi") is None
    assert strict_from(b"From: rep@lumendata.example\nSubject: lf only\n\nhi") == REP


def test_display_names_and_comments_never_become_the_address() -> None:
    assert strict_from(message('"mallory@evil.example" <rep@lumendata.example>')) == REP
    assert strict_from(message("rep@lumendata.example (mallory@evil.example)")) == REP
    assert strict_from(message('"rep@lumendata.example" <mallory@evil.example>')) == "mallory@evil.example"


def test_a_needlessly_quoted_local_part_is_the_same_mailbox() -> None:
    assert strict_from(message('"rep"@lumendata.example')) == REP


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"HANDOFF_SENDER_AUTH": "relay"}, "needs HANDOFF_TRUSTED_AUTHSERV_ID"),
        ({"HANDOFF_TRUSTED_AUTHSERV_ID": "mx.lumendata.example"}, "needs HANDOFF_TRUSTED_RELAYS"),
        (
            {"HANDOFF_SENDER_AUTH": "envelope", "HANDOFF_TRUSTED_AUTHSERV_ID": "mx.lumendata.example"},
            "unset HANDOFF_TRUSTED_AUTHSERV_ID",
        ),
        ({"HANDOFF_SENDER_AUTH": "verify", "HANDOFF_TRUSTED_RELAYS": "10.0.0.5"}, "unset HANDOFF_TRUSTED_RELAYS"),
    ],
)
def test_settings_that_the_mode_would_ignore_stop_the_start(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], words: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=words):
        load_settings()


def test_relay_mode_for_an_imap_intake_needs_no_relay_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_TRUSTED_AUTHSERV_ID", "mx.google.com")
    monkeypatch.setenv("HANDOFF_IMAP_URL", "imaps://handoff%40lumendata.example@imap.lumendata.example/INBOX")
    assert load_settings().sender_auth_mode == "relay"


def test_verify_mode_with_no_resolver_configured_says_how_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dns.resolver

    from mailflows.inbound.mail_verify import make_resolver

    def no_resolv_conf(self: dns.resolver.Resolver, f: object) -> None:
        raise dns.resolver.NoResolverConfiguration("no nameservers")

    monkeypatch.setattr(dns.resolver.Resolver, "read_resolv_conf", no_resolv_conf)
    with pytest.raises(ConfigError, match="HANDOFF_DNS_NAMESERVERS"):
        make_resolver(make_settings(tmp_path, sender_auth="verify"))


@pytest.mark.parametrize(
    ("domain", "from_domain", "strict", "expected"),
    [
        ("lumendata.example", "lumendata.example", True, True),
        ("mail.lumendata.example", "lumendata.example", False, True),
        ("mail.lumendata.example", "lumendata.example", True, False),
        ("a.github.io", "b.github.io", False, False),  # the public suffix list, not the last two labels
        ("example", "lumendata.example", False, False),
        ("", "lumendata.example", False, False),
    ],
)
def test_alignment_follows_organizational_domains(domain: str, from_domain: str, strict: bool, expected: bool) -> None:
    assert aligned(domain, from_domain, strict=strict) is expected


def test_organizational_domains_come_from_the_bundled_public_suffix_list() -> None:
    assert org_domain("eu.mail.lumendata.co.uk") == "lumendata.co.uk"
