"""Verify mode: DKIM, SPF and DMARC checked in-process, for an intake that faces the internet.

What it is for: ``MailVerifier.verdict`` checks one message's DKIM signatures (dkimpy),
the connecting address against the envelope sender's SPF policy (pyspf) and the From
domain's DMARC policy and alignment (the ``dmarc`` package, organizational domains
from the bundled public suffix list), every DNS query through one dnspython resolver
built from the settings (nameservers, port, timeout) under one deadline per message.
A DNS query that times out or fails makes the verdict *temporary*, never a pass. Not
for: reading someone else's Authentication-Results (``auth_results.py``) or choosing
the mode (``sender_auth.py``). Blocking: run it in a thread from async code.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import dkim
import dkim.util
import dmarc
import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver
import spf

from agent.errors import ConfigError
from agent.settings import Settings
from mailflows.inbound.authorship import Arrival, Verdict, aligned, ascii_lower, domain_of, org_domain, registrable

log = logging.getLogger(__name__)

# A signature costs a DNS query and an RSA verification; real mail carries one to three.
MAX_SIGNATURES = 5

_DKIM_LOG = logging.getLogger("dkimpy")


class DnsTemporary(Exception):
    """A DNS query timed out or the servers failed: the answer is unknown, not "no record"."""


def make_resolver(settings: Settings) -> dns.resolver.Resolver:
    """The resolver every check uses: HANDOFF_DNS_NAMESERVERS (else the system's), HANDOFF_DNS_PORT, timeouts."""
    if settings.dns_nameservers:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = list(settings.dns_nameservers)
    else:
        try:
            resolver = dns.resolver.Resolver()
        except (dns.resolver.NoResolverConfiguration, OSError) as exc:
            raise ConfigError(
                "HANDOFF_SENDER_AUTH=verify needs a DNS resolver and the system has none configured "
                f"({exc}); set HANDOFF_DNS_NAMESERVERS (e.g. 127.0.0.53)"
            ) from exc
    resolver.port = settings.dns_port
    resolver.timeout = settings.dns_timeout_s
    resolver.lifetime = settings.dns_timeout_s
    resolver.cache = dns.resolver.LRUCache(4096)
    return resolver


class Lookup:
    """DNS for one message: every query shares the message's deadline."""

    def __init__(self, resolver: dns.resolver.Resolver, deadline: float) -> None:
        self.resolver = resolver
        self.deadline = deadline
        self.failures: list[str] = []

    def answers(self, name: str, rdtype: str) -> list[Any]:
        """The records of ``rdtype`` at ``name``: [] for NXDOMAIN / no data / an impossible name."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.failures.append(f"{name} {rdtype}: out of time")
            raise DnsTemporary(f"no time left to look up {name} {rdtype}")
        try:
            answer = self.resolver.resolve(
                name, rdtype, raise_on_no_answer=False, search=False, lifetime=min(remaining, self.resolver.lifetime)
            )
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.YXDOMAIN, dns.name.NameTooLong):
            return []
        except (dns.exception.Timeout, dns.resolver.NoNameservers, OSError) as exc:
            self.failures.append(f"{name} {rdtype}: {type(exc).__name__}")
            raise DnsTemporary(f"{name} {rdtype}: {exc}") from exc
        except dns.exception.DNSException:  # a name no DNS server could hold (empty label, bad escapes)
            return []
        return list(answer.rrset or [])

    def txt(self, name: str) -> list[bytes]:
        return [b"".join(r.strings) for r in self.answers(name, "TXT")]

    def dkim_key(self, name: bytes, timeout: float = 5) -> bytes | None:
        """dkimpy's ``dnsfunc``: the first TXT record at the selector."""
        try:
            text = name.decode("ascii")
        except UnicodeDecodeError:
            return None
        records = self.txt(text)
        return records[0] if records else None

    def spf_records(self, name: str, qtype: str, strict: object = True, timeout: float = 20) -> list[Any]:
        """pyspf's ``DNSLookup``: ((name, type), value) pairs, TempError when DNS does not answer."""
        try:
            rdata = self.answers(name, qtype)
        except DnsTemporary as exc:
            raise spf.TempError(f"DNS {exc}") from exc
        pairs: list[Any] = []
        for r in rdata:
            if qtype in ("A", "AAAA"):
                pairs.append(((name, qtype), r.address))
            elif qtype == "MX":
                pairs.append(((name, qtype), (r.preference, r.exchange)))
            elif qtype == "PTR":
                pairs.append(((name, qtype), r.target.to_text(True)))
            elif qtype in ("TXT", "SPF"):
                pairs.append(((name, qtype), list(r.strings)))
        return pairs


# pyspf takes its DNS from one module-level function (its plug-in point, like its own
# pydns/dnspython choice); ours answers from the Lookup of the check running in this
# context, so concurrent checks with different resolvers do not mix.
_SPF_LOOKUP: contextvars.ContextVar[Lookup | None] = contextvars.ContextVar("handoff_spf_lookup", default=None)


def _spf_dns(name: str, qtype: str, strict: object = True, timeout: float = 20) -> list[Any]:
    lookup = _SPF_LOOKUP.get()
    if lookup is None:
        raise spf.TempError("no resolver: SPF runs only inside MailVerifier")
    return lookup.spf_records(name, qtype, strict, timeout)


@contextmanager
def _spf_using(lookup: Lookup) -> Iterator[None]:
    spf.DNSLookup = _spf_dns
    token = _SPF_LOOKUP.set(lookup)
    try:
        yield
    finally:
        _SPF_LOOKUP.reset(token)


@dataclass(frozen=True, slots=True)
class DkimResult:
    domain: str
    result: str  # pass | fail | permerror | temperror


def check_dkim(raw: bytes, lookup: Lookup) -> list[DkimResult]:
    """Every DKIM signature (the first ``MAX_SIGNATURES``), verified against keys in DNS."""
    try:
        signer = dkim.DKIM(raw, logger=_DKIM_LOG, timeout=lookup.resolver.lifetime)
        signatures = [v for k, v in signer.headers if k.lower() == b"dkim-signature"]
    except Exception:
        return []
    results: list[DkimResult] = []
    for idx, value in enumerate(signatures[:MAX_SIGNATURES]):
        try:
            tags = dkim.util.parse_tag_value(value.replace(b"\r\n", b"").replace(b"\n", b""))
            domain = ascii_lower(tags.get(b"d", b"").decode("ascii").strip())
        except Exception:
            continue
        if not domain:
            continue
        try:
            outcome = "pass" if signer.verify(idx=idx, dnsfunc=lookup.dkim_key) else "fail"
        except DnsTemporary:
            outcome = "temperror"
        except dkim.ValidationError:  # a body hash mismatch, an expired or malformed signature
            outcome = "fail"
        except Exception:  # a bad key or message format (dkim.DKIMException); anything else from hostile input
            outcome = "permerror"
        results.append(DkimResult(domain, outcome))
    return results


def check_spf(arrival: Arrival, lookup: Lookup) -> str:
    """RFC 7208 check_host for the connecting address and MAIL FROM: pass, fail, softfail, ..."""
    if not arrival.peer_ip or not arrival.mail_from:
        return "none"
    remaining = max(0.001, lookup.deadline - time.monotonic())
    try:
        query = spf.query(
            i=arrival.peer_ip,
            s=arrival.mail_from,
            h=arrival.helo or "unknown",
            timeout=lookup.resolver.lifetime,
            querytime=remaining,
        )
        with _spf_using(lookup):
            result, _code, _explanation = query.check()
    except spf.TempError:
        return "temperror"
    except Exception:  # spf.PermError from a bad address, anything else from a hostile policy
        return "permerror"
    return str(result).lower()


def dmarc_record(from_domain: str, lookup: Lookup) -> tuple[str | None, str | None]:
    """RFC 7489 6.6.3 policy discovery: (record, org domain it came from) or (None, None)."""
    records = [r for r in lookup.txt(f"_dmarc.{from_domain}") if r[:8].lower() == b"v=dmarc1"]
    if len(records) == 1:
        return records[0].decode("ascii", errors="replace"), None
    if records:  # more than one: no policy (6.6.3 step 5)
        return None, None
    org = org_domain(from_domain)
    if org == from_domain:
        return None, None
    records = [r for r in lookup.txt(f"_dmarc.{org}") if r[:8].lower() == b"v=dmarc1"]
    return (records[0].decode("ascii", errors="replace"), org) if len(records) == 1 else (None, None)


class _Psl:
    """What the dmarc package asks of a public suffix list."""

    def get_public_suffix(self, domain: str) -> str:
        return org_domain(domain)


_SPF_RESULTS = {r.value for r in dmarc.SPFResult}
_DKIM_RESULTS = {r.value for r in dmarc.DKIMResult}


class MailVerifier:
    """DKIM + SPF + DMARC for one message at a time; one resolver shared by all of them."""

    def __init__(self, settings: Settings, resolver: dns.resolver.Resolver | None = None) -> None:
        self.resolver = resolver or make_resolver(settings)
        self.timeout_s = settings.sender_auth_timeout_s

    def verdict(self, raw: bytes, arrival: Arrival, header_from: str) -> Verdict:
        lookup = Lookup(self.resolver, time.monotonic() + self.timeout_s)
        from_domain = domain_of(header_from)
        signatures = check_dkim(raw, lookup)
        spf_result = check_spf(arrival, lookup)
        try:
            record, org = dmarc_record(from_domain, lookup)
            dmarc_failed = ""
        except DnsTemporary as exc:
            record, org, dmarc_failed = None, None, str(exc)
        found = "dkim=" + (",".join(f"{s.result}({s.domain})" for s in signatures) or "none") + f" spf={spf_result}"

        def verdict(address: str | None, reason: str, suspicious: bool = False) -> Verdict:
            temporary = address is None and bool(lookup.failures)
            if temporary:
                reason = f"DNS did not answer in time ({'; '.join(lookup.failures[:3])}); {reason}"
            return Verdict(
                address,
                "verify",
                reason,
                suspicious and not temporary,
                temporary,
                header_from=header_from,
                mail_from=arrival.mail_from,
            )

        if record is None:
            if dmarc_failed:
                return verdict(None, f"no DMARC policy for {from_domain} could be read; {found}")
            for s in signatures:
                if s.result == "pass" and aligned(s.domain, from_domain):
                    return verdict(header_from, f"dkim=pass d={s.domain} aligned with {from_domain} (no DMARC record)")
            return verdict(None, f"no DMARC record for {from_domain} and no DKIM pass aligned with it; {found}")
        try:
            policy = dmarc.DMARCPolicy(record=record, domain=from_domain, org_domain=org, publicsuffix=_Psl())
        except dmarc.Error as exc:
            return verdict(None, f"the DMARC record of {org or from_domain} is invalid ({exc}); {found}")
        # A signature by a public suffix (d=com) aligns with nothing; the dmarc package's
        # suffix comparison would call it aligned with every domain under it.
        signatures = [s for s in signatures if registrable(s.domain)]
        results = dmarc.AuthResults(
            spf=dmarc.SPFAuthResult(
                domain_of(arrival.mail_from) if arrival.mail_from else "",
                dmarc.SPFResult(spf_result if spf_result in _SPF_RESULTS else "permerror"),
            )
            if arrival.mail_from and registrable(domain_of(arrival.mail_from))
            else None,
            dkim=[
                dmarc.DKIMAuthResult(s.domain, dmarc.DKIMResult(s.result if s.result in _DKIM_RESULTS else "permerror"))
                for s in signatures
            ],
        )
        outcome = policy.dmarc.get_result(policy.policy, auth_results=results)
        disposition = outcome.disposition.value or "none"
        if outcome.result is dmarc.DMARCResult.PASS:
            how = "dkim" if outcome.dkim is dmarc.DMARCResult.PASS else "spf"
            return verdict(header_from, f"dmarc=pass header.from={from_domain} (aligned {how}); {found}")
        return verdict(None, f"dmarc=fail header.from={from_domain} (p={disposition}); {found}", True)
