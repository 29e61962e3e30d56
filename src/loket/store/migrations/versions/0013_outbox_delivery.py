"""outbox delivery: channel, attempts, lease, Message-ID, dead letters; e-mail of citizens
and offices

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("dedup_key", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("channel", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("message_id", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("dead_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("dead_reason", sa.String(length=40), nullable=True))
        batch.create_unique_constraint(op.f("uq_outbox_dedup_key"), ["dedup_key"])
        batch.create_index("ix_outbox_pending", ["sent_at", "dead_at", "next_attempt_at"])
    with op.batch_alter_table("citizen") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("office") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("office") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("citizen") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_pending")
        batch.drop_constraint(op.f("uq_outbox_dedup_key"), type_="unique")
        for column in (
            "dead_reason",
            "dead_at",
            "last_error",
            "message_id",
            "claimed_until",
            "claimed_by",
            "next_attempt_at",
            "attempts",
            "channel",
            "dedup_key",
        ):
            batch.drop_column(column)
