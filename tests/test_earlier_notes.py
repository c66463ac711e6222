"""A rep's first note, sent before any customer mail, is taken by the account it names once that account exists."""

from __future__ import annotations

from email.message import EmailMessage

from sqlmodel import select

from db.models import Account, Inbound, Source
from db.session import session_scope
from tests.conftest import INBOX, REP, Harness


def note(subject: str, body: str, message_id: str, day: str = "Mon, 02 Mar 2026 09:00:00 +0000") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Sam Okafor <{REP}>"
    msg["To"] = INBOX
    msg["Subject"] = subject
    msg["Date"] = day
    msg["Message-ID"] = message_id
    msg.set_content(body)
    return msg.as_bytes()


def forward_from_customer() -> bytes:
    return note(
        "Fwd: berth scheduling",
        "FYI, their ops lead.\n\n---------- Forwarded message ---------\n"
        "From: Ines Alvarado <ines.alvarado@corvidmarine.example>\nDate: Wed, 4 Mar 2026 at 16:10\n"
        f"Subject: berth scheduling\nTo: Sam Okafor <{REP}>\n\n"
        "Our berth plans live in three spreadsheets and the night shift rebuilds them by hand.\n\nInes\n",
        "<fwd-corvid@northwind.example>",
        "Thu, 05 Mar 2026 09:00:00 +0000",
    )


def dispositions(harness: Harness) -> dict[str, tuple[str | None, int | None]]:
    with session_scope(harness.app.engine) as session:
        return {row.message_id: (row.disposition, row.account_id) for row in session.exec(select(Inbound))}


async def test_a_note_sent_before_the_first_forward_is_adopted_by_the_account_it_names(service: Harness) -> None:
    first = note(
        "Corvid Marine - discovery notes",
        "Notes from the discovery call with Corvid Marine today.\n\n"
        "- 14 vessels, two terminals, about 300 staff\n- berth planning is done by hand every night\n",
        "<notes-corvid@northwind.example>",
    )
    other = note(
        "Halden Rail - first call", "Halden Rail runs 40 trains; they want a demo in May.\n", "<notes-halden@x.example>"
    )
    await service.send(first)
    await service.send(other)
    await service.drain()
    assert dispositions(service)["<notes-corvid@northwind.example>"] == ("unresolved", None)

    await service.send(forward_from_customer())
    await service.drain()
    with session_scope(service.app.engine) as session:
        account = session.exec(select(Account).where(Account.domain == "corvidmarine.example")).one()
        sources = {s.source_id for s in session.exec(select(Source).where(Source.account_id == account.id))}
    seen = dispositions(service)
    assert seen["<notes-corvid@northwind.example>"] == ("material", account.id)
    assert "<notes-corvid@northwind.example>" in sources  # its text is read into the document with the rest
    assert seen["<notes-halden@x.example>"] == ("unresolved", None)  # a note about another customer stays put


def test_the_lookup_of_unresolved_notes_reads_only_the_partial_index(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Every account that takes material asks for the rep's unresolved notes: that must not scan every message."""
    from datetime import UTC, datetime

    from sqlalchemy import event

    from db import repo
    from db.session import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    seen: list[tuple[str, object]] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, params, *_: seen.append((sql, params)))
    with session_scope(engine) as session:
        assert repo.unresolved_from(session, REP, since=datetime(2026, 1, 1, tzinfo=UTC)) == []
    (sql, params), *_ = [(s, p) for s, p in seen if "FROM inbound" in s]
    with engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))  # type: ignore[arg-type]
    assert "USING INDEX ix_inbound_unresolved" in plan, plan
