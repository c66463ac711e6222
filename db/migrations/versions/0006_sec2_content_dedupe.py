"""inbound: stored once per content, not once per Message-ID

A different message that reuses a Message-ID on file is stored as a new message; the
same bytes again (an MTA retrying, an IMAP re-fetch) still add nothing.

Revision ID: 0006_sec2_content_dedupe
Revises: 0005_web_sessions
Create Date: 2026-12-06 15:00:00
"""

import hashlib

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_sec2_content_dedupe"
down_revision = "0005_web_sessions"
branch_labels = None
depends_on = None

BATCH = 200


def _digest(raw: bytes) -> str:
    # The same rule as db/repo/inbound.py content_digest (kept here: a migration never changes).
    return hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("inbound") as batch:
        batch.add_column(sa.Column("content_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    conn = op.get_bind()
    after = 0
    while True:
        rows = conn.execute(
            sa.text("SELECT id, raw FROM inbound WHERE id > :after ORDER BY id LIMIT :n"), {"after": after, "n": BATCH}
        ).fetchall()
        if not rows:
            break
        for row_id, raw in rows:
            conn.execute(
                sa.text("UPDATE inbound SET content_sha256 = :d WHERE id = :id"),
                {"d": _digest(bytes(raw)), "id": row_id},
            )
        after = rows[-1][0]
    with op.batch_alter_table("inbound") as batch:
        batch.drop_index("ix_inbound_message_id")
        batch.create_index("ix_inbound_message_id", ["message_id"], unique=False)
        batch.create_index("ix_inbound_content_sha256", ["content_sha256"], unique=True)


def downgrade() -> None:
    # The old unique index cannot hold two messages that share a Message-ID: say so rather than drop mail.
    shared = (
        op.get_bind()
        .execute(sa.text("SELECT message_id FROM inbound GROUP BY message_id HAVING COUNT(*) > 1 LIMIT 5"))
        .fetchall()
    )
    if shared:
        ids = ", ".join(str(row[0]) for row in shared)
        raise RuntimeError(
            f"cannot downgrade below 0006_sec2_content_dedupe: stored messages share a Message-ID ({ids}); "
            "the older schema keeps one message per Message-ID"
        )
    with op.batch_alter_table("inbound") as batch:
        batch.drop_index("ix_inbound_content_sha256")
        batch.drop_index("ix_inbound_message_id")
        batch.create_index("ix_inbound_message_id", ["message_id"], unique=True)
        batch.drop_column("content_sha256")
