"""The Alembic migrations and the models agree, on SQLite and PostgreSQL, and data survives them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlmodel import SQLModel, select

import db.models  # noqa: F401  (the tables compare_metadata checks)
from db import repo
from db.models import Outbound
from db.session import MIGRATIONS, make_engine, session_scope, upgrade

from .conftest import PG_URL, reset_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgres":
        reset_postgres(PG_URL)
        made = make_engine(PG_URL)
    else:
        made = make_engine(f"sqlite:///{tmp_path / 'handoff.db'}")
    yield made
    made.dispose()


def _migrate(engine: Engine, target: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def test_the_migrated_schema_is_the_models_schema(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as conn:
        # The full-text pieces (SQLite FTS5 tables, the PostgreSQL GIN expression index) exist only in migrations.
        only_in_migrations = ("search_fts", "ix_search_entry_fts")
        context = MigrationContext.configure(
            conn, opts={"include_name": lambda name, type_, parent: not (name or "").startswith(only_in_migrations)}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_0003_fills_to_address_for_mail_sent_before_it_and_the_daily_cap_counts_it(engine: Engine) -> None:
    _migrate(engine, "0002")
    sent = datetime.now(UTC) - timedelta(hours=1)
    with engine.begin() as conn:
        for n, kind in enumerate(["draft", "notice", "final"]):
            conn.execute(
                text(
                    "INSERT INTO outbound (key, kind, message_id, recipients, raw, status, attempts, created_at) "
                    "VALUES (:k, :kind, :m, :r, :raw, 'sent', 1, :at)"
                ),
                {
                    "k": f"old:{n}",
                    "kind": kind,
                    "m": f"<{n}@x>",
                    "r": '["Sam@Northwind.example"]',
                    "raw": b"x",
                    "at": sent,
                },
            )
    upgrade(engine)
    with session_scope(engine) as session:
        rows = list(session.exec(select(Outbound)))
        assert {row.to_address for row in rows} == {"sam@northwind.example"}
        # A final to the CSM is not automatic mail; the draft and the notice are.
        assert repo.count_auto_replies_since(session, "SAM@northwind.example", sent - timedelta(minutes=1)) == 2
        assert repo.count_auto_replies_since(session, "sam@northwind.example", sent + timedelta(minutes=1)) == 0
        row, created = repo.add_outbound(
            session,
            Outbound(key="new:1", kind="reminder", message_id="<n@x>", recipients=["Sam@northwind.example"], raw=b"x"),
        )
        assert created and row.to_address == "sam@northwind.example"
        assert repo.count_auto_replies_since(session, "sam@northwind.example", sent - timedelta(minutes=1)) == 3


def test_0004_keeps_mail_stored_before_it_as_not_yet_authenticated(engine: Engine) -> None:
    _migrate(engine, "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO inbound (message_id, raw, mail_from, rcpt_to, channel, received_at, status, attempts) "
                "VALUES ('<old@x>', :raw, 'sam@northwind.example', '[]', 'smtp', :at, 'pending', 0)"
            ),
            {"raw": b"From: sam@northwind.example\r\n\r\napprove\r\n", "at": datetime.now(UTC)},
        )
    upgrade(engine)
    repo.insert_inbound_batch(
        engine,
        [
            repo.RawMail(
                b"Message-ID: <new@x>\r\nFrom: sam@northwind.example\r\n\r\napprove\r\n",
                "mallory@northwind.example",
                ["handoff@northwind.example"],
                "smtp",
                peer_ip="192.0.2.7",
                helo="client.example",
                auth_method="envelope",
                auth_reason="envelope sender mallory@northwind.example differs from From sam@northwind.example",
                auth_suspicious=True,
            )
        ],
    )
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT message_id, peer_ip, auth_method, auth_address, auth_suspicious FROM inbound ORDER BY id")
        ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("<old@x>", None, None, None, False),
        ("<new@x>", "192.0.2.7", "envelope", None, True),
    ]


def test_0006_gives_a_sole_snapshot_the_call_its_account_had_and_leaves_later_versions_to_the_reader(
    engine: Engine,
) -> None:
    _migrate(engine, "0005_web_sessions")
    call = datetime(2026, 6, 2, 9, tzinfo=UTC)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for n in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO account (id, domain, name, status, rep_email, token, token_expires_at, document, "
                    'revision, drafts_sent, "references", call_start, invite_sequence, notes, questions, unread, '
                    "extractor_usage, created_at, updated_at) VALUES (:id, :d, :name, 'delivered', "
                    "'sam@northwind.example', :t, :at, '{}', 0, 1, '[]', :call, 0, '[]', '[]', '[]', '{}', :at, :at)"
                ),
                {"id": n, "d": f"c{n}.example", "name": f"C{n}", "t": f"tok{n}", "at": now, "call": call},
            )
        for account, version in ((1, 1), (2, 1), (2, 2)):
            conn.execute(
                text(
                    "INSERT INTO snapshot (account_id, version, revision, delivered_at, filled, document, markdown) "
                    "VALUES (:a, :v, :r, :at, 0, '{}', '')"
                ),
                {"a": account, "v": version, "r": version - 1, "at": now},
            )
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT account_id, version, call_start FROM snapshot ORDER BY id")).fetchall()
        withdrawn = conn.execute(text("SELECT withdrawn_at FROM account")).fetchall()
    got = [(a, v, c is not None) for a, v, c in rows]
    assert got == [(1, 1, True), (2, 1, False), (2, 2, False)]
    assert [tuple(r) for r in withdrawn] == [(None,), (None,)]
