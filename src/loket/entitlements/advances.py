"""Advances of maintenance for maintenance-claim dossiers and the ledger of what was advanced to
the creditor and recovered from the debtor.

Rules: a decision is computed by `loket.rules.decide_advance` and kept with the situation it was
taken on; a new decision adds a row and the newest applies. Ledger entries are only added, never
changed; the balance owed by the debtor is computed by `loket.rules.recovery_ledger` from all
entries, counting from the request date of the newest decision.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.cases.model import Dossier
from loket.entitlements.errors import EntitlementError, NoDecision, require_case_type
from loket.entitlements.model import (
    MaintenanceAdvanceDecision,
    RecoveryLedgerEntry,
    to_cents,
)
from loket.entitlements.situations import situation_json
from loket.rules import (
    AdvanceDecision,
    LedgerEntry,
    MaintenanceSituation,
    RecoveryLedger,
    decide_advance,
    recovery_ledger,
)
from loket.texts import N_

MAINTENANCE_CASE_TYPE = "maintenance-claim"
LEDGER_KINDS = ("advance", "recovery")


def decide_maintenance_advance(
    session: Session,
    dossier: Dossier,
    situation: MaintenanceSituation,
    on: date,
    *,
    decided_by: str,
    now: datetime | None = None,
) -> tuple[MaintenanceAdvanceDecision, AdvanceDecision]:
    """Decide on advances for `situation` on day `on` and keep the decision with the dossier."""
    require_case_type(dossier, MAINTENANCE_CASE_TYPE)
    decision = decide_advance(situation, on)
    row = MaintenanceAdvanceDecision(
        dossier_id=dossier.id,
        situation=situation_json(situation),
        eligible=decision.eligible,
        unmet_conditions=list(decision.unmet_conditions),
        monthly_advance_cents=to_cents(decision.monthly_advance_eur),
        per_child_cents=[to_cents(amount) for amount in decision.per_child_eur],
        surcharge_basis_points=int((decision.surcharge_rate * 10000).to_integral_value()),
        requested_on=situation.requested_on,
        decided_on=on,
        decided_by=decided_by,
        decided_at=now or datetime.now(),
    )
    session.add(row)
    session.flush()
    return row, decision


def latest_decision(session: Session, dossier_id: int) -> MaintenanceAdvanceDecision | None:
    return session.scalar(
        select(MaintenanceAdvanceDecision)
        .where(MaintenanceAdvanceDecision.dossier_id == dossier_id)
        .order_by(MaintenanceAdvanceDecision.id.desc())
        .limit(1)
    )


def add_ledger_entry(
    session: Session,
    dossier: Dossier,
    kind: str,
    amount_eur: Decimal,
    on: date,
    *,
    recorded_by: str,
) -> RecoveryLedgerEntry:
    """Book an advance paid to the creditor or an amount recovered from the debtor. Only
    after a decision: the surcharge and balance count from its request date."""
    require_case_type(dossier, MAINTENANCE_CASE_TYPE)
    if kind not in LEDGER_KINDS:
        raise EntitlementError(N_("Choose an advance or a recovery."), "kind")
    if amount_eur <= 0:
        raise EntitlementError(N_("Enter an amount above 0 euro, like 175,00."), "amount")
    if latest_decision(session, dossier.id) is None:
        raise NoDecision()
    entry = RecoveryLedgerEntry(
        dossier_id=dossier.id,
        booked_on=on,
        kind=kind,
        amount_cents=to_cents(amount_eur),
        recorded_by=recorded_by,
    )
    session.add(entry)
    session.flush()
    return entry


def ledger_entries(session: Session, dossier_id: int) -> list[RecoveryLedgerEntry]:
    """The dossier's ledger entries by date, in the order they were booked on one day."""
    return list(
        session.scalars(
            select(RecoveryLedgerEntry)
            .where(RecoveryLedgerEntry.dossier_id == dossier_id)
            .order_by(RecoveryLedgerEntry.booked_on, RecoveryLedgerEntry.id)
        )
    )


def ledger_of(session: Session, dossier_id: int) -> RecoveryLedger | None:
    """The ledger with its running balance; None before any decision."""
    decision = latest_decision(session, dossier_id)
    if decision is None:
        return None
    entries = [
        LedgerEntry(on=e.booked_on, kind=e.kind, amount_eur=e.amount_eur)  # type: ignore[arg-type]
        for e in ledger_entries(session, dossier_id)
    ]
    return recovery_ledger(entries, decision.requested_on)
