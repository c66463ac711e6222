"""outbound.to_address: count automatic mail per address with an index, not a scan

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 21:40:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbound", sa.Column("to_address", sa.String(), nullable=True))
    op.create_index("ix_outbound_to_address_created_at", "outbound", ["to_address", "created_at"])
    # Rows written before this column: their first recipient, lowercased (what add_outbound now stores).
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, recipients FROM outbound")).fetchall()
    for row_id, recipients in rows:
        if isinstance(recipients, str):
            recipients = json.loads(recipients)
        if recipients:
            conn.execute(
                sa.text("UPDATE outbound SET to_address = :a WHERE id = :i"),
                {"a": str(recipients[0]).lower(), "i": row_id},
            )


def downgrade() -> None:
    op.drop_index("ix_outbound_to_address_created_at", table_name="outbound")
    op.drop_column("outbound", "to_address")
