"""The document a deal's messages fold into one by one equals the one reading all of them afresh gives.

Each new message touches only what it adds (agent/extract/runner.py reads only the new
sources; the source list is the account's rows, not rewritten in the document), so the
rebuild path (``handoff rebuild``, for when the extraction rules change) is the check:
on the demo deal, on every shared deal, and on generated forwards of one long deal.
Also: a long deal's draft lists the newest sources and counts the rest.
"""

from __future__ import annotations

import email
import email.policy
import random
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from agent.app import open_app
from agent.demo_deal import demo_files
from agent.document_store import full_document
from agent.service import ingest, rebuild
from agent.settings import Settings
from db import repo
from db.models import Account, Outbound
from db.session import session_scope
from tests.conftest import SHARED, make_settings

DEALS = SHARED / "corpus" / "deals"
EVAL_COMPANY = "lumendata.example"  # the shared deals' own company (../shared/tools/eval_deals.py)


async def documents(settings: Settings) -> dict[str, dict[str, Any]]:
    """Every account's whole document, by account name."""
    app = await open_app(settings, inline=True)
    try:
        with session_scope(app.engine) as session:
            return {a.name: full_document(session, a).export() for a in session.exec(select(Account)).all()}
    finally:
        await app.close()


async def rebuilt(settings: Settings) -> dict[str, dict[str, Any]]:
    """Every account's document read again from all of its material (``handoff rebuild``)."""
    read = await rebuild(settings, None)
    assert read and all(read.values())
    return await documents(settings)


async def assert_incremental_equals_rebuild(settings: Settings, files: list[Path]) -> dict[str, dict[str, Any]]:
    await ingest(settings, files)
    incremental = await documents(settings)
    assert incremental and all(doc["sources"] for doc in incremental.values())
    assert await rebuilt(settings) == incremental
    return incremental


async def test_the_demo_deal_read_message_by_message_equals_a_rebuild(tmp_path: Path) -> None:
    docs = await assert_incremental_equals_rebuild(make_settings(tmp_path), demo_files())
    (doc,) = docs.values()
    assert doc["sections"]["stakeholders"] and len(doc["sources"]) >= len(demo_files())


@pytest.mark.skipif(not DEALS.is_dir(), reason="../shared/corpus/deals is not present")
@pytest.mark.parametrize("deal", sorted(p.name for p in DEALS.iterdir()) if DEALS.is_dir() else [])
async def test_each_shared_deal_read_message_by_message_equals_a_rebuild(tmp_path: Path, deal: str) -> None:
    settings = make_settings(tmp_path, inbox_address=f"handoff@{EVAL_COMPANY}", company_domains=EVAL_COMPANY)
    await assert_incremental_equals_rebuild(settings, sorted((DEALS / deal / "inbox").glob("*.eml")))


LINES = [
    "Update {n}: the customer asked about store {n} of 38.",
    "Their CFO wants the rollout of region {n} finished before the end of the quarter.",
    "We promised a sandbox for team {n} by next Friday.",
    "They compared us with Competitor {n} on price and on reporting.",
    "Risk: the data team {n} is short of two engineers until March.",
    "Success for them is {n} percent fewer stock-outs in 90 days.",
]


def generated_forwards(tmp_path: Path, count: int, seed: int) -> list[Path]:
    """``count`` distinct forwards about one account: the demo's first, each with a few lines of its own."""
    rng = random.Random(seed)
    base = demo_files()[0].read_bytes()
    out = []
    for n in range(count):
        msg = email.message_from_bytes(base, policy=email.policy.default)
        msg.replace_header("Message-ID", f"<gen-{seed}-{n}@northwind.example>")
        msg.replace_header("Subject", f"Fwd: update {n} from the customer")
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None
        lines = " ".join(line.format(n=rng.randrange(count)) for line in rng.sample(LINES, 2))
        body.set_content(f"{lines}\n\n" + body.get_content())
        path = tmp_path / f"gen-{n:03d}.eml"
        path.write_bytes(msg.as_bytes())
        out.append(path)
    return out


async def test_generated_forwards_of_one_long_deal_equal_a_rebuild_and_the_draft_lists_the_newest(
    tmp_path: Path,
) -> None:
    from agent.delivery import DRAFT_SOURCES

    settings = make_settings(tmp_path)
    files = generated_forwards(tmp_path, DRAFT_SOURCES + 15, seed=7)
    (doc,) = (await assert_incremental_equals_rebuild(settings, files)).values()
    assert len(doc["sources"]) > DRAFT_SOURCES, "every source is in the whole document"
    app = await open_app(settings, inline=True)
    try:
        with session_scope(app.engine) as session:
            draft = session.exec(select(Outbound).where(Outbound.kind == "draft")).all()[-1]
            account = session.exec(select(Account)).one()
            total = len(repo.source_index(session, account.id or 0))
            assert "sources" not in account.document, "the source list is the account's rows, not stored twice"
    finally:
        await app.close()
    text = email.message_from_bytes(draft.raw, policy=email.policy.default)
    plain = text.get_body(preferencelist=("plain",))
    assert plain is not None
    assert f"And {total - DRAFT_SOURCES} earlier sources" in " ".join(plain.get_content().split())
