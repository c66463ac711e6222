"""One forwarded mail read the way the extract step reads it, for the tests that check what whole mails give.

``document_of(path)`` parses a ``.eml`` file, names its account as intake does (``resolve_account``; "Customer" when
the mail names none), runs the offline reader, verifies quotes, assembles and merges, and returns the document.
Not for: the whole loop through the service (``agent.evaluate`` runs that over labelled deals).
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from agent.accounts import resolve_account
from agent.document import AccountInfo, HandoffDocument, Party
from agent.extract.assemble import assemble
from agent.extract.base import ExtractionContext, verify_quotes
from agent.extract.offline import OfflineExtractor
from agent.merge import merge_extraction
from mailflows.inbound.mail import ThreadMessage
from mailflows.inbound.parse import parse_path
from mailflows.inbound.signatures import stored_message

OWN = frozenset({"lumendata.example"})  # the seller of the mails written for these tests


def document_of(path: Path) -> HandoffDocument:
    parsed = parse_path(path)
    assert parsed.outer.sender is not None
    key = resolve_account(parsed, set(OWN))
    rep = parsed.outer.sender
    ctx = ExtractionContext(
        account=AccountInfo(name=key.name if key else "Customer", domain=key.domain if key else None),
        rep=Party(name=rep.name, email=rep.email),
        company_domains=set(OWN),
    )
    doc = HandoffDocument(account=ctx.account.model_copy(), rep=ctx.rep)
    extraction = asyncio.run(OfflineExtractor().extract(parsed.messages, ctx, doc))
    verify_quotes(extraction, parsed.messages, ctx)
    assemble(extraction, doc, source_order=[m.id for m in parsed.messages])
    return merge_extraction(doc, extraction)


def normalized(text: str) -> str:
    """``text`` as the fixture tests compare it: one space for any run of white space, straight apostrophes, lower case."""
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).lower()


def document_text(path: Path) -> str:
    """The whole exported document of one mail as one normalized string, to look for what must (not) appear."""
    return normalized(json.dumps(document_of(path).export(), ensure_ascii=False))


def expectations(folder: Path) -> dict[str, dict[str, list[str]]]:
    """A fixture set's ``expected.json``: per mail, what must not appear and what must."""
    found: dict[str, dict[str, list[str]]] = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return found


def thread_mail(mid: str, sender: str, name: str, body: str, *, date: str, subject: str) -> ThreadMessage:
    """One stored thread message as the reader gets it (no signature cut): for tests that write a thread inline."""
    return stored_message(
        {"id": mid, "sender": {"name": name, "email": sender}, "date": date, "subject": subject, "body": body,
         "signature": ""}
    )  # fmt: skip
