"""an index of the rep's mail that named no customer we knew, read each time an account takes material

Revision ID: 0008_inbound_unresolved_index
Revises: 0007_life_revisions
Create Date: 2026-12-07 00:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_inbound_unresolved_index"
down_revision = "0007_life_revisions"
branch_labels = None
depends_on = None

UNRESOLVED = sa.text("disposition = 'unresolved'")


def upgrade() -> None:
    op.create_index(
        "ix_inbound_unresolved", "inbound", ["received_at"], sqlite_where=UNRESOLVED, postgresql_where=UNRESOLVED
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_unresolved", table_name="inbound")
