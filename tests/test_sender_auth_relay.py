"""Relay mode: only our border's topmost Authentication-Results, only from a trusted relay.

Every message goes through a real SMTP session to an aiosmtpd intake on 127.0.0.2; the
trusted relay is the client bound to 127.0.0.2, an outsider is the client on 127.0.0.3.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mailflows.inbound.auth_results import peer_is_trusted, read_ours
from mailflows.inbound.sender_auth import Arrival, SenderAuthenticator
from tests.conftest import make_settings
from tests.sender_auth_support import REP, message, send, verdict_intake

OURS = "mx.lumendata.example"
RELAY = "127.0.0.2"
OUTSIDER = "127.0.0.3"
PASS = f"Authentication-Results: {OURS}; dmarc=pass (p=reject) header.from=lumendata.example"


def authenticator(tmp_path: Path, **overrides: object) -> SenderAuthenticator:
    values: dict[str, object] = {"trusted_authserv_id": OURS, "trusted_relays": f"{RELAY}, 10.20.0.0/16"}
    values.update(overrides)
    return SenderAuthenticator(make_settings(tmp_path, **values))


def deliver(tmp_path: Path, raw: bytes, *, source: str = RELAY, mail_from: str = REP):  # type: ignore[no-untyped-def]
    with verdict_intake(authenticator(tmp_path), host=RELAY) as (port, seen):
        send(port, raw, mail_from, host=RELAY, source=source)
    assert seen.arrivals[0].peer_ip == source
    return seen.verdicts[0]


def test_setting_the_authserv_id_selects_relay_mode(tmp_path: Path) -> None:
    assert authenticator(tmp_path).mode == "relay"


def test_dmarc_pass_from_our_border_on_a_trusted_connection_authenticates(tmp_path: Path) -> None:
    verdict = deliver(tmp_path, message(extra=(PASS,)))
    assert verdict.address == REP and verdict.method == "relay" and "dmarc=pass" in verdict.reason


def test_the_same_header_written_by_an_outsider_is_forged_and_flagged(tmp_path: Path) -> None:
    raw = message("Rep <rep@lumendata.example>", body="CSM: Eve <attacker@evil.example>\r\napprove\r\n", extra=(PASS,))
    verdict = deliver(tmp_path, raw, source=OUTSIDER)
    assert verdict.address is None and verdict.suspicious
    assert "127.0.0.3 is not a trusted relay" in verdict.reason and "forged" in verdict.reason
    assert verdict.header_from == REP  # the rep can be told someone tried


def test_only_the_topmost_header_with_our_id_counts(tmp_path: Path) -> None:
    ours_fail = f"Authentication-Results: {OURS}; dmarc=fail (p=reject) header.from=lumendata.example"
    verdict = deliver(tmp_path, message(extra=(ours_fail, PASS)))  # the pass below was written by the sender
    assert verdict.address is None and verdict.suspicious and "dmarc=fail" in verdict.reason


def test_headers_added_inside_our_network_above_ours_are_skipped(tmp_path: Path) -> None:
    internal = "Authentication-Results: filter.lumendata.example; dmarc=fail header.from=lumendata.example"
    assert deliver(tmp_path, message(extra=(internal, PASS))).address == REP


def test_a_pass_for_another_from_domain_does_not_vouch_for_this_from(tmp_path: Path) -> None:
    other = f"Authentication-Results: {OURS}; dmarc=pass header.from=evil.example"
    assert deliver(tmp_path, message(extra=(other,))).address is None


def test_two_header_from_values_in_one_result_are_ambiguous(tmp_path: Path) -> None:
    twice = f"Authentication-Results: {OURS}; dmarc=pass header.from=lumendata.example header.from=evil.example"
    assert deliver(tmp_path, message(extra=(twice,))).address is None


def test_an_aligned_dkim_pass_counts_when_the_relay_wrote_no_dmarc_result(tmp_path: Path) -> None:
    dkim = f"Authentication-Results: {OURS}; dkim=pass header.d=mail.lumendata.example header.s=s1; spf=none"
    verdict = deliver(tmp_path, message(extra=(dkim,)))
    assert verdict.address == REP and "aligned" in verdict.reason


def test_a_dkim_pass_by_another_domain_does_not(tmp_path: Path) -> None:
    dkim = f"Authentication-Results: {OURS}; dkim=pass header.d=evil.example"
    assert deliver(tmp_path, message(extra=(dkim,))).address is None


def test_our_header_unreadable_means_nothing_below_it_is_believed(tmp_path: Path) -> None:
    broken = f"Authentication-Results: {OURS}; dmarc pass header.from=lumendata.example"
    verdict = deliver(tmp_path, message(extra=(broken, PASS)))
    assert verdict.address is None and "could not be read" in verdict.reason


def test_an_encoded_word_is_never_read_as_our_authserv_id(tmp_path: Path) -> None:
    encoded = "Authentication-Results: =?utf-8?q?mx.lumendata.example=3B_dmarc=3Dpass_header.from=3Dlumendata.example?="
    verdict = deliver(tmp_path, message(extra=(encoded, PASS.replace("dmarc=pass", "dmarc=none"))))
    assert verdict.address is None and "could not be read" in verdict.reason  # it might be ours: nothing below counts


def test_a_trusted_relay_without_our_header_authenticates_nobody(tmp_path: Path) -> None:
    verdict = deliver(tmp_path, message())
    assert verdict.address is None and f"no Authentication-Results header from {OURS}" in verdict.reason


def test_the_null_sender_is_never_authenticated_whatever_the_relay_says(tmp_path: Path) -> None:
    verdict = deliver(tmp_path, message(extra=(PASS,)), mail_from="")
    assert verdict.address is None and "null sender" in verdict.reason


def test_imap_messages_trust_the_mailbox_providers_header(tmp_path: Path) -> None:
    auth = authenticator(tmp_path)
    assert auth.check(message(extra=(PASS,)), Arrival("imap", mail_from=REP)).address == REP
    forged_below = message(extra=(f"Authentication-Results: {OURS}; none", PASS))
    assert auth.check(forged_below, Arrival("imap", mail_from=REP)).address is None


@pytest.mark.parametrize(
    ("peer", "trusted"),
    [
        ("127.0.0.2", True),
        ("::ffff:127.0.0.2", True),
        ("10.20.3.4", True),
        ("10.21.0.1", False),
        ("127.0.0.3", False),
        ("fe80::1%eth0", False),
        ("not an address", False),
        (None, False),
    ],
)
def test_trusted_relays_are_addresses_and_ranges(tmp_path: Path, peer: str | None, trusted: bool) -> None:
    assert peer_is_trusted(peer, authenticator(tmp_path).relays) is trusted


def test_a_header_too_long_to_read_that_may_be_ours_stops_the_search() -> None:
    long = f"{OURS}; dmarc=pass header.from=lumendata.example " + "(x)" * 5000
    found, why = read_ours([long, f"{OURS}; dmarc=pass header.from=lumendata.example"], OURS)
    assert found is None and "too long" in why


def test_headers_that_do_not_mention_our_id_are_skipped_unread_and_look_alikes_are_few() -> None:
    unreadable = "other.example; ((((" + "x" * 10_000
    found, _ = read_ours([unreadable, f"{OURS}; dmarc=pass header.from=lumendata.example"], OURS)
    assert found is not None and found.dmarc == [("pass", ["lumendata.example"])]
    look_alikes = [f"{OURS}x; none"] * 4 + [f"{OURS}; dmarc=pass header.from=lumendata.example"]
    found, why = read_ours(look_alikes, OURS)
    assert found is None and "more than 3" in why
