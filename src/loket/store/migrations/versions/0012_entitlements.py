"""living-wage assessments, maintenance-advance decisions and recovery ledgers

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("(CURRENT_TIMESTAMP)")


def _dossier(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dossier_id"], ["dossier.id"], name=op.f(f"fk_{table}_dossier_id_dossier")
    )


def upgrade() -> None:
    op.create_table(
        "living_wage_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("situation", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("monthly_amount_cents", sa.Integer(), nullable=False),
        sa.Column("parameters_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("computed_by", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(), server_default=NOW, nullable=False),
        _dossier("living_wage_assessment"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_living_wage_assessment")),
    )
    op.create_table(
        "maintenance_advance_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("situation", sa.JSON(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("unmet_conditions", sa.JSON(), nullable=False),
        sa.Column("monthly_advance_cents", sa.Integer(), nullable=False),
        sa.Column("per_child_cents", sa.JSON(), nullable=False),
        sa.Column("surcharge_basis_points", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(), server_default=NOW, nullable=False),
        _dossier("maintenance_advance_decision"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_advance_decision")),
    )
    op.create_table(
        "recovery_ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), server_default=NOW, nullable=False),
        sa.CheckConstraint(
            "kind IN ('advance', 'recovery')", name=op.f("ck_recovery_ledger_entry_kind")
        ),
        sa.CheckConstraint(
            "amount_cents > 0", name=op.f("ck_recovery_ledger_entry_amount_positive")
        ),
        _dossier("recovery_ledger_entry"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_ledger_entry")),
    )
    for table, second in (
        ("living_wage_assessment", "id"),
        ("maintenance_advance_decision", "id"),
        ("recovery_ledger_entry", "booked_on"),
    ):
        with op.batch_alter_table(table) as batch:
            batch.create_index(f"ix_{table}_dossier", ["dossier_id", second], unique=False)


def downgrade() -> None:
    for table in (
        "recovery_ledger_entry",
        "maintenance_advance_decision",
        "living_wage_assessment",
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_dossier")
        op.drop_table(table)
