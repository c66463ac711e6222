"""Relay mode: believe the Authentication-Results header our own border MTA wrote, and no other.

What it is for: ``relay_verdict`` reads, for one message, the topmost
``Authentication-Results`` header carrying our authserv-id (RFC 8601 5: those above it
were added inside our network after the border, those below it or any with our id on a
connection that is not a trusted relay were written by the sender), parsed with
``authres``, and decides whether it vouches for the From address: DMARC pass for the
From domain, or (when the relay wrote no DMARC result) a DKIM pass aligned with it.
Not for: checking signatures itself (``mail_verify.py``) or picking the mode
(``sender_auth.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

import authres
import authres.dmarc

from mailflows.inbound.authorship import Arrival, Verdict, aligned, ascii_lower, domain_of, header_values

# A real header is under 1 KB (Gmail's, with ARC: ~450 characters) and authres's parser
# is quadratic in the length (2 KB: ~20 ms). Only headers that mention our authserv-id
# are parsed, and our border's is the first of those unless a hop inside our network
# wrote one above it: a few attempts are plenty (bench/bench_sender_auth.py).
MAX_RESULTS_CHARS = 2048
MAX_PARSE_ATTEMPTS = 3

_FEATURES = authres.FeatureContext(authres.dmarc)

Network = IPv4Network | IPv6Network


def peer_is_trusted(peer_ip: str | None, relays: Sequence[Network]) -> bool:
    """The SMTP client's address lies in one of ``relays`` (IPv4-mapped IPv6 counts as IPv4)."""
    if not peer_ip or not relays:
        return False
    try:
        address: IPv4Address | IPv6Address = ip_address(peer_ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == net.version and address in net for net in relays)


@dataclass(slots=True)
class RelayResults:
    """What the trusted header says, reduced to what alignment needs."""

    dmarc: list[tuple[str, list[str]]] = field(default_factory=list)  # (result, header.from values)
    dkim: list[tuple[str, list[str]]] = field(default_factory=list)  # (result, header.d values)
    spf: list[str] = field(default_factory=list)


def _props(result: object, ptype: str, name: str) -> list[str]:
    return [
        str(p.value)
        for p in getattr(result, "properties", None) or []
        if str(p.type).lower() == ptype and str(p.name).lower() == name and p.value is not None
    ]


def read_ours(values: Sequence[str], authserv_id: str) -> tuple[RelayResults | None, str]:
    """The topmost header with ``authserv_id`` among ``values`` (top first), read; or None and why.

    A header that does not mention our id is skipped unread. One that mentions it but
    cannot be read may be ours, and since a lower one could be forged, nothing is
    believed then.
    """
    ours = ascii_lower(authserv_id)
    attempts = 0
    for value in values:
        text = value.replace("\r", " ").replace("\n", " ").strip()
        if ours not in ascii_lower(text):
            continue  # cannot carry our authserv-id: not parsed at all
        attempts += 1
        if attempts > MAX_PARSE_ATTEMPTS:
            return None, f"more than {MAX_PARSE_ATTEMPTS} Authentication-Results headers mention {authserv_id}"
        if len(text) > MAX_RESULTS_CHARS:
            return None, f"the Authentication-Results header from {authserv_id} is too long to read"
        try:
            header = _FEATURES.parse_value(text)
        except Exception:  # authres raises its SyntaxError, and RecursionError on nested comments
            return None, f"the Authentication-Results header from {authserv_id} could not be read"
        if ascii_lower(str(header.authserv_id or "")) != ours:
            continue
        found = RelayResults()
        for result in header.results:
            method = str(getattr(result, "method", "")).lower()
            outcome = str(getattr(result, "result", "")).lower()
            if method == "dmarc":
                found.dmarc.append((outcome, _props(result, "header", "from")))
            elif method == "dkim":
                found.dkim.append((outcome, _props(result, "header", "d")))
            elif method == "spf":
                found.spf.append(outcome)
        return found, ""
    return None, f"no Authentication-Results header from {authserv_id}"


def relay_verdict(
    raw: bytes, arrival: Arrival, header_from: str, authserv_id: str, relays: Sequence[Network]
) -> Verdict:
    """Relay mode for a message whose From reads strictly as ``header_from``."""
    values = header_values(raw, "Authentication-Results")
    if values is None:
        return Verdict(None, "relay", "the header block is malformed", True, header_from=header_from)
    claims_ours = any(ascii_lower(authserv_id) in ascii_lower(v) for v in values)
    if arrival.channel == "smtp" and not peer_is_trusted(arrival.peer_ip, relays):
        reason = f"connection from {arrival.peer_ip or 'an unknown address'} is not a trusted relay"
        if claims_ours:
            reason += f"; its Authentication-Results claiming {authserv_id} is forged and ignored"
        return Verdict(None, "relay", reason, claims_ours, header_from=header_from, mail_from=arrival.mail_from)
    found, why = read_ours(values, authserv_id)
    if found is None:
        return Verdict(None, "relay", why, header_from=header_from, mail_from=arrival.mail_from)
    from_domain = domain_of(header_from)
    if found.dmarc:
        for outcome, froms in found.dmarc:
            if outcome == "pass" and len(froms) == 1 and ascii_lower(froms[0]) == from_domain:
                return Verdict(
                    header_from,
                    "relay",
                    f"{authserv_id}: dmarc=pass header.from={from_domain}",
                    header_from=header_from,
                    mail_from=arrival.mail_from,
                )
        outcomes = ", ".join(f"dmarc={o} header.from={','.join(f) or '?'}" for o, f in found.dmarc)
        failed = any(o in ("fail", "quarantine", "reject") for o, _ in found.dmarc)
        return Verdict(
            None, "relay", f"{authserv_id}: {outcomes}", failed, header_from=header_from, mail_from=arrival.mail_from
        )
    for outcome, domains in found.dkim:
        if outcome == "pass" and len(domains) == 1 and aligned(domains[0], from_domain):
            return Verdict(
                header_from,
                "relay",
                f"{authserv_id}: dkim=pass header.d={ascii_lower(domains[0])}, aligned with {from_domain}",
                header_from=header_from,
                mail_from=arrival.mail_from,
            )
    return Verdict(
        None,
        "relay",
        f"{authserv_id}: no DMARC pass and no DKIM pass aligned with {from_domain}",
        header_from=header_from,
        mail_from=arrival.mail_from,
    )
