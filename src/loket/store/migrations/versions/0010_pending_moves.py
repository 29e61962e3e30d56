"""moves dated in the future wait in scheduled_move for their day

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 10:32:34.491816
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduled_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("house_number", sa.String(length=20), nullable=False),
        sa.Column("box", sa.String(length=20), nullable=True),
        sa.Column("postcode", sa.String(length=12), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("recorded_in", sa.String(length=32), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("superseded_by", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'applied', 'superseded')", name=op.f("ck_scheduled_move_status")
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_scheduled_move_citizen_id_citizen")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_move")),
        sa.UniqueConstraint("event_id", name=op.f("uq_scheduled_move_event_id")),
    )
    with op.batch_alter_table("scheduled_move", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheduled_move_citizen_id"), ["citizen_id"], unique=False
        )
        batch_op.create_index("ix_scheduled_move_due", ["status", "effective_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scheduled_move", schema=None) as batch_op:
        batch_op.drop_index("ix_scheduled_move_due")
        batch_op.drop_index(batch_op.f("ix_scheduled_move_citizen_id"))

    op.drop_table("scheduled_move")
