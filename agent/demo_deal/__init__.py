"""The project's own sample deal, shipped in the package for ``handoff demo`` and the end-to-end tests.

What it is for: a complete, fictional closed deal as a rep would forward it. The seller is Northwind
Analytics (inbox ``handoff@northwind.example``), the rep Sam Okafor, and the customer Alder & Finch
Outfitters, an outdoor gear retailer with 38 stores. The eight messages in ``inbox/`` cover every intake
shape the service must read (Gmail, Outlook HTML, Apple Mail and Thunderbird forwards, a forward as a
``message/rfc822`` attachment, a Zoom ``.vtt`` transcript, a CRM ``.csv`` export, the signed order form) and
carry two traps (a legal disclaimer and a prompt-injection line). ``rep-reply.txt`` is the rep's answer to
the first draft; ``expected.json`` says what a correct handoff document must contain, in the shape of the
evaluation corpus's ``gold.json``. Not for: evaluation (the shared corpus is the yardstick; this deal was
written for the project and is tuned for nothing), and not a place for parsing or extraction code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEAL_DIR = Path(__file__).resolve().parent


def demo_files() -> list[Path]:
    """The inbox messages in the order the rep sent them (their file names sort that way)."""
    return sorted((DEAL_DIR / "inbox").glob("*.eml"))


def demo_rep_reply() -> str:
    """What the rep writes back to the first draft: expansion, the people, and the CSM's address."""
    return (DEAL_DIR / "rep-reply.txt").read_text(encoding="utf-8")


def demo_expected() -> dict[str, Any]:
    """What a correct handoff document for the demo deal contains (``gold.json`` shape)."""
    data: dict[str, Any] = json.loads((DEAL_DIR / "expected.json").read_text(encoding="utf-8"))
    return data
