"""The CSM our side names in passing, read from whole mails: 36 mails written for this project (notes above
forwards in four clients, colleagues' mails inside them, notes and CRM attachments, invites, HTML-only mail,
German, French and Spanish), eight of them naming no CSM of ours (a former CSM elsewhere, an open question,
"TBD", a VP of Customer Success, the customer's own words, an injected line). ``expected.json`` says who."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.accounts import csm_mentioned
from mailflows.inbound.mail import Address
from mailflows.inbound.parse import parse_path

CASES = Path(__file__).parent / "fixtures" / "mail" / "csm-mentions"
EXPECTED: dict[str, dict[str, str] | None] = json.loads((CASES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_csm_named_in_passing_is_found_and_no_one_else(name: str) -> None:
    parsed = parse_path(CASES / name)
    assert parsed.outer.sender is not None
    found = csm_mentioned(parsed, {"lumendata.example"}, parsed.outer.sender.email)
    want = EXPECTED[name]
    if want is None:
        assert found is None
    else:
        assert found is not None and found.email == want["email"].lower()
        assert isinstance(found, Address) and found.name
