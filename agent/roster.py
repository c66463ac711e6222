"""The CSM roster: who can take a new account, read from a TOML file.

What it is for: ``load_roster(path)`` validates ``HANDOFF_CSM_ROSTER`` into
``Roster`` and ``Roster.assign`` picks a CSM for an account: first the CSMs whose
rules match (the account's domain, then its segment or region), then anyone; within
a tier the least-loaded CSM still under capacity. A bad file raises ``ConfigError``
naming the file and the field. Not for: an explicit ``CSM:`` from the rep (that
always wins, in the conversation) or counting load (the caller passes it in).

The file::

    [[csm]]
    name = "Priya Nair"
    email = "priya.nair@example.com"
    timezone = "Europe/Berlin"
    working_hours = "09:00-17:00"     # optional, default 09:00-17:00
    segments = ["enterprise"]         # optional
    regions = ["emea"]                # optional
    domains = ["*.de", "harbor.example"]   # optional, shell-style patterns
    capacity = 12                     # open handoffs at once, optional (default 10)
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent.errors import ConfigError
from agent.schedule import Hours, parse_hours

DEFAULT_CAPACITY = 10


@dataclass(frozen=True, slots=True)
class CSM:
    name: str
    email: str
    timezone: str = "UTC"
    working_hours: Hours = field(default_factory=lambda: parse_hours("09:00-17:00"))
    segments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    capacity: int = DEFAULT_CAPACITY

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def matches_domain(self, domain: str) -> bool:
        domain = domain.lower()
        return any(fnmatch.fnmatchcase(domain, pattern) for pattern in self.domains)

    def matches_segment(self, segment: str | None, region: str | None) -> bool:
        return bool((segment and segment.lower() in self.segments) or (region and region.lower() in self.regions))


@dataclass(frozen=True, slots=True)
class Roster:
    csms: tuple[CSM, ...]
    path: Path | None = None

    def get(self, email: str) -> CSM | None:
        email = email.lower()
        return next((c for c in self.csms if c.email == email), None)

    def assign(
        self,
        account_domain: str | None,
        segment: str | None = None,
        load: Mapping[str, int] | None = None,
        *,
        region: str | None = None,
    ) -> CSM | None:
        """Rule match first (domain, then segment/region, then anyone), least-loaded under capacity.

        ``load`` maps a CSM's email to the handoffs they hold now. Ties go to the
        CSM listed first. None when every CSM is full.
        """
        counts = {k.lower(): v for k, v in (load or {}).items()}
        tiers = [
            [c for c in self.csms if account_domain and c.matches_domain(account_domain)],
            [c for c in self.csms if c.matches_segment(segment, region)],
            list(self.csms),
        ]
        for tier in tiers:
            free = [c for c in tier if counts.get(c.email, 0) < c.capacity]
            if free:
                return min(free, key=lambda c: counts.get(c.email, 0))
        return None


def load_roster(path: Path | str) -> Roster:
    """Read and validate the roster file; ``ConfigError`` says which file, which entry, what to fix."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"HANDOFF_CSM_ROSTER={path}: file not found; create it or unset the variable") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"HANDOFF_CSM_ROSTER={path}: cannot read it ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    entries = data.get("csm")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: no CSMs; add at least one [[csm]] table with name, email and timezone")
    csms = [_csm(path, i, entry) for i, entry in enumerate(entries)]
    seen: set[str] = set()
    for i, csm in enumerate(csms):
        if csm.email in seen:
            raise ConfigError(f"{path}: csm[{i}].email {csm.email!r} is listed twice; keep one entry")
        seen.add(csm.email)
    return Roster(csms=tuple(csms), path=path)


def _csm(path: Path, i: int, entry: Any) -> CSM:
    where = f"{path}: csm[{i}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a table ([[csm]])")
    unknown = set(entry) - {
        "name",
        "email",
        "timezone",
        "working_hours",
        "segments",
        "regions",
        "domains",
        "capacity",
    }
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}; check the spelling")
    name = _text(where, entry, "name")
    email = _text(where, entry, "email").lower()
    if email.count("@") != 1 or any(c in email for c in " <>\r\n,;") or email.startswith("@") or email.endswith("@"):
        raise ConfigError(f"{where}.email {email!r} is not a bare address such as priya@example.com")
    zone = entry.get("timezone", "UTC")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"{where}.timezone {zone!r} is not an IANA time zone; use a name such as Europe/Berlin"
        ) from exc
    hours_text = entry.get("working_hours", "09:00-17:00")
    try:
        hours = parse_hours(str(hours_text))
        if hours[0] >= hours[1]:
            raise ValueError("start is not before end")
    except ValueError as exc:
        raise ConfigError(f"{where}.working_hours {hours_text!r} is not a range such as 09:00-17:00") from exc
    capacity = entry.get("capacity", DEFAULT_CAPACITY)
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
        raise ConfigError(f"{where}.capacity {capacity!r} must be a whole number >= 0")
    return CSM(
        name=name,
        email=email,
        timezone=str(zone),
        working_hours=hours,
        segments=_words(where, entry, "segments"),
        regions=_words(where, entry, "regions"),
        domains=_words(where, entry, "domains"),
        capacity=capacity,
    )


def _text(where: str, entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f'{where}.{key} is missing or empty; write it as {key} = "..."')
    if "\n" in value or "\r" in value:
        raise ConfigError(f"{where}.{key} must be one line")
    return value.strip()


def _words(where: str, entry: dict[str, Any], key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where}.{key} must be a list of strings, e.g. {key} = ["emea"]')
    return tuple(v.strip().lower() for v in value if v.strip())
