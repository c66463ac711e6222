"""inbound: the connection a message came in on and the sender verdict decided at receipt

Revision ID: 0004_sec_sender_auth
Revises: 0003
Create Date: 2026-12-06 13:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_sec_sender_auth"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows stored before this revision keep auth_method NULL: "not decided", read as unauthenticated.
    with op.batch_alter_table("inbound") as batch:
        batch.add_column(sa.Column("peer_ip", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("helo", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("auth_method", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("auth_address", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("auth_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column("auth_suspicious", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("inbound") as batch:
        for name in ("auth_suspicious", "auth_reason", "auth_address", "auth_method", "helo", "peer_ip"):
            batch.drop_column(name)
