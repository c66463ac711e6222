"""Who a message claims to be from, read strictly, and the shapes of a sender verdict.

What it is for: the pieces every sender-authentication mode shares: ``Arrival`` (the
facts of the connection a message came in on: channel, MAIL FROM, peer address, HELO),
``Verdict`` (the answer: authenticated address or None, how, why, and whether it looks
like someone tried), ``strict_from`` (the one address in From, or None when a reader
could see another one), and DMARC's organizational-domain alignment. Not for: deciding
(``mailflows/sender_auth.py``), reading Authentication-Results (``auth_results.py``) or
checking DKIM/SPF/DMARC (``mail_verify.py``).
"""

from __future__ import annotations

import email.policy
import email.utils
import re
from dataclasses import asdict, dataclass
from email.parser import BytesHeaderParser
from functools import cache
from typing import Any, Literal, get_args

from publicsuffixlist import PublicSuffixList

Channel = Literal["smtp", "imap", "ingest"]
Method = Literal["relay", "verify", "envelope", "operator", "none"]
METHODS: dict[str, Method] = {m: m for m in get_args(Method)}  # a stored method, as the type

# The header block a strict reading looks at; the parser's HANDOFF_MAX_HEADER_BYTES default.
MAX_HEADER_BYTES = 256 * 1024

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lowercase A-Z only: ``str.lower`` maps the Kelvin sign and friends onto ASCII letters."""
    return text.translate(_ASCII_LOWER)


@dataclass(frozen=True, slots=True)
class Arrival:
    """How one message reached us. ``mail_from`` "" is the null sender (``MAIL FROM:<>``).

    ``peer_ip`` is the SMTP client's address (None for IMAP and ``handoff ingest``);
    ``helo`` what it said in EHLO/HELO.
    """

    channel: Channel
    mail_from: str = ""
    peer_ip: str | None = None
    helo: str | None = None

    @classmethod
    def from_smtp(cls, session: Any, envelope: Any) -> Arrival:
        """From aiosmtpd's ``Session`` and ``Envelope`` as ``handle_DATA`` receives them."""
        peer = getattr(session, "peer", None)
        peer_ip = peer[0] if isinstance(peer, tuple) and peer and isinstance(peer[0], str) else None
        return cls(
            channel="smtp",
            mail_from=envelope_address(getattr(envelope, "mail_from", None) or ""),
            peer_ip=peer_ip,
            helo=getattr(session, "host_name", None) or None,
        )

    @property
    def null_sender(self) -> bool:
        return not self.mail_from


@dataclass(frozen=True, slots=True)
class Verdict:
    """Is this message's author authenticated, and as whom.

    ``address`` is the authenticated author (ASCII-lowercased addr-spec) or None; it is
    always the strict reading of From, never anything else the message says.
    ``suspicious``: not authenticated, and something points at forgery (envelope and
    From disagree, an ambiguous From, a forged or failing authentication result), so
    the owner of ``header_from`` may be told someone tried. ``temporary``: DNS did not
    answer in time; the outcome is unknown (retry later), never a pass.
    """

    address: str | None
    method: Method
    reason: str
    suspicious: bool = False
    temporary: bool = False
    header_from: str | None = None
    mail_from: str = ""

    @property
    def authenticated(self) -> bool:
        return self.address is not None

    def as_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Verdict:
        return cls(**{k: record[k] for k in cls.__dataclass_fields__ if k in record})


def envelope_address(mail_from: str) -> str:
    """MAIL FROM as a comparable address: "" for the null sender, brackets stripped, A-Z lowercased."""
    value = mail_from.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    return "" if value in ("", "<>") else ascii_lower(value)


def _header_lines(raw: bytes) -> tuple[list[bytes], bool]:
    """The unfolded header lines of the top-level header block, and whether it is clean.

    Unclean: a bare CR or a NUL in the block (readers disagree about where such a line
    ends), or a block larger than ``MAX_HEADER_BYTES``.
    """
    lines: list[bytes] = []
    clean = True
    size = 0
    for line in raw[: MAX_HEADER_BYTES + 1].splitlines(keepends=True):  # never the whole message's lines
        size += len(line)
        if size > MAX_HEADER_BYTES:
            return lines, False
        if line in (b"\r\n", b"\n", b"\r"):
            break
        if (line.endswith(b"\r") and not line.endswith(b"\r\n")) or b"\x00" in line:
            clean = False
        body = line.rstrip(b"\r\n")
        if line[:1] in (b" ", b"\t") and lines:
            lines[-1] += body
        else:
            lines.append(body)
    return lines, clean


def header_values(raw: bytes, name: str) -> list[str] | None:
    """Every value of header ``name``, top first, raw (no RFC 2047 decoding), unfolded.

    None when the header block is unclean or a line would be read as ``name`` by a
    lenient reader but not by a strict one (``From :``, `` From:``): the answer is
    ambiguous, so there is none.
    """
    lines, clean = _header_lines(raw)
    if not clean:
        return None
    wanted = name.lower().encode()
    values: list[str] = []
    for line in lines:
        field, colon, value = line.partition(b":")
        if not colon:
            continue
        if field.strip().lower() == wanted:
            if field.lower() != wanted:
                return None
            values.append(value.decode("ascii", errors="surrogateescape").strip())
    return values


def strict_from(raw: bytes) -> str | None:
    """The one address in From, A-Z lowercased, or None when From is ambiguous in any way.

    Ambiguous: not exactly one From header (counting look-alike ``From :`` lines), a
    group, not exactly one mailbox, any parse defect (encoded-words or routes in the
    address, CVE-2023-27043-style payloads), a bare CR or NUL in the header block, a
    non-ASCII address, or two parsers (the modern header registry and
    ``getaddresses``, strict where this Python has it) disagreeing. The address is the
    RFC 5322 addr-spec (``"rep"@x`` is ``rep@x``). Moved here from
    ``agent/conversation.py`` (``strict_sender``), which now imports it.
    """
    raw_values = header_values(raw, "From")
    if raw_values is None or len(raw_values) != 1:
        return None
    try:
        # The header block as the stdlib's parser splits it (compat32: raw strings, several times
        # cheaper), then the one From value through the modern header registry, unfolded the way
        # policy.default's header_fetch_parse does: the same reading, at the intake's pace.
        headers = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw[: _header_end(raw)])
        values = headers.get_all("From") or []
        if len(values) != 1 or not isinstance(values[0], str):
            return None
        value = "".join(_LINE_BREAK.split(values[0]))
        plain = _PLAIN_FROM.fullmatch(value.strip(" "))
        if plain:  # nothing a reader could take two ways: what both parsers below would say
            return ascii_lower(plain.group("angle") or plain.group("bare"))
        return _read_with_two_parsers(value)
    except Exception:  # the header registry raises on some hostile input: no reading, no sender
        return None


def _read_with_two_parsers(value: str) -> str | None:
    try:
        header: Any = email.policy.default.header_factory("From", value)
        groups = tuple(getattr(header, "groups", None) or ())
        addresses = tuple(getattr(header, "addresses", None) or ())
        if getattr(header, "defects", None) or len(groups) != 1 or groups[0].display_name is not None:
            return None
        if len(addresses) != 1:
            return None
        modern = addresses[0].addr_spec
        legacy = _getaddresses(str(header))
    except Exception:  # the header registry raises on some hostile input: no reading, no sender
        return None
    if len(legacy) != 1 or legacy[0][1] != modern or modern.count("@") != 1:
        return None
    local, domain = modern.split("@")
    if not local or not domain or not modern.isascii() or not modern.isprintable():
        return None
    return ascii_lower(modern)


_LINE_BREAK = re.compile(r"\n|\r")
# ``Name Surname <local@example.com>`` or ``local@example.com``: atoms only in the name (no dot,
# quote, comment, encoded-word or specials), a dot-atom local part of common characters, a domain
# of LDH labels. tests/test_sender_auth_hostile.py checks the two parsers agree on every such value.
_ATOM = r"[A-Za-z0-9_%+-]+"
_ADDR = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?)+"
_PLAIN_FROM = re.compile(rf"(?:[A-Za-z0-9'-]+(?: [A-Za-z0-9'-]+){{0,6}} )?<(?P<angle>{_ADDR})>|(?P<bare>{_ADDR})")


def _header_end(raw: bytes) -> int:
    """Where the top-level header block ends (its blank line included), within ``MAX_HEADER_BYTES``."""
    ends = [
        i + n
        for i, n in ((raw.find(b"\r\n\r\n", 0, MAX_HEADER_BYTES), 4), (raw.find(b"\n\n", 0, MAX_HEADER_BYTES), 2))
        if i >= 0
    ]
    return min(ends) if ends else MAX_HEADER_BYTES


def _getaddresses(value: str) -> list[tuple[str, str]]:
    try:
        return email.utils.getaddresses([value], strict=True)
    except TypeError:  # Python without the strict parser (before 3.11.10 / 3.12.6)
        return email.utils.getaddresses([value])


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1]


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()  # the list ships in the wheel: nothing is fetched


def org_domain(domain: str) -> str:
    """RFC 7489 3.2 organizational domain: the public suffix plus one label (the domain itself if shorter)."""
    domain = ascii_lower(domain.strip().rstrip("."))
    try:
        return _psl().privatesuffix(domain) or domain
    except Exception:
        return domain


def registrable(domain: str) -> bool:
    """The domain is below a public suffix (``example.com``, not ``com`` or ``co.uk``)."""
    try:
        return _psl().privatesuffix(ascii_lower(domain.strip().rstrip("."))) is not None
    except Exception:
        return False


def aligned(domain: str, from_domain: str, *, strict: bool = False) -> bool:
    """DMARC identifier alignment (RFC 7489 3.1): equal, or (relaxed) the same organizational domain."""
    a, b = ascii_lower(domain.strip().rstrip(".")), ascii_lower(from_domain.strip().rstrip("."))
    if not a or not b:
        return False
    if not registrable(a) or not registrable(b):
        return False
    if a == b:
        return True
    return not strict and org_domain(a) == org_domain(b)
