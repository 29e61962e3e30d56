"""the counted open load also counts the overdue decisions of each group

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 18:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("insight_open_load") as batch:
        batch.add_column(sa.Column("overdue", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("insight_open_load") as batch:
        batch.drop_column("overdue")
