"""the counted open load per office, case type, worker and age band for the managers' page

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insight_open_load",
        sa.Column("office_id", sa.String(length=40), nullable=False),
        sa.Column("case_type", sa.String(length=40), nullable=False),
        sa.Column("assigned_worker", sa.String(length=64), nullable=False),
        sa.Column("age_band", sa.String(length=20), nullable=False),
        sa.Column("dossiers", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "office_id",
            "case_type",
            "assigned_worker",
            "age_band",
            name=op.f("pk_insight_open_load"),
        ),
    )


def downgrade() -> None:
    op.drop_table("insight_open_load")
