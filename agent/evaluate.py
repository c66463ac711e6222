"""``handoff eval DIR``: run the whole loop over labelled deals and measure the documents.

What it is for: a team's own quality check. For every deal folder under DIR (the corpus
format: ``inbox/*.eml`` in order, ``rep-reply.txt``, ``gold.json``) it builds a fresh
SQLite database and outbox in a temporary folder, ingests the inbox with whichever
extractor the settings pick (offline or Claude), scores the document, answers the
newest draft with the rep's reply, scores again, approves, and checks that the CSM got
the final mail. The scores (agent/extract/scoring.py) are recall per section,
stakeholders, competitors, due dates, sentiment and urgency where labelled, repeated
items, items per fact, quotes not verbatim and leaked traps. Not for: unit tests, or
the corpus tooling in the shared folder (this is the product's own command).
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import json
import logging
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from agent.errors import HandoffError
from agent.extract.scoring import SECTIONS, DealScore, normalize, score_document
from agent.settings import Settings, load_settings

log = logging.getLogger(__name__)


class EvalError(HandoffError):
    """A deal folder that cannot be evaluated (no gold.json, no inbox, unreadable labels)."""


def deal_folders(root: Path) -> list[Path]:
    if (root / "gold.json").is_file():
        return [root]
    deals = sorted(d for d in root.iterdir() if d.is_dir() and (d / "gold.json").is_file()) if root.is_dir() else []
    if not deals:
        raise EvalError(f"{root} holds no deal folder: each needs gold.json, inbox/*.eml and rep-reply.txt")
    return deals


# the tags that start a new line in the text a quote is checked against; inline tags ("<b>1 de septiembre</b>.")
# join their words as a reader sees them, as the corpus scorer reads HTML
_LINE_TAGS = ("br", "p", "div", "tr", "li", "table", "blockquote")


def _html_text(markup: str) -> str:
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_LINE_TAGS):
        tag.insert_before("\n")
    return soup.get_text("")


def _parts_text(msg: email.message.Message) -> list[str]:
    texts: list[str] = []
    for part in msg.walk():
        if part.get_content_type() == "message/rfc822":
            for inner in part.get_payload() or []:
                if isinstance(inner, email.message.Message):
                    texts.extend(f"{k}: {v}" for k, v in inner.items())
            continue
        if part.is_multipart():
            continue
        raw = part.get_payload(decode=True)
        text = raw.decode(part.get_content_charset() or "utf-8", "replace") if isinstance(raw, bytes) else ""
        texts.append(_html_text(text) if part.get_content_type() == "text/html" else text)
    texts.extend(f"{k}: {v}" for k, v in msg.items())
    return texts


def deal_text(deal: Path) -> str:
    """Everything a quote may be taken from: the inbox messages (every part) and the rep's reply."""
    chunks: list[str] = []
    for path in sorted((deal / "inbox").glob("*.eml")):
        chunks.extend(_parts_text(email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)))
    reply = deal / "rep-reply.txt"
    if reply.is_file():
        chunks.append(reply.read_text(encoding="utf-8"))
    return normalize("\n".join(chunks))


def _outbox(outbox: Path) -> list[tuple[tuple[float, int], EmailMessage]]:
    out = []
    for path in sorted(p for p in outbox.rglob("*.eml") if p.is_file()):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        try:
            when = email.utils.parsedate_to_datetime(str(msg["Date"])).timestamp()
        except (TypeError, ValueError):
            when = 0.0
        out.append(((when, path.stat().st_mtime_ns), msg))
    return sorted(out, key=lambda pair: pair[0])


def _newest_to(outbox: Path, who: str) -> EmailMessage | None:
    found = [m for _, m in _outbox(outbox) if who.lower() in str(m.get("To", "")).lower()]
    return found[-1] if found else None


def _reply(draft: EmailMessage, rep: dict[str, str], text: str, when: datetime) -> bytes:
    msg = EmailMessage()
    msg["From"] = email.utils.formataddr((rep.get("name") or "", rep["email"]))
    msg["To"] = str(draft.get("Reply-To") or draft.get("From"))
    subject = str(draft.get("Subject") or "")
    msg["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    msg["Date"] = email.utils.format_datetime(when)
    msg["Message-ID"] = email.utils.make_msgid(domain=rep["email"].rsplit("@", 1)[-1])
    if draft.get("Message-ID"):
        msg["In-Reply-To"] = str(draft["Message-ID"])
        msg["References"] = f"{draft.get('References') or ''} {draft['Message-ID']}".strip()
    body = draft.get_body(preferencelist=("plain",))
    quoted = "\n".join("> " + line for line in (body.get_content() if body else "").splitlines())
    msg.set_content(
        f"{text.rstrip()}\n\nOn {email.utils.format_datetime(when)}, {draft.get('From')} wrote:\n{quoted}\n"
    )
    return msg.as_bytes()


def _inbox_of(deal: Path) -> str | None:
    first = next(iter(sorted((deal / "inbox").glob("*.eml"))), None)
    if first is None:
        return None
    msg = email.message_from_bytes(first.read_bytes(), policy=email.policy.default)
    found = email.utils.getaddresses([str(msg.get("To", ""))])
    return found[0][1] if found and found[0][1] else None


def read_gold(deal: Path) -> dict[str, Any]:
    """A deal's labels, with the keys every deal has (the account's name and domain, the rep's address)."""
    try:
        gold: dict[str, Any] = json.loads((deal / "gold.json").read_text(encoding="utf-8"))
        gold["account"]["name"], gold["account"]["domain"], gold["rep"]["email"]  # noqa: B018
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EvalError(f"{deal / 'gold.json'}: cannot read the labels ({exc})") from exc
    return gold


async def evaluate_deal(deal: Path, base: Settings, work: Path) -> DealScore:
    """The whole loop for one deal in ``work`` (a fresh folder), scored after the inbox and after the reply."""
    from agent.lookups import document_for
    from agent.service import ingest

    gold = read_gold(deal)
    rep, domain = gold["rep"], gold["account"]["domain"]
    inbox = _inbox_of(deal) or base.inbox_address
    ours = sorted({*base.company_domains, rep["email"].rsplit("@", 1)[-1].lower(), inbox.rsplit("@", 1)[-1]})
    settings = base.model_copy(
        update={
            "database_url": f"sqlite:///{work / 'handoff.db'}",
            "outbox_dir": work / "outbox",
            "redis_url": None,
            "inbox_address": inbox,
            "company_domains": ours,
            "debounce_s": 0.0,
        }  # fmt: skip
    )
    (work / "outbox").mkdir(parents=True, exist_ok=True)
    text = deal_text(deal)
    await ingest(settings, sorted((deal / "inbox").glob("*.eml")))
    steps = ["ingest"]
    result = score_document(deal.name, gold, document_for(settings, domain).export(), text, phase="inbox")
    inbox_found, absent = f"{result.found}/{result.facts}", result.absent  # the draft asks about what is missing
    draft = _newest_to(work / "outbox", rep["email"])
    if draft is None:
        result.errors.append("no draft reached the rep")
        result.loop = ">".join(steps)
        return result
    now = datetime.now(UTC)
    reply_path = work / "rep-reply.eml"
    reply_path.write_bytes(_reply(draft, rep, (deal / "rep-reply.txt").read_text(encoding="utf-8"), now))
    await ingest(settings, [reply_path])
    steps.append("reply")
    doc = document_for(settings, domain).export()
    result = score_document(deal.name, gold, doc, text, phase="reply")
    result.loop, result.absent = inbox_found, absent  # kept for the table: the first draft's figures
    draft = _newest_to(work / "outbox", rep["email"])
    if draft is not None:
        approve = work / "approve.eml"
        approve.write_bytes(_reply(draft, rep, "approve", now + timedelta(minutes=10)))
        await ingest(settings, [approve])
    final = document_for(settings, domain)
    csm = (gold.get("csm") or {}).get("email") or (final.csm.email if final.csm else None)
    if not csm:
        result.errors.append("no CSM known after the rep's reply")
    elif _newest_to(work / "outbox", csm) is None:
        result.errors.append(f"no final mail to the CSM {csm} after approve")
    return result


async def evaluate(root: Path, settings: Settings | None = None, keep: Path | None = None) -> list[DealScore]:
    base = settings or load_settings()
    results = []
    for deal in deal_folders(root):
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            results.append(await _guarded(deal, base, Path(tempfile.mkdtemp(prefix=f"{deal.name}-", dir=keep))))
            continue
        with tempfile.TemporaryDirectory(prefix=f"handoff-eval-{deal.name}-") as tmp:
            results.append(await _guarded(deal, base, Path(tmp)))
    return results


async def _guarded(deal: Path, base: Settings, work: Path) -> DealScore:
    """One deal's score; a deal the service fails on is reported as that deal's error (all its facts lost) and the
    others are still measured. Labels that cannot be read stop the run (EvalError): the folder is wrong."""
    try:
        return await evaluate_deal(deal, base, work)
    except EvalError:
        raise
    except Exception as exc:
        log.exception("eval: %s failed", deal.name)
        gold = read_gold(deal)
        facts = len(gold.get("facts", [])) + len(gold.get("rep_reply_facts", []))
        return DealScore(deal=deal.name, facts=facts, errors=[f"the service failed: {type(exc).__name__}: {exc}"])


def _ratio(pair: list[int]) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "-"


def report_table(results: list[DealScore]) -> str:
    """Per deal, then per section, then the totals a team compares runs by."""
    head = ["deal", "inbox", "reply", "recall", "people", "titles", "roles", "comps", "dues", "sentiment",
            "urgency", "absent", "repeats", "items/facts", "bad quotes", "traps"]  # fmt: skip
    rows = [head]
    for r in results:
        rows.append([r.deal, r.loop or "-", f"{r.found}/{r.facts}", f"{r.recall:.3f}", _ratio(r.stakeholders),
                     _ratio(r.titles), _ratio(r.roles), _ratio(r.competitors), _ratio(r.dues), _ratio(r.sentiment),
                     _ratio(r.urgency), _ratio(r.absent), str(len(r.repeats)), f"{r.bloat:.2f}", str(len(r.bad_quotes)),
                     str(len(r.traps))])  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.append("")
    lines.append("per section (after the reply):")
    for key in SECTIONS:
        found = sum(r.per_section.get(key, [0, 0])[0] for r in results)
        total = sum(r.per_section.get(key, [0, 0])[1] for r in results)
        if total:
            items = sum(r.items_per_section.get(key, 0) for r in results)
            lines.append(
                f"  {key:<20} {found:>3}/{total:<3} = {found / total:.2f}   items {items:>3} ({items / total:.1f} per fact)"
            )
    facts = sum(r.facts for r in results)
    found = sum(r.found for r in results)
    items = sum(r.items for r in results)
    lines.append("")
    lines.append(f"fact recall: {found}/{facts} = {found / facts:.3f}" if facts else "fact recall: no facts")
    for label, attr in (("sentiment checks", "sentiment"), ("urgency checks", "urgency"), ("due dates", "dues"),
                        ("absent sections left for the draft to ask", "absent"),
                        ("stakeholders", "stakeholders"), ("competitors", "competitors")):  # fmt: skip
        pair = [sum(getattr(r, attr)[0] for r in results), sum(getattr(r, attr)[1] for r in results)]
        lines.append(f"{label}: {_ratio(pair)}")
    lines.append(f"repeated items: {sum(len(r.repeats) for r in results)}")
    lines.append(f"items per fact: {items / facts:.2f}" if facts else "items per fact: -")
    lines.append(f"quotes not verbatim: {sum(len(r.bad_quotes) for r in results)}; traps leaked: "
                 f"{sum(len(r.traps) for r in results)}")  # fmt: skip
    loop_ok = sum(1 for r in results if not r.errors)
    lines.append(f"loop complete: {loop_ok}/{len(results)} deals")
    for r in results:
        lines.extend(f"{r.deal}: {e}" for e in r.errors)
    return "\n".join(lines)


def report_details(results: list[DealScore]) -> str:
    lines = []
    for r in results:
        lines.append(f"== {r.deal}")
        lines.extend(f"  lost {x}" for x in r.lost)
        lines.extend(f"  check {x}" for x in r.checks_failed)
        lines.extend(f"  repeat {x}" for x in r.repeats)
        lines.extend(f"  quote {x}" for x in r.bad_quotes)
        lines.extend(f"  trap {x}" for x in r.traps)
    return "\n".join(lines)


def report_json(results: list[DealScore]) -> str:
    out: list[dict[str, Any]] = []
    for r in results:
        row = asdict(r)
        row.update(recall=round(r.recall, 3), bloat=round(r.bloat, 2))
        out.append(row)
    return json.dumps(out, indent=2, ensure_ascii=False)


__all__ = ["EvalError", "deal_folders", "evaluate", "evaluate_deal", "report_details", "report_json", "report_table"]
