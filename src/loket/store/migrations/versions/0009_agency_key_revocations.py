"""attestation signer fingerprint, for agency key revocations

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05 09:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attestation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signer_fingerprint", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attestation", schema=None) as batch_op:
        batch_op.drop_column("signer_fingerprint")
