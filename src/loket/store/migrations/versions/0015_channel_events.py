"""channel events and the digital-divide summary

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("municipality", sa.String(length=5), nullable=True),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("contact", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=True),
        sa.Column("person_key", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_channel_event_day", "channel_event", ["occurred_on"])
    op.create_table(
        "divide_summary",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("municipality", sa.String(length=5), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("contacts", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("reachable", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", "service", "municipality", "channel"),
    )
    op.create_table(
        "divide_step",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("municipality", sa.String(length=5), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("abandoned", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", "service", "municipality", "step"),
    )
    op.create_table(
        "divide_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("abandoned_through", sa.Date(), nullable=True),
        sa.Column("person_salt", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("divide_state")
    op.drop_table("divide_step")
    op.drop_table("divide_summary")
    op.drop_index("ix_channel_event_day", table_name="channel_event")
    op.drop_table("channel_event")
