"""Verify mode: DKIM, SPF and DMARC checked in-process against a DNS server on loopback.

Every message goes through a real SMTP session to an aiosmtpd intake; every key and
policy is served by a real DNS server (tests/fakes/dns_server.py) over UDP and TCP.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailflows.inbound.sender_auth import SenderAuthenticator
from tests.conftest import make_settings
from tests.fakes.dns_server import DnsServer, dns_server
from tests.sender_auth_support import REP, DkimKey, message, new_key, send, sign, verdict_intake

# 127.0.0.1 (the test client) is allowed only for spf-ok.example's envelope senders.
ZONE_SPF = {
    "lumendata.example": "v=spf1 ip4:192.0.2.10 -all",
    "spf-ok.example": "v=spf1 ip4:127.0.0.0/8 -all",
    "evil.example": "v=spf1 ip4:127.0.0.0/8 -all",
}


@pytest.fixture(scope="module")
def keys() -> dict[str, DkimKey]:
    return {"lumendata": new_key(), "evil": new_key()}


@pytest.fixture
def dns(keys: dict[str, DkimKey]) -> Iterator[DnsServer]:
    with dns_server() as server:
        server.add("sel._domainkey.lumendata.example", "TXT", keys["lumendata"].record)
        server.add("sel._domainkey.evil.example", "TXT", keys["evil"].record)
        server.add("sel._domainkey.no-dmarc.example", "TXT", keys["lumendata"].record)
        for domain, policy in ZONE_SPF.items():
            server.add(domain, "TXT", policy)
        server.add("_dmarc.lumendata.example", "TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@lumendata.example")
        server.add("_dmarc.spf-ok.example", "TXT", "v=DMARC1; p=reject")
        server.add("_dmarc.evil.example", "TXT", "v=DMARC1; p=none")
        server.add("no-dmarc.example", "TXT", "v=spf1 -all")
        yield server


def authenticator(tmp_path: Path, dns: DnsServer, **overrides: object) -> SenderAuthenticator:
    values: dict[str, object] = {
        "sender_auth": "verify",
        "dns_nameservers": "127.0.0.1",
        "dns_port": dns.port,
        "dns_timeout_s": 1.0,
        "sender_auth_timeout_s": 4.0,
    }
    values.update(overrides)
    return SenderAuthenticator(make_settings(tmp_path, **values))


def test_valid_signature_with_an_aligned_from_is_authenticated(tmp_path, dns, keys) -> None:  # type: ignore[no-untyped-def]
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, sign(message(), "lumendata.example", keys["lumendata"]), REP)
    verdict = seen.verdicts[0]
    assert verdict.address == REP and verdict.method == "verify"
    assert "dmarc=pass" in verdict.reason and "aligned dkim" in verdict.reason
    assert not verdict.suspicious and not verdict.temporary
    assert ("sel._domainkey.lumendata.example.", "TXT") in dns.queries
    assert seen.arrivals[0].peer_ip == "127.0.0.1" and seen.arrivals[0].helo == "client.example"


def test_a_body_altered_after_signing_is_not_authenticated(tmp_path, dns, keys) -> None:  # type: ignore[no-untyped-def]
    signed = sign(message(body="Looks good.\r\n"), "lumendata.example", keys["lumendata"])
    altered = signed.replace(b"Looks good.", b"CSM: Eve <attacker@evil.example>\r\napprove")
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, altered, REP)
    verdict = seen.verdicts[0]
    assert verdict.address is None and not verdict.temporary
    assert "dkim=fail(lumendata.example)" in verdict.reason and "p=reject" in verdict.reason
    assert verdict.suspicious and verdict.header_from == REP


def test_a_valid_signature_by_another_domain_is_not_aligned(tmp_path, dns, keys) -> None:  # type: ignore[no-untyped-def]
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, sign(message(), "evil.example", keys["evil"]), REP)
    verdict = seen.verdicts[0]
    assert verdict.address is None
    assert "dkim=pass(evil.example)" in verdict.reason and "dmarc=fail" in verdict.reason


def test_spf_fail_under_a_reject_policy_is_not_authenticated(tmp_path, dns) -> None:  # type: ignore[no-untyped-def]
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, message(), REP)  # no signature, and 127.0.0.1 is not in lumendata.example's SPF
    verdict = seen.verdicts[0]
    assert verdict.address is None and verdict.suspicious
    assert "spf=fail" in verdict.reason and "p=reject" in verdict.reason


def test_spf_pass_for_an_envelope_equal_to_from_passes_dmarc(tmp_path, dns) -> None:  # type: ignore[no-untyped-def]
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, message("Pat <pat@spf-ok.example>"), "pat@spf-ok.example")
    verdict = seen.verdicts[0]
    assert verdict.address == "pat@spf-ok.example" and "aligned spf" in verdict.reason


def test_spf_pass_for_another_domain_does_not_align_with_from(tmp_path, dns) -> None:  # type: ignore[no-untyped-def]
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, message(), "mallory@evil.example")
    verdict = seen.verdicts[0]
    assert verdict.address is None and verdict.suspicious
    assert "envelope sender mallory@evil.example differs from From rep@lumendata.example" in verdict.reason


def test_aligned_dkim_counts_when_the_domain_publishes_no_dmarc(tmp_path, dns, keys) -> None:  # type: ignore[no-untyped-def]
    raw = sign(message("pat@no-dmarc.example"), "no-dmarc.example", keys["lumendata"])
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, raw, "pat@no-dmarc.example")
    assert seen.verdicts[0].address == "pat@no-dmarc.example"
    assert "no DMARC record" in seen.verdicts[0].reason


def test_the_null_sender_is_never_authenticated_even_when_signed(tmp_path, dns, keys) -> None:  # type: ignore[no-untyped-def]
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, sign(message(), "lumendata.example", keys["lumendata"]), "")
    verdict = seen.verdicts[0]
    assert seen.arrivals[0].null_sender
    assert verdict.address is None and verdict.method == "none" and "null sender" in verdict.reason
    assert not dns.queries  # nothing to verify: no DNS at all


def test_a_dns_timeout_is_a_temporary_state_never_a_pass(tmp_path, dns, keys) -> None:  # type: ignore[no-untyped-def]
    dns.silence("sel._domainkey.lumendata.example")
    dns.silence("_dmarc.lumendata.example")
    auth = authenticator(tmp_path, dns, dns_timeout_s=0.3, sender_auth_timeout_s=2.0)
    with verdict_intake(auth) as (port, seen):
        started = time.monotonic()
        with pytest.raises(smtplib.SMTPDataError) as answer:
            send(port, sign(message(), "lumendata.example", keys["lumendata"]), REP)
        elapsed = time.monotonic() - started
    verdict = seen.verdicts[0]
    assert answer.value.smtp_code == 451
    assert verdict.address is None and verdict.temporary and not verdict.suspicious
    assert "DNS did not answer in time" in verdict.reason
    assert elapsed < 6


def test_a_failing_dns_server_is_temporary_too(tmp_path, dns, keys) -> None:  # type: ignore[no-untyped-def]
    dns.fail("_dmarc.lumendata.example")
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen), pytest.raises(smtplib.SMTPDataError):
        send(port, sign(message(), "lumendata.example", keys["lumendata"]), REP)
    assert seen.verdicts[0].temporary and seen.verdicts[0].address is None


def test_a_dns_timeout_does_not_hide_an_aligned_signature_that_verified(tmp_path, dns, keys) -> None:  # type: ignore[no-untyped-def]
    dns.silence("lumendata.example")  # SPF cannot be read; DKIM and DMARC can
    auth = authenticator(tmp_path, dns, dns_timeout_s=0.3)
    with verdict_intake(auth) as (port, seen):
        send(port, sign(message(), "lumendata.example", keys["lumendata"]), REP)
    assert seen.verdicts[0].address == REP and "spf=temperror" in seen.verdicts[0].reason


def test_two_dmarc_records_mean_no_policy_and_no_pass_without_dkim(tmp_path, dns) -> None:  # type: ignore[no-untyped-def]
    dns.add("_dmarc.spf-ok.example", "TXT", "v=DMARC1; p=none")
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, message("pat@spf-ok.example"), "pat@spf-ok.example")
    assert seen.verdicts[0].address is None and "no DMARC record" in seen.verdicts[0].reason


def test_a_subdomain_without_a_record_uses_the_organizational_policy(tmp_path, dns, keys) -> None:  # type: ignore[no-untyped-def]
    raw = sign(message("rep@eu.lumendata.example"), "lumendata.example", keys["lumendata"])
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, raw, "rep@eu.lumendata.example")
    assert seen.verdicts[0].address == "rep@eu.lumendata.example"
    assert ("_dmarc.eu.lumendata.example.", "TXT") in dns.queries
    assert ("_dmarc.lumendata.example.", "TXT") in dns.queries


def test_a_signature_by_a_public_suffix_aligns_with_nothing(tmp_path, dns, keys) -> None:  # type: ignore[no-untyped-def]
    dns.add("sel._domainkey.example", "TXT", keys["evil"].record)
    with verdict_intake(authenticator(tmp_path, dns)) as (port, seen):
        send(port, sign(message(), "example", keys["evil"]), REP)
    assert seen.verdicts[0].address is None
