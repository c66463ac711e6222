"""Turn a handoff document into the words people read: drafts, the final mail, exports.

What it is for: one jinja2 environment over ``templates/`` (HTML autoescaped,
undefined names an error) and the functions that feed it a plain view of the
document: sections in contract order, quotes with their speaker, time-sensitive
commitments marked with their due date, the completeness line, sources read and
attachments not read. Not for: building MIME messages (mailflows/outbound/compose.py) or
deciding what to ask (the questions come in ready-made).
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, tzinfo
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

import templates
from agent.document import (
    HORIZON_LABELS,
    N_,
    SECTION_TITLES,
    SENTIMENT_LABELS,
    HandoffDocument,
    Item,
    SourceRef,
    Stakeholder,
    fold,
    shown_phrase,
)
from agent.extract.base import Question
from agent.wording import LANGUAGES, day, month_year, translations

Format = Literal["md", "html", "txt"]

_ROLE_LABELS = {
    "champion": N_("champion"),
    "economic_buyer": N_("economic buyer"),
    "decision_maker": N_("decision maker"),
    "technical_evaluator": N_("technical evaluator"),
    "user": N_("user"),
    "blocker": N_("blocker"),
    "influencer": N_("influencer"),
    "other": "",
}
_INFLUENCE_LABELS = {"high": N_("high influence"), "medium": N_("medium influence"), "low": N_("low influence")}
_KIND_LABELS = {  # what a source is, as the sources list names it
    "email": N_("email"),
    "forwarded": N_("forwarded"),
    "attached": N_("attached"),
    "transcript": N_("transcript"),
    "note": N_("note"),
    "crm": N_("crm"),
    "calendar": N_("calendar"),
}
_CAMPS = {
    "enthusiastic": "warm",
    "positive": "warm",
    "skeptical": "cold",
    "negative": "cold",
}  # a move within one is noise
_URGENCY_LABELS = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low"), "unknown": N_("Not known")}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_ADDRESS = re.compile(r"[A-Za-z0-9._%+'=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# what a CSM reads first: who they are, the people and how they feel, what we promised, how urgent
_READING_ORDER = ("company_overview", "stakeholders", "commitments", "how_urgent", "pain_points",
                  "success_metrics", "purchase_drivers", "implementation", "competitive_context", "expansion",
                  "risks", "rep_perspective", "relationship")  # fmt: skip
_TITLES = {"how_urgent": N_("How urgent"), "relationship": N_("What built trust")}


@functools.lru_cache(maxsize=len(LANGUAGES))
def environment(language: str = "en") -> Environment:
    """The template environment of one language (its catalog installed for ``_``/``ngettext``); built on first use
    so importing has no side effects."""
    folder = Path(templates.__file__).resolve().parent
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(["html", "htm", "xml", "html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["language"] = language
    env.filters["md"] = markdown_escape
    env.filters["oneline"] = _one_line
    return env


def markdown_escape(value: object) -> str:
    """Backslash-escape Markdown and HTML punctuation so source text renders literally."""
    return _MD_SPECIAL.sub(r"\\\1", _one_line(value))


def _tidy(text: str) -> str:
    """At most one blank line in a row, one newline at the end: templates stay readable, output too."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _one_line(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip()


# -- the view the templates read ------------------------------------------------------


def due_label(item: Item, language: str = "en") -> str:
    """The due date as exact as its source was: "Fri 13 Mar 2026", "March 2027", "Q3 2026"."""
    if item.due is None:
        return ""
    if item.due_precision == "month":
        return month_year(item.due, language)
    if item.due_precision == "quarter":
        return f"Q{(item.due.month - 1) // 3 + 1} {item.due.year}"
    return day(item.due, language)


def _fmt_source_date(value: str | datetime | None, tr: gettext.NullTranslations) -> str:
    if value is None or value == "":
        return tr.gettext("date unknown")
    if isinstance(value, datetime):
        when = value
    else:
        try:
            when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return str(value)[:25]
    return when.strftime("%Y-%m-%d %H:%M") if (when.hour, when.minute) != (0, 0) else when.strftime("%Y-%m-%d")


def _quotes(quotes: Iterable[Any], names: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    names = names or {}
    return [{"text": _one_line(q.text), "speaker": _one_line(names.get(q.speaker.lower(), q.speaker))} for q in quotes]


def _without_speaker(text: str, speaker: str, names: Mapping[str, str]) -> str:
    for name in (speaker, names.get(speaker.lower(), "")):
        if name and text.startswith(f"{name}:"):
            return text[len(name) + 1 :].strip()
    return text


def _item_view(item: Item, names: Mapping[str, str] | None = None, language: str = "en") -> dict[str, Any]:
    names = names or {}
    tr = translations(language)
    details = []
    # An item that is nothing but a customer's words is shown once, as a quote with who said it.
    speaker = item.quotes[0].speaker if item.quotes else ""
    text = _without_speaker(item.text, speaker, names) if speaker else item.text
    own_words = [q for q in item.quotes if fold(q.text) == fold(text)]
    one_speaker = bool(item.quotes) and {q.speaker for q in item.quotes} == {speaker}
    if not own_words and one_speaker and fold(" ".join(q.text for q in item.quotes)) == fold(text):
        own_words = list(item.quotes)
    said_by = names.get(own_words[0].speaker.lower(), own_words[0].speaker) if own_words else ""
    if item.horizon:
        details.append(tr.gettext(HORIZON_LABELS.get(item.horizon, item.horizon)))
    if item.competitor:
        details.append(tr.gettext("competitor: %(name)s") % {"name": item.competitor})
    if item.owner:
        details.append(tr.gettext("we promised") if item.owner == "us" else tr.gettext("customer's commitment"))
    if item.informal:
        details.append(tr.gettext("said informally"))
    done = item.status == "kept"
    if done:
        details.append(tr.gettext("delivered in later mail"))
    return {
        "text": _one_line(text if own_words else item.text),
        "said_by": _one_line(said_by),
        "bold": item.time_sensitive and not done,  # a kept promise is no longer a to-do
        "done": done,
        "due": due_label(item, language),
        "details": details,
        "quotes": _quotes([q for q in item.quotes if q not in own_words], names),
    }


def _person_view(person: Stakeholder, names: Mapping[str, str] | None = None, language: str = "en") -> dict[str, Any]:
    tr = translations(language)
    role = _ROLE_LABELS.get(person.role, person.role)
    details = [d for d in (person.title, tr.gettext(role) if role else "") if d]
    if person.influence:
        details.append(tr.gettext(_INFLUENCE_LABELS.get(person.influence, person.influence)))
    return {
        "name": _one_line(person.name),
        "email": _mail_address(person.email),
        # built from the name and the company's address pattern, never seen written: the CSM should check it
        "email_note": tr.gettext("address guessed from their colleagues' addresses") if person.email_guessed else "",
        "details": details,
        "concerns": [_one_line(c) for c in person.concerns],
        "quotes": _quotes(person.quotes, names),
        "feeling": _feeling_view(person, tr) if person.sentiment != "unknown" else None,
        "role_basis": _role_basis(person, tr),
    }


def _role_basis(person: Stakeholder, tr: gettext.NullTranslations) -> str:
    """Why the role reads as it does, when a sentence decided it rather than the title: the rep's words or the mail's."""
    if person.role_said:
        return tr.gettext("the rep: “%(words)s”") % {"words": _one_line(person.role_said)}
    if person.role_shown:
        return tr.gettext("as the mail shows: “%(words)s”") % {"words": _one_line(person.role_shown)}
    return ""


def _mail_address(value: str | None) -> str:
    """An address fit for a mailto: link, or "" (a stored value is never trusted to be one)."""
    value = (value or "").strip()
    return value if _ADDRESS.fullmatch(value) else ""


def _feeling_view(person: Stakeholder, tr: gettext.NullTranslations) -> dict[str, Any]:
    """Sentiment, the latest passage that shows it (with the phrase that triggered it), and how it moved."""
    evidence = sorted(person.sentiment_evidence, key=lambda e: e.date or date.min)
    agreeing = [e for e in evidence if e.leaning == person.sentiment] or evidence
    shown = max(agreeing, key=lambda e: (e.date or date.min, len(e.text))) if agreeing else None
    labels: list[tuple[str, str]] = []
    for point in person.sentiment_history:
        if not labels or labels[-1][0] != point.sentiment:
            labels.append((point.sentiment, point.date.isoformat() if point.date else tr.gettext("date unknown")))
    camps = {_CAMPS.get(label, label) for label, _ in labels}
    movement = " → ".join(f"{_sentiment(label, tr)} ({when})" for label, when in labels) if len(camps) > 1 else ""
    return {
        "name": _one_line(person.name),
        "sentiment": _sentiment(person.sentiment, tr),
        "evidence": _one_line(shown.text) if shown else "",
        "phrase": _one_line(shown_phrase(person, shown)) if shown else "",
        "signals": len(evidence),
        "movement": movement,
    }


def _sentiment(label: str, tr: gettext.NullTranslations) -> str:
    return tr.gettext(SENTIMENT_LABELS[label]) if label in SENTIMENT_LABELS else label


def _urgency_view(doc: HandoffDocument) -> dict[str, Any]:
    urgency = doc.urgency
    tr = translations(doc.language)
    return {
        "level": tr.gettext(_URGENCY_LABELS.get(urgency.level, urgency.level)),
        "known": urgency.level != "unknown",
        "reasons": [_one_line(r) for r in urgency.reasons],
        "dates": [day(d, doc.language) for d in urgency.dates],
    }


def doc_view(doc: HandoffDocument, sources: Iterable[Any] = (), earlier_sources: int = 0) -> dict[str, Any]:
    """The document in the order a CSM reads it: who they are, the people and how they feel, what we
    promised, how urgent; then the rest of what is known; what is not known comes last."""
    names = {p.email.lower(): p.name for p in doc.sections.stakeholders if p.email}
    language = doc.language
    tr = translations(language)
    blocks: list[dict[str, Any]] = []
    unknown: list[dict[str, str]] = []
    urgency = _urgency_view(doc)
    for key in _READING_ORDER:
        title = tr.gettext(_TITLES.get(key) or SECTION_TITLES[key])
        if key == "stakeholders":
            people = [_person_view(p, names, language) for p in doc.sections.stakeholders]
            entries: list[dict[str, Any]] = []
        elif key == "how_urgent":
            people, entries = [], []
            if not urgency["known"]:
                unknown.append({"title": title, "note": tr.gettext("not known yet")})
                continue
        elif key == "relationship":
            people, entries = [], [_item_view(i, names, language) for i in doc.relationship]
        else:
            people, entries = [], [_item_view(i, names, language) for i in doc.sections.items(key)]
            entries.sort(key=lambda entry: bool(entry["done"]))  # what is still to do first, then what was kept
        if people or entries or key == "how_urgent":
            blocks.append(
                {
                    "key": key,
                    "title": title,
                    "people": people,
                    "entries": entries,
                    "urgency": urgency if key == "how_urgent" else None,
                }
            )
        elif key != "relationship":
            unknown.append({"title": title, "note": ""})
    no_read = [_one_line(p.name) for p in doc.sections.stakeholders if p.sentiment == "unknown"]
    if no_read:
        unknown.append(
            {
                "title": tr.gettext("How they feel"),
                "note": tr.gettext("no read yet on %(names)s") % {"names": ", ".join(no_read)},
            }
        )
    filled, total = doc.completeness()
    account = doc.account
    facts = [
        {"label": tr.gettext(label), "text": text, "email": _mail_address(email)}
        for label, text, email in (
            (N_("Domain"), account.domain, None),
            (N_("Industry"), account.industry, None),
            (N_("Size"), account.size, None),
            (N_("Business model"), account.business_model, None),
            (N_("Contract signed"), day(doc.contract_signed, language), None),
            (N_("Sales rep"), _party_name(doc.rep), doc.rep.email if doc.rep else None),
            (N_("Customer success manager"), _party_name(doc.csm), doc.csm.email if doc.csm else None),
        )
        if text or email
    ]
    return {
        "name": _one_line(account.name),
        "facts": facts,
        "blocks": blocks,
        "unknown": unknown,
        "completeness": tr.gettext("%(filled)d of %(total)d sections filled") % {"filled": filled, "total": total},
        "sources": source_views(sources, _own_domains(doc), earlier_sources, language),
    }


def _own_domains(doc: HandoffDocument) -> set[str]:
    return {p.email.rsplit("@", 1)[-1].lower() for p in (doc.rep, doc.csm) if p is not None and "@" in p.email}


def _party_name(party: Any) -> str:
    return (party.name or "") if party is not None else ""


def _get(row: Any, *names: str) -> Any:
    for name in names:
        if isinstance(row, Mapping) and row.get(name) is not None:
            return row[name]
        if not isinstance(row, Mapping) and getattr(row, name, None) is not None:
            return getattr(row, name)
    return None


def source_view(row: SourceRef | Mapping[str, Any] | Any, language: str = "en") -> dict[str, str]:
    """One source as the reader recognises it (a SourceRef, a db row or a plain dict)."""
    tr = translations(language)
    sender = _one_line(_get(row, "from_", "from", "from_email") or "")
    name, address = parseaddr(sender)
    kind = str(_get(row, "kind") or "email")
    unknown = tr.gettext("unknown sender")
    return {
        "date": _fmt_source_date(_get(row, "date"), tr),
        "kind": tr.gettext(_KIND_LABELS[kind]) if kind in _KIND_LABELS else kind,
        "raw_kind": kind,
        "sender": sender or unknown,
        "name": _one_line(name) or ("" if _mail_address(address) else sender or unknown),
        "email": _mail_address(address),
        "subject": _one_line(_get(row, "subject") or tr.gettext("(no subject)")),
    }


def source_views(
    sources: Iterable[SourceRef | Mapping[str, Any] | Any],
    own_domains: set[str],
    earlier: int = 0,
    language: str = "en",
) -> dict[str, Any]:
    """What was read, as the reader recognises it: the customer's messages and every attachment,
    transcript or note listed; our own mails (the rep's forwards and replies, our drafts) only counted.
    ``earlier``: older sources not given here (the draft shows the newest), only counted."""
    listed, own = [], 0
    for row in sources:
        view = source_view(row, language)
        domain = view["sender"].rsplit("@", 1)[-1].strip(" >").lower() if "@" in view["sender"] else ""
        if view["raw_kind"] == "email" and domain and any(domain == d or domain.endswith("." + d) for d in own_domains):
            own += 1
            continue
        listed.append(view)
    return {"listed": sorted(listed, key=lambda v: v["date"]), "own": own, "earlier": earlier}


# -- public rendering -----------------------------------------------------------------


def render_document(
    doc: HandoffDocument,
    fmt: Format,
    *,
    sources: Iterable[Any] | None = None,
    changes: Mapping[str, Any] | None = None,
) -> str:
    """The document alone, as Markdown (the attachment), HTML or plain text (exports).

    ``changes`` (agent/revisions.py ``changes_view``) puts "What changed since version N" on top.
    """
    names = {"md": "handoff.md.j2", "html": "handoff.html.j2", "txt": "handoff.txt.j2"}
    if fmt not in names:
        raise ValueError(f"unknown format {fmt!r}; use one of md, html, txt")
    template = environment(doc.language).get_template(names[fmt])
    out = template.render(doc=doc_view(doc, doc.sources if sources is None else sources), changes=changes)
    return out if fmt == "html" else _tidy(out)


def render_draft(
    doc: HandoffDocument,
    questions: list[Question],
    sources: Iterable[Any],
    unread: list[str],
    notes: list[str],
    *,
    inbox_address: str | None = None,
    changes: Mapping[str, Any] | None = None,
    earlier_sources: int = 0,
) -> tuple[str, str]:
    """The draft reply to the rep: (plain text, HTML); ``changes``: what changed since the version the CSM has;
    ``earlier_sources``: how many older sources ``sources`` leaves out (the draft lists the newest)."""
    tr = translations(doc.language)
    context = {
        "doc": doc_view(doc, sources, earlier_sources),
        "questions": [
            {
                "n": q.n,
                "text": _one_line(q.text),
                "section": tr.gettext(SECTION_TITLES[q.section]) if q.section in SECTION_TITLES else "",
            }
            for q in questions
        ],
        "unread": [_one_line(u) for u in unread],
        "notes": [_one_line(n) for n in notes],
        "rep_name": (doc.rep.name or "").split(" ")[0] if doc.rep and doc.rep.name else "",
        "has_csm": doc.csm is not None,
        "inbox_address": inbox_address or "",
        "changes": changes,
    }
    env = environment(doc.language)
    return _tidy(env.get_template("draft.txt.j2").render(**context)), env.get_template("draft.html.j2").render(
        **context
    )


def render_final(
    doc: HandoffDocument,
    call_start: datetime | None,
    tz: tzinfo,
    *,
    minutes: int = 15,
    csm_tz: tzinfo | None = None,
    update: Mapping[str, Any] | None = None,
) -> tuple[str, str]:
    """The CSM's mail: who hands over what, when the call is, then the document. (text, HTML).

    ``update`` makes it a later version: ``version``, ``changes`` (``changes_view``, shown
    on top), ``moved_from`` (the CSM who had it) and ``past_call`` (the call that has
    passed when ``call_start`` is None: this version carries no invite).
    """
    if call_start is not None and call_start.tzinfo is None:
        raise ValueError("call_start must be timezone-aware")
    zones = [tz] if csm_tz is None or csm_tz == tz else [csm_tz, tz]
    times = [call_time(call_start, zone, minutes, doc.language) for zone in zones] if call_start is not None else []
    context = {
        "doc": doc_view(doc, doc.sources),
        "csm_name": (doc.csm.name or "").split(" ")[0] if doc.csm and doc.csm.name else "",
        "rep": {"name": _party_name(doc.rep), "email": _mail_address(doc.rep.email if doc.rep else "")},
        "call": " / ".join(times),
        "minutes": minutes,
        "update": {
            "version": 1,
            "changes": None,
            "moved_from": "",
            "past_call": "",
            **(update or {}),
        },
    }
    env = environment(doc.language)
    return _tidy(env.get_template("final.txt.j2").render(**context)), env.get_template("final.html.j2").render(
        **context
    )


def call_time(start: datetime, zone: tzinfo, minutes: int, language: str = "en") -> str:
    """ "Mon 30 Mar 2026, 09:00-09:15 CEST (Europe/Berlin)"; a zone named once: "09:00-09:15 UTC"."""
    local = start.astimezone(zone)
    end = (start + timedelta(minutes=minutes)).astimezone(zone)
    short = local.tzname() or ""
    key = getattr(zone, "key", None) or short or "UTC"
    label = key if not short or short == key or key.endswith(f"/{short}") else f"{short} ({key})"
    return f"{day(local.date(), language)}, {local:%H:%M}-{end:%H:%M} {label}"


def render_notice(text: str, *, title: str = "", language: str = "en") -> tuple[str, str]:
    """A short explanation (refused command, unknown token, status): (text, HTML)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    env = environment(language)
    context = {"paragraphs": paragraphs, "title": title}
    return env.get_template("notice.txt.j2").render(**context), env.get_template("notice.html.j2").render(**context)
