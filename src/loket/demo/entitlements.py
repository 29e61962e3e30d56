"""Synthetic entitlements for the demo: each open leefloon dossier gets an assessment at the
amounts of the reference day, and half the open maintenance-claim dossiers an advance decision
with a ledger of monthly advances and some recoveries; deterministic for a seed."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session, sessionmaker

from loket.cases.choices import OPEN_STATUSES
from loket.cases.model import Dossier
from loket.entitlements.model import (
    LivingWageAssessment,
    MaintenanceAdvanceDecision,
    RecoveryLedgerEntry,
    to_cents,
)
from loket.entitlements.situations import situation_json
from loket.rules import (
    LIVING_WAGE_CATEGORIES,
    Child,
    LivingWageSituation,
    MaintenanceSituation,
    RulesError,
    decide_advance,
    living_wage_amounts,
)

# Living-wage amounts are known from 2023 on; the demo's dossiers may be older.
FIRST_KNOWN = date(2023, 1, 1)
DECISION_SHARE = 0.5
LEDGER_MONTHS = 12


def _living_wage_situation(rng: random.Random) -> LivingWageSituation:
    """A plausible applicant: most without resources, some with part-time work or a partner."""
    resources = rng.choice([0, 0, 0, rng.randint(100, 1200)])
    earned = resources if resources and rng.random() < 0.4 else 0
    return LivingWageSituation(
        category=rng.choices(LIVING_WAGE_CATEGORIES, (30, 50, 20))[0],
        age=rng.randint(18, 64),
        monthly_net_resources_eur=Decimal(resources),
        monthly_employment_income_eur=Decimal(earned),
        socio_professional_exemption=bool(earned) and rng.random() < 0.5,
        partner_monthly_income_eur=Decimal(rng.choice([0, 0, 0, rng.randint(900, 2200)])),
    )


def _open_without(session: Session, case_type: str, model: Any) -> list[tuple[int, date]]:
    """Open dossiers of `case_type` that have no row of `model` yet (seeding twice adds none)."""
    return [
        (dossier_id, opened_on)
        for dossier_id, opened_on in session.execute(
            select(Dossier.id, Dossier.opened_on)
            .where(
                Dossier.case_type == case_type,
                Dossier.status.in_(OPEN_STATUSES),
                ~exists().where(model.dossier_id == Dossier.id),
            )
            .order_by(Dossier.id)
        )
    ]


def seed_assessments(session: Session, rng: random.Random, on: date) -> int:
    dossiers = _open_without(session, "leefloon", LivingWageAssessment)
    if not dossiers:
        return 0
    situations = [_living_wage_situation(rng) for _ in dossiers]
    amounts = living_wage_amounts(situations, on)
    rows = [
        {
            "dossier_id": dossier_id,
            "situation": situation_json(situation),
            "category": situation.category,
            "eligible": True,
            "monthly_amount_cents": round(float(amount) * 100),
            "parameters_on": on,
            "reason": "request",
            "computed_by": "citizen",
            "computed_at": datetime.combine(max(opened_on, FIRST_KNOWN), time(10)),
        }
        for (dossier_id, opened_on), situation, amount in zip(
            dossiers, situations, amounts, strict=True
        )
    ]
    session.execute(insert(LivingWageAssessment), rows)
    return len(rows)


def _months_after(day: date, count: int, until: date) -> list[date]:
    months = []
    for k in range(1, count + 1):
        month = day.month - 1 + k
        first = date(day.year + month // 12, month % 12 + 1, 1)
        if first > until:
            break
        months.append(first)
    return months


def seed_advances(session: Session, rng: random.Random, today: date) -> int:
    decisions: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for dossier_id, opened_on in _open_without(
        session, "maintenance-claim", MaintenanceAdvanceDecision
    ):
        if rng.random() >= DECISION_SHARE:
            continue
        situation = MaintenanceSituation(
            creditor_domiciled_in_belgium=True,
            enforceable_title=rng.random() < 0.95,
            missed_payments_last_12_months=rng.randint(1, 12),
            children=tuple(
                Child(Decimal(rng.randrange(100, 400, 25))) for _ in range(rng.randint(1, 3))
            ),
            creditor_monthly_net_income_eur=Decimal(rng.randrange(900, 3000, 50)),
            requested_on=opened_on,
        )
        decided_on = min(opened_on + timedelta(days=rng.randint(5, 25)), today)
        try:
            decision = decide_advance(situation, decided_on)
        except RulesError:  # a day the DAVO rules do not cover: no decision shown
            continue
        decisions.append(
            {
                "dossier_id": dossier_id,
                "situation": situation_json(situation),
                "eligible": decision.eligible,
                "unmet_conditions": list(decision.unmet_conditions),
                "monthly_advance_cents": to_cents(decision.monthly_advance_eur),
                "per_child_cents": [to_cents(amount) for amount in decision.per_child_eur],
                "surcharge_basis_points": int(decision.surcharge_rate * 10000),
                "requested_on": opened_on,
                "decided_on": decided_on,
                "decided_by": "demo-davo-gent",
                "decided_at": datetime.combine(decided_on, time(11)),
            }
        )
        if not decision.eligible:
            continue
        advance = to_cents(decision.monthly_advance_eur)
        for month in _months_after(decided_on, LEDGER_MONTHS, today):
            entries.append(_entry(dossier_id, month, "advance", advance))
            if rng.random() < 0.3:
                recovered = advance * rng.randint(1, 3) // 2
                entries.append(_entry(dossier_id, month.replace(day=15), "recovery", recovered))
    if decisions:
        session.execute(insert(MaintenanceAdvanceDecision), decisions)
    if entries:
        session.execute(insert(RecoveryLedgerEntry), entries)
    return len(decisions)


def _entry(dossier_id: int, on: date, kind: str, cents: int) -> dict[str, Any]:
    return {
        "dossier_id": dossier_id,
        "booked_on": on,
        "kind": kind,
        "amount_cents": cents,
        "recorded_by": "demo-davo-gent",
        "recorded_at": datetime.combine(on, time(12)),
    }


def seed_entitlements(sessions: sessionmaker[Session], seed: int, today: date) -> tuple[int, int]:
    """(assessments, decisions) added for the dossiers that had none."""
    rng = random.Random(seed * 15 + 1)
    with sessions.begin() as session:
        assessed = seed_assessments(session, rng, today)
        decided = seed_advances(session, rng, today)
    return assessed, decided
