"""a stored conflict says whether it is a conflict or needs a check

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("linkage_conflict") as batch:
        batch.add_column(
            sa.Column("finding", sa.String(length=16), nullable=False, server_default="conflict")
        )
        batch.create_index("ix_linkage_conflict_finding", ["finding"])


def downgrade() -> None:
    with op.batch_alter_table("linkage_conflict") as batch:
        batch.drop_index("ix_linkage_conflict_finding")
        batch.drop_column("finding")
