"""a handoff after delivery: the call each snapshot carried, and a delivered handoff withdrawn by ``cancel``

Revision ID: 0007_life_revisions
Revises: 0006_sec2_content_dedupe
Create Date: 2026-11-27 10:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_life_revisions"
down_revision = "0006_sec2_content_dedupe"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshot") as batch:
        batch.add_column(sa.Column("call_start", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    # Snapshots kept before this column: the version's call is the account's last call when it is
    # the only version (later ones are read with that fallback too, agent/revisions.py ``edition_of``).
    op.execute(
        "UPDATE snapshot SET call_start = (SELECT account.call_start FROM account WHERE account.id = snapshot.account_id)"
        " WHERE (SELECT COUNT(*) FROM snapshot AS s WHERE s.account_id = snapshot.account_id) = 1"
    )


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_column("withdrawn_at")
    with op.batch_alter_table("snapshot") as batch:
        batch.drop_column("call_start")
