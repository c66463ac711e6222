"""A handoff's versions, as the web page lists them.

What it is for: ``versions`` lists what the CSM received (one immutable snapshot per
delivered revision) plus the revision in progress when there is one, each with what
changed since the one before — the same comparison the rep's draft and the CSM's mail
show (agent/revisions.py, reached through backend.py); ``pick`` chooses the version a
page shows. Not for: storing snapshots (agent/after_handoff/snapshots.py), comparing
documents (agent/revisions.py) or rendering (the templates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from agent.web.backend import Change, Edition, HandoffDocument, changes, edition_of
from db.models import as_utc

if TYPE_CHECKING:
    from db.models import Account, Snapshot


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

    @property
    def changed(self) -> int:
        return sum(len(c.changed) for c in self.changes)


def versions(account: Account, snapshots: list[Snapshot], tz: tzinfo, document: HandoffDocument) -> list[Version]:
    """Delivered versions in order, then the revision in progress (if the account moved on since).

    ``document``: the account's whole document (document_store.full_document), its sources too.
    """
    out: list[Version] = []
    previous: Edition | None = None
    for snap in snapshots:
        edition = edition_of(snap, as_utc(account.call_start) if snap is snapshots[-1] else None)
        out.append(
            Version(
                key=str(snap.version),
                label=f"v{snap.version}",
                when=as_utc(snap.delivered_at),
                csm=snap.csm_email,
                filled=snap.filled,
                document=edition.document,
                delivered=True,
                changes=changes(previous, edition, tz),
            )
        )
        previous = edition
    last_revision = snapshots[-1].revision if snapshots else None
    if account.status != "delivered" or last_revision != account.revision:
        doc = document
        pinned = as_utc(account.call_pinned_at)
        standing = previous.call_start if previous is not None else None
        current = Edition(doc, pinned if pinned is not None and pinned != standing else standing)
        out.append(
            Version(
                key="current",
                label="in progress" if snapshots else "draft",
                when=as_utc(account.updated_at),
                csm=account.csm_email,
                filled=len(doc.sections.filled()),
                document=doc,
                delivered=False,
                changes=changes(previous, current, tz),
            )
        )
    return out


def pick(found: list[Version], key: str | None) -> Version | None:
    """The asked-for version; by default the newest the CSM received, else the draft."""
    if key:
        return next((v for v in found if v.key == key), None)
    delivered = [v for v in found if v.delivered]
    return delivered[-1] if delivered else (found[-1] if found else None)
