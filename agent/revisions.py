"""A handoff after its first delivery: the versions the CSM got, and what changed between two of them.

What it is for: ``changes`` compares two versions of a handoff (an ``Edition``: the
document and the handoff call it carried) into ``Change`` entries per section: items
and people added or removed, the handoff's own facts changed (account name, CSM,
signature date, urgency, the call), and the customer's sources that are new. It is
the one computation behind every "what changed": the rep's draft, the CSM's version 2,
the snapshot's Markdown and the web pages (agent/web/history.py). ``changes_view`` is
what the templates read. ``reopen`` is what any change to a delivered handoff does
(material, answers, commands, a CSM's ``needs:``): the handoff is a draft again until
the rep approves the update; the new revision number is taken when it is delivered
(agent/delivery.py), so ``Account.revision`` always names what the CSM has. Items are
compared by their folded text: a re-worded item shows as one removed and one added,
which is what a reader needs to look at. Not for: composing or sending (agent/delivery.py,
agent/invites.py) or storing snapshots (db/).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, Literal

from sqlmodel import Session

from agent.document import HORIZON_LABELS, SECTION_KEYS, SECTION_TITLES, HandoffDocument, fold
from agent.render import call_time, due_label, source_views
from agent.wording import translations
from db import repo
from db.models import Account, Snapshot, as_utc


@dataclass(frozen=True, slots=True)
class Edition:
    """One version of a handoff as its reader sees it: the document, and the call it carries (None: no call)."""

    document: HandoffDocument
    call_start: datetime | None = None


@dataclass
class Change:
    """What one section gained, lost or had changed (``changed``: "Label: old → new")."""

    title: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


def edition_of(snapshot: Snapshot, fallback_call: datetime | None = None) -> Edition:
    """What a snapshot holds; a snapshot kept before calls were recorded with it takes ``fallback_call``."""
    return Edition(HandoffDocument.model_validate(snapshot.document), as_utc(snapshot.call_start) or fallback_call)


def changes(old: Edition | None, new: Edition, tz: tzinfo, *, minutes: int = 15) -> list[Change]:
    """What ``new`` tells its reader that ``old`` did not, and the reverse, per section (``old`` None: nothing)."""
    if old is None:
        return []
    language = new.document.language  # both versions told in the words of the newest
    _ = translations(language).gettext
    found = [
        _facts_change(_facts(old, new, tz, minutes, language), _facts(new, new, tz, minutes, language), _("Details"))
    ]
    found += [
        _diff(_(SECTION_TITLES[key]), _entries(old.document, key, language), _entries(new.document, key, language))
        for key in SECTION_KEYS
    ]
    found.append(_diff(_("Sources read"), _sources(old.document, language), _sources(new.document, language)))
    return [c for c in found if c is not None]


def total(found: Iterable[Change]) -> tuple[int, int, int]:
    """(added, removed, changed) over all sections."""
    found = list(found)
    return sum(len(c.added) for c in found), sum(len(c.removed) for c in found), sum(len(c.changed) for c in found)


def changes_view(found: list[Change], *, since: int, csm: str = "", withdrawn: bool = False) -> dict[str, Any]:
    """What the templates read: the version compared with, who has it, and the sections that changed."""
    return {
        "since": since,
        "csm": " ".join(csm.split()),
        "withdrawn": withdrawn,
        "sections": [
            {
                "title": c.title,
                "added": [_line(x) for x in c.added],
                "removed": [_line(x) for x in c.removed],
                "changed": [_line(x) for x in c.changed],
            }
            for c in found
        ],
    }


def reopen(
    session: Session, account: Account, now: datetime, *, why: str, status: Literal["collecting", "draft_sent"]
) -> bool:
    """A change to a delivered handoff: it is a draft again until the rep approves the update.

    Returns whether it was delivered (and so is reopened now). The revision number stays
    that of the version the CSM has; delivering the update takes the next one.
    """
    if account.status not in ("approved", "delivered"):
        return False
    account.status = status
    repo.log_event(session, "revision_started", account.id, revision=account.revision + 1, why=why, at=now)
    return True


def csm_of_record(session: Session, account: Account) -> str:
    """Who has the handoff: the CSM of the newest version delivered (and not withdrawn), else the one named."""
    last = repo.last_snapshot(session, account.id) if account.id is not None and account.delivered_at else None
    if last is not None and last.csm_email and account.withdrawn_at is None:
        return last.csm_email
    return account.csm_email or ""


# -- the comparison -------------------------------------------------------------------


def _line(text: str) -> str:
    return " ".join(text.split())


def _entries(doc: HandoffDocument, key: str, language: str) -> list[tuple[str, str]]:
    """(key, text) per item; a commitment's due date (and whether it was kept) and a metric's horizon are part
    of what it says."""
    _ = translations(language).gettext
    if key == "stakeholders":
        people = [", ".join(x for x in (p.name, p.title) if x) for p in doc.sections.stakeholders]
        return [(fold(p), p) for p in people]
    out = []
    for item in doc.sections.items(key):
        text = _line(item.text)
        due = (
            due_label(item, language)
            if item.due_precision in {"month", "quarter"}
            else item.due.isoformat()
            if item.due
            else ""
        )
        kept = _("kept") if item.status == "kept" else ""
        horizon = _(HORIZON_LABELS[item.horizon]) if item.horizon in HORIZON_LABELS else ""
        extra = [_("due %(date)s") % {"date": due} if due else "", horizon, kept]
        shown = text + "".join(f" ({x})" for x in extra if x)
        out.append((fold(shown), shown))
    return out


def _sources(doc: HandoffDocument, language: str) -> list[tuple[str, str]]:
    """The customer's messages and attachments as the document lists them (our own mail is only counted)."""
    own = {p.email.rsplit("@", 1)[-1].lower() for p in (doc.rep, doc.csm) if p is not None}
    _ = translations(language).gettext
    return [
        (
            f"{v['date']}|{v['sender']}|{v['subject']}",
            f"{v['date']} "
            + _("%(kind)s from %(sender)s") % {"kind": v["kind"], "sender": v["sender"]}
            + f": {v['subject']}",
        )
        for v in source_views(doc.sources, own, language=language)["listed"]
    ]


def _facts(edition: Edition, newest: Edition, tz: tzinfo, minutes: int, language: str) -> list[tuple[str, str]]:
    """(label, value) of the handoff's own facts; the call only where the newest version carries one."""
    doc = edition.document
    _ = translations(language).gettext
    out = [(_("Account"), _line(doc.account.name))]
    if doc.csm is not None:
        out.append(("CSM", f"{_line(doc.csm.name) + ' ' if doc.csm.name else ''}<{doc.csm.email}>"))
    if doc.contract_signed is not None:
        out.append((_("Contract signed"), doc.contract_signed.isoformat()))
    if doc.urgency.level != "unknown":
        out.append((_("How urgent"), doc.urgency.level))
    if edition.call_start is not None and newest.call_start is not None:
        out.append((_("Handoff call"), call_time(edition.call_start, tz, minutes, language)))
    return out


def _facts_change(old: list[tuple[str, str]], new: list[tuple[str, str]], title: str) -> Change | None:
    before, after = dict(old), dict(new)
    change = Change(
        title=title,
        added=[f"{k}: {v}" for k, v in new if k not in before],
        removed=[f"{k}: {v}" for k, v in old if k not in after],
        changed=[f"{k}: {before[k]} → {v}" for k, v in new if k in before and fold(before[k]) != fold(v)],
    )
    return change if change.count else None


def _diff(title: str, old: list[tuple[str, str]], new: list[tuple[str, str]]) -> Change | None:
    before = {k for k, _ in old}
    after = {k for k, _ in new}
    change = Change(
        title=title,
        added=[text for k, text in new if k not in before],
        removed=[text for k, text in old if k not in after],
    )
    return change if change.count else None
