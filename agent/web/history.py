"""A handoff's versions and what changed between them.

What it is for: ``versions`` lists what the CSM received (one immutable snapshot per
delivered revision) plus the revision in progress when there is one; ``changes``
compares two documents section by section — items and people added or removed, and
the handoff's own facts (CSM, signature date) — so a reader sees what v2 told the CSM
that v1 did not. Items are compared by their folded text: a re-worded item shows as
one removed and one added, which is what a reader needs to look at. Not for: storing
snapshots (agent/snapshots.py) or rendering (the templates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from agent.web.backend import SECTION_KEYS, SECTION_TITLES, HandoffDocument, fold
from db.models import as_utc

if TYPE_CHECKING:
    from db.models import Account, Snapshot


@dataclass
class Change:
    title: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class Version:
    key: str  # "1", "2", ... or "current"
    label: str
    when: datetime | None
    csm: str | None
    filled: int
    document: HandoffDocument
    delivered: bool
    changes: list[Change] = field(default_factory=list)  # against the version before it

    @property
    def added(self) -> int:
        return sum(len(c.added) for c in self.changes)

    @property
    def removed(self) -> int:
        return sum(len(c.removed) for c in self.changes)


def _entries(doc: HandoffDocument, key: str) -> list[str]:
    if key == "stakeholders":
        return [", ".join(x for x in (p.name, p.title) if x) for p in doc.sections.stakeholders]
    return [" ".join(item.text.split()) for item in doc.sections.items(key)]


def _facts(doc: HandoffDocument) -> list[str]:
    out = []
    if doc.csm is not None:
        out.append(f"CSM: {doc.csm.name + ' ' if doc.csm.name else ''}<{doc.csm.email}>")
    if doc.contract_signed is not None:
        out.append(f"Contract signed: {doc.contract_signed.isoformat()}")
    if doc.account.name:
        out.append(f"Account: {doc.account.name}")
    return out


def _diff(title: str, old: list[str], new: list[str]) -> Change | None:
    before = {fold(x) for x in old}
    after = {fold(x) for x in new}
    change = Change(
        title=title,
        added=[x for x in new if fold(x) not in before],
        removed=[x for x in old if fold(x) not in after],
    )
    return change if change.added or change.removed else None


def changes(old: HandoffDocument | None, new: HandoffDocument) -> list[Change]:
    """What ``new`` says that ``old`` did not, and the reverse, per section (``old`` None: nothing to compare)."""
    if old is None:
        return []
    found = [_diff("Details", _facts(old), _facts(new))]
    found += [_diff(SECTION_TITLES[key], _entries(old, key), _entries(new, key)) for key in SECTION_KEYS]
    return [c for c in found if c is not None]


def versions(account: Account, snapshots: list[Snapshot]) -> list[Version]:
    """Delivered versions in order, then the revision in progress (if the account moved on since)."""
    out: list[Version] = []
    previous: HandoffDocument | None = None
    for snap in snapshots:
        doc = HandoffDocument.model_validate(snap.document)
        out.append(
            Version(
                key=str(snap.version),
                label=f"v{snap.version}",
                when=as_utc(snap.delivered_at),
                csm=snap.csm_email,
                filled=snap.filled,
                document=doc,
                delivered=True,
                changes=changes(previous, doc),
            )
        )
        previous = doc
    last_revision = snapshots[-1].revision if snapshots else None
    if account.status != "delivered" or last_revision != account.revision:
        doc = HandoffDocument.model_validate(account.document)
        out.append(
            Version(
                key="current",
                label="in progress" if snapshots else "draft",
                when=as_utc(account.updated_at),
                csm=account.csm_email,
                filled=len(doc.sections.filled()),
                document=doc,
                delivered=False,
                changes=changes(previous, doc),
            )
        )
    return out


def pick(found: list[Version], key: str | None) -> Version | None:
    """The asked-for version; by default the newest the CSM received, else the draft."""
    if key:
        return next((v for v in found if v.key == key), None)
    delivered = [v for v in found if v.delivered]
    return delivered[-1] if delivered else (found[-1] if found else None)
