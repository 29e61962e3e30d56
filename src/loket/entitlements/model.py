"""Tables of living-wage assessments, maintenance-advance decisions and recovery ledgers.

Amounts are kept in whole cents, so that comparing an old and a new amount is exact on every
database. Nothing here is ever updated: a new computation adds a row, the history stays.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from loket.store.base import Base

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> int:
    return int((amount / CENT).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


class LivingWageAssessment(Base):
    """One computation of the living wage of a leefloon dossier: the situation it started from,
    the parameters' date and the monthly amount. The newest row per dossier is the current one."""

    __tablename__ = "living_wage_assessment"
    __table_args__ = (Index("ix_living_wage_assessment_dossier", "dossier_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    # The LivingWageSituation as JSON (amounts as text, see entitlements.situations).
    situation: Mapped[dict[str, Any]] = mapped_column(JSON)
    category: Mapped[str] = mapped_column(String(16))
    eligible: Mapped[bool] = mapped_column(Boolean)
    monthly_amount_cents: Mapped[int] = mapped_column(Integer)
    # The day whose amounts and rules were applied (an index jump changes them).
    parameters_on: Mapped[date] = mapped_column(Date)
    # Why it was computed: "request", "recomputed" (by staff) or "reindex".
    reason: Mapped[str] = mapped_column(String(16))
    # A staff username, "citizen" (the estimate of a request) or "reindex".
    computed_by: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    @property
    def monthly_amount_eur(self) -> Decimal:
        return from_cents(self.monthly_amount_cents)


class MaintenanceAdvanceDecision(Base):
    """The decision on advances of maintenance for a maintenance-claim dossier (DAVO/SECAL).
    A new decision adds a row; the newest one applies."""

    __tablename__ = "maintenance_advance_decision"
    __table_args__ = (Index("ix_maintenance_advance_decision_dossier", "dossier_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    situation: Mapped[dict[str, Any]] = mapped_column(JSON)
    eligible: Mapped[bool] = mapped_column(Boolean)
    # Message ids of the conditions not met (translated when shown).
    unmet_conditions: Mapped[list[str]] = mapped_column(JSON)
    monthly_advance_cents: Mapped[int] = mapped_column(Integer)
    per_child_cents: Mapped[list[int]] = mapped_column(JSON)
    # The surcharge the debtor owes on top, in basis points (1300 is 13 %).
    surcharge_basis_points: Mapped[int] = mapped_column(Integer)
    requested_on: Mapped[date] = mapped_column(Date)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    @property
    def monthly_advance_eur(self) -> Decimal:
        return from_cents(self.monthly_advance_cents)

    @property
    def per_child_eur(self) -> list[Decimal]:
        return [from_cents(cents) for cents in self.per_child_cents]

    @property
    def surcharge_rate(self) -> Decimal:
        return (Decimal(self.surcharge_basis_points) / 10000).quantize(Decimal("0.0001"))


class RecoveryLedgerEntry(Base):
    """One line of a maintenance-claim dossier's recovery ledger: an advance paid to the
    creditor or an amount recovered from the debtor."""

    __tablename__ = "recovery_ledger_entry"
    __table_args__ = (
        Index("ix_recovery_ledger_entry_dossier", "dossier_id", "booked_on"),
        CheckConstraint("kind IN ('advance', 'recovery')", name="kind"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    booked_on: Mapped[date] = mapped_column(Date)
    # "advance" or "recovery" (entitlements.choices.LedgerKind).
    kind: Mapped[str] = mapped_column(String(10))
    amount_cents: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    @property
    def amount_eur(self) -> Decimal:
        return from_cents(self.amount_cents)
