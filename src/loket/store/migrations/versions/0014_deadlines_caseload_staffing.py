"""dossier decision due dates and queue indexes, the monthly caseload summary, staffing norms,
staff members and office populations

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Decision terms in days per case type at the time of this migration (insight.deadlines).
DECISION_DAYS = {"leefloon": 30, "situation-change": 30, "maintenance-claim": 30}


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(sa.Column("decision_due_on", sa.Date(), nullable=True))
        batch.create_index(
            "ix_dossier_office_due", ["office_id", "decision_due_on", "opened_on", "id"]
        )
        batch.create_index(
            "ix_dossier_office_load",
            ["office_id", "status", "case_type", "assigned_worker", "opened_on"],
        )
    postgres = op.get_bind().dialect.name == "postgresql"
    for case_type, days in DECISION_DAYS.items():
        due = f"opened_on + {days}" if postgres else f"date(opened_on, '+{days} days')"
        op.execute(
            f"UPDATE dossier SET decision_due_on = {due} WHERE case_type = '{case_type}'"
            " AND status IN ('requested', 'in-review')"
        )
    op.create_table(
        "insight_office_month",
        sa.Column("office_id", sa.String(length=40), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("case_type", sa.String(length=40), nullable=False),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
        sa.Column("decided_in_term", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "office_id", "month", "case_type", name=op.f("pk_insight_office_month")
        ),
    )
    op.create_table(
        "staffing_norm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("case_type", sa.String(length=40), nullable=True),
        sa.Column("dossiers_per_fte", sa.Float(), nullable=True),
        sa.Column("effort_weight", sa.Float(), nullable=False),
        sa.Column("fte_per_10000_inhabitants", sa.Float(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agency.code"], name=op.f("fk_staffing_norm_agency_code_agency")
        ),
        sa.ForeignKeyConstraint(
            ["case_type"], ["case_type.code"], name=op.f("fk_staffing_norm_case_type_case_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staffing_norm")),
    )
    op.create_index(op.f("ix_staffing_norm_agency_code"), "staffing_norm", ["agency_code"])
    op.create_table(
        "staff_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("fte", sa.Float(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("retirement_age", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_staff_member_office_id_office")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_member")),
    )
    op.create_index(op.f("ix_staff_member_office_id"), "staff_member", ["office_id"])
    op.create_table(
        "office_population",
        sa.Column("office_id", sa.String(length=40), nullable=False),
        sa.Column("inhabitants", sa.Integer(), nullable=False),
        sa.Column("counted_on", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"], ["office.id"], name=op.f("fk_office_population_office_id_office")
        ),
        sa.PrimaryKeyConstraint("office_id", name=op.f("pk_office_population")),
    )


def downgrade() -> None:
    op.drop_table("office_population")
    op.drop_index(op.f("ix_staff_member_office_id"), table_name="staff_member")
    op.drop_table("staff_member")
    op.drop_index(op.f("ix_staffing_norm_agency_code"), table_name="staffing_norm")
    op.drop_table("staffing_norm")
    op.drop_table("insight_office_month")
    with op.batch_alter_table("dossier") as batch:
        batch.drop_index("ix_dossier_office_load")
        batch.drop_index("ix_dossier_office_due")
        batch.drop_column("decision_due_on")
